// Auth0's metadata PATCH (reference §3.4) as one SQL expression per dialect, so that the merge happens inside
// the UPDATE that writes it: concurrent PATCHes of different keys all survive, and no request ever writes back
// a copy it read earlier.
//   - top-level keys are merged; a nested object is replaced wholesale, never deep-merged;
//   - a key whose value is null is deleted;
//   - an empty object empties the metadata.
// PostgreSQL: (col || $set::jsonb) - $deleted::text[]  (jsonb's || is exactly a shallow merge).
// SQLite: json_set(json_remove(col, $."k"…), $."k", json(v)…). Not json_patch: it is RFC 7396, which would
// deep-merge nested objects and silently drop nulls nested inside a replaced value.
import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../platform/db/database.ts';
import type { Metadata } from './user-model.ts';

export type MetadataColumn = 'user_metadata' | 'app_metadata';

/** SQLite caps a function's arguments (127 by default); json_set calls are nested in chunks below that. */
const SQLITE_PAIRS_PER_CALL = 50;

/** SQLite JSON path of a top-level key: the label is JSON string content, so JSON.stringify quotes it exactly. */
export const sqliteKeyPath = (key: string): string => `$.${JSON.stringify(key)}`;

export function mergedMetadata(dialect: Dialect, column: MetadataColumn, patch: Metadata): RawBuilder<unknown> {
  const entries = Object.entries(patch);
  if (entries.length === 0) return dialect === 'postgres' ? sql`'{}'::jsonb` : sql`'{}'`;
  const set = entries.filter(([, v]) => v !== null);
  const deleted = entries.filter(([, v]) => v === null).map(([k]) => k);
  const current = sql.ref(column);

  if (dialect === 'postgres') {
    let expr: RawBuilder<unknown> = sql`${current}`;
    if (set.length > 0) expr = sql`(${expr} || ${JSON.stringify(Object.fromEntries(set))}::jsonb)`;
    if (deleted.length > 0) expr = sql`(${expr} - ${deleted}::text[])`;
    return expr;
  }

  let expr: RawBuilder<unknown> = sql`${current}`;
  if (deleted.length > 0) {
    for (let i = 0; i < deleted.length; i += SQLITE_PAIRS_PER_CALL * 2) {
      const paths = deleted.slice(i, i + SQLITE_PAIRS_PER_CALL * 2).map((k) => sql`${sqliteKeyPath(k)}`);
      expr = sql`json_remove(${expr}, ${sql.join(paths)})`;
    }
  }
  for (let i = 0; i < set.length; i += SQLITE_PAIRS_PER_CALL) {
    const pairs = set.slice(i, i + SQLITE_PAIRS_PER_CALL).map(([k, v]) => sql`${sqliteKeyPath(k)}, json(${JSON.stringify(v)})`);
    expr = sql`json_set(${expr}, ${sql.join(pairs)})`;
  }
  return expr;
}

/** Bytes of a JSON expression's text. PostgreSQL's jsonb text puts a space after ':' and ','; see docs. */
export function jsonTextBytes(dialect: Dialect, expr: RawBuilder<unknown>): RawBuilder<number> {
  return dialect === 'postgres' ? sql<number>`octet_length((${expr})::text)` : sql<number>`length(CAST(${expr} AS BLOB))`;
}

/** Applies the same merge in memory: the rule the SQL implements, for callers that hold a profile already. */
export function mergeMetadata(current: Metadata, patch: Metadata): Metadata {
  if (Object.keys(patch).length === 0) return {};
  const out: Metadata = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}
