/**
 * The `fields` of `POST /api/v2/jobs/users-exports`: which attributes go into the export, under
 * which name (`export_as`, the CSV column title), and the checks Auth0 applies to them.
 */
import { issue, type ValidationIssue } from '../../platform/passwords/validation-issue.ts';

export interface ExportField {
  /** Attribute path: `email`, `user_metadata.plan`, `identities[0].connection`. */
  name: string;
  export_as?: string;
}

export type ExportFormat = 'json' | 'csv';

export const MAX_CSV_FIELDS = 30;
export const MAX_FIELD_NAME_LENGTH = 100;

/**
 * What Auth0 exports when `fields` is omitted, and the column titles it uses (the import side maps
 * them back, see auth0-export-shape.ts). UNCONFIRMED against a live tenant: taken from exports
 * seen in the wild.
 */
export const DEFAULT_EXPORT_FIELDS: readonly ExportField[] = [
  { name: 'user_id', export_as: 'Id' },
  { name: 'given_name', export_as: 'Given Name' },
  { name: 'family_name', export_as: 'Family Name' },
  { name: 'nickname', export_as: 'Nickname' },
  { name: 'name', export_as: 'Name' },
  { name: 'email', export_as: 'Email' },
  { name: 'email_verified', export_as: 'Email Verified' },
  { name: 'picture', export_as: 'Picture' },
  { name: 'identities[0].connection', export_as: 'Connection' },
  { name: 'created_at', export_as: 'Created At' },
  { name: 'updated_at', export_as: 'Updated At' },
];

const WHOLE_METADATA = new Set(['user_metadata', 'app_metadata']);
const PATH = /^[^.[\]]+(?:\[\d+\])*(?:\.[^.[\]]+(?:\[\d+\])*)*$/;

/**
 * Problems with an export request's `fields`, each naming the field (`fields[3].name`): shape and
 * lengths for every format; for CSV at most 30 fields and no whole `user_metadata`/`app_metadata`
 * objects (a CSV cell holds one value: list the sub-fields, e.g. `user_metadata.plan`).
 */
export function validateExportFields(fields: unknown, format: ExportFormat): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  if (!Array.isArray(fields)) return [issue('INVALID_TYPE', 'fields', 'Expected type array but found type ' + typeof fields)];
  if (format === 'csv' && fields.length > MAX_CSV_FIELDS) {
    out.push(issue('ARRAY_LENGTH_LONG', 'fields',
      `A CSV export can have at most ${MAX_CSV_FIELDS} fields, this request has ${fields.length}; use the json format for more`));
  }
  fields.forEach((f, i) => {
    const path = `fields[${i}]`;
    if (typeof f !== 'object' || f === null || Array.isArray(f)) { out.push(issue('INVALID_TYPE', path, 'Expected type object')); return; }
    for (const key of Object.keys(f)) {
      if (key !== 'name' && key !== 'export_as') out.push(issue('OBJECT_ADDITIONAL_PROPERTIES', `${path}.${key}`, `Additional properties not allowed: ${key}`));
    }
    const { name, export_as: exportAs } = f as Record<string, unknown>;
    if (typeof name !== 'string') { out.push(issue(name === undefined ? 'OBJECT_REQUIRED' : 'INVALID_TYPE', `${path}.name`, 'name must be a string')); return; }
    checkLength(name, `${path}.name`, out);
    if (exportAs !== undefined) {
      if (typeof exportAs !== 'string') out.push(issue('INVALID_TYPE', `${path}.export_as`, 'export_as must be a string'));
      else checkLength(exportAs, `${path}.export_as`, out);
    }
    if (name.length > 0 && !PATH.test(name)) {
      out.push(issue('PATTERN', `${path}.name`, `"${name}" is not an attribute path such as email, user_metadata.plan or identities[0].connection`));
    }
    if (format === 'csv' && WHOLE_METADATA.has(name)) {
      out.push(issue('NOT_PASSED', `${path}.name`,
        `The whole ${name} object cannot be exported as a CSV column; list its fields instead (e.g. ${name}.plan), or use the json format`));
    }
  });
  return out;
}

function checkLength(s: string, path: string, out: ValidationIssue[]): void {
  if (s.length === 0) out.push(issue('MIN_LENGTH', path, 'String is too short (0 chars), minimum 1'));
  if (s.length > MAX_FIELD_NAME_LENGTH) out.push(issue('MAX_LENGTH', path, `String is too long (${s.length} chars), maximum ${MAX_FIELD_NAME_LENGTH}`));
}

/** Reads a dotted path with `[i]` indices; undefined when any step is missing. */
export function readPath(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const step of path.split('.')) {
    const bracket = step.indexOf('[');
    const key = bracket < 0 ? step : step.slice(0, bracket);
    cur = own(cur, key);
    if (bracket >= 0) for (const m of step.slice(bracket).matchAll(/\[(\d+)\]/g)) cur = Array.isArray(cur) ? cur[Number(m[1])] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

// Only own properties: an attribute path must never reach Object.prototype (`constructor`, `__proto__`).
function own(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null && Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** The exported object for JSON/NDJSON: `export_as ?? name` → value, in `fields` order, missing values left out. */
export function selectExportFields(user: object, fields: readonly ExportField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = readPath(user, f.name);
    if (v !== undefined) out[f.export_as ?? f.name] = v;
  }
  return out;
}

/** The CSV header: each field's `export_as`, or its name. */
export function csvHeader(fields: readonly ExportField[]): string[] {
  return fields.map((f) => f.export_as ?? f.name);
}

/** The CSV cells of one user, in `fields` order (missing values are empty cells). */
export function csvValues(user: object, fields: readonly ExportField[]): unknown[] {
  return fields.map((f) => readPath(user, f.name));
}
