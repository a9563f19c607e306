/**
 * The Auth0 import-error shape and the small JSON-schema-like checks that produce it. Codes and
 * message texts follow z-schema, the validator whose codes Auth0's import job reports
 * (`INVALID_TYPE`, `ENUM_MISMATCH`, …); `OBJECT_REQUIRED` is Auth0's name for a missing property.
 */

/** One validation failure, as in `GET /api/v2/jobs/{id}/errors`. */
export interface ValidationIssue {
  code: string;
  message: string;
  /** Dotted path with `[i]` indices, e.g. `mfa_factors[0].totp.secret`; '' for the whole value. */
  path: string;
}

/**
 * Builds an issue with Auth0's observed message form:
 * `Error in identities[0].profileData.email property - Object didn't pass validation for format email: x@`.
 */
export function issue(code: string, path: string, detail: string): ValidationIssue {
  return { code, path, message: path === '' ? detail : `Error in ${path} property - ${detail}` };
}

export function joinPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** JSON-schema type name of a parsed JSON value ('integer' for whole numbers, as z-schema does). */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function invalidType(path: string, expected: string, value: unknown): ValidationIssue {
  return issue('INVALID_TYPE', path, `Expected type ${expected} but found type ${jsonTypeOf(value)}`);
}

export function enumMismatch(path: string, value: unknown, allowed: readonly string[]): ValidationIssue {
  return issue('ENUM_MISMATCH', path, `No enum match for: ${JSON.stringify(value)} (expected one of ${allowed.join(', ')})`);
}

export function missingProperty(path: string): ValidationIssue {
  return issue('OBJECT_REQUIRED', path, `Missing required property: ${path.slice(path.lastIndexOf('.') + 1)}`);
}

export function additionalProperty(path: string): ValidationIssue {
  return issue('OBJECT_ADDITIONAL_PROPERTIES', path, `Additional properties not allowed: ${path.slice(path.lastIndexOf('.') + 1)}`);
}

/** Reports keys of `obj` outside `allowed` (JSON schema `additionalProperties: false`). */
export function checkNoExtraKeys(
  obj: Record<string, unknown>, allowed: ReadonlySet<string>, path: string, out: ValidationIssue[],
): void {
  for (const key in obj) if (!allowed.has(key)) out.push(additionalProperty(joinPath(path, key)));
}

/** Checks an optional string-enum property; returns the value when valid. */
export function checkEnum<T extends string>(
  obj: Record<string, unknown>, key: string, allowed: readonly T[], path: string, out: ValidationIssue[],
): T | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  const p = joinPath(path, key);
  if (typeof v !== 'string') { out.push(invalidType(p, 'string', v)); return undefined; }
  if (!(allowed as readonly string[]).includes(v)) { out.push(enumMismatch(p, v, allowed)); return undefined; }
  return v as T;
}

/** Checks an optional property's JSON type; returns true when present and of that type. */
export function checkType(
  obj: Record<string, unknown>, key: string, expected: 'string' | 'object' | 'integer' | 'boolean',
  path: string, out: ValidationIssue[],
): boolean {
  const v = obj[key];
  if (v === undefined) return false;
  const ok = expected === 'object' ? isPlainObject(v)
    : expected === 'integer' ? Number.isInteger(v)
    : typeof v === expected;
  if (!ok) out.push(invalidType(joinPath(path, key), expected, v));
  return ok;
}
