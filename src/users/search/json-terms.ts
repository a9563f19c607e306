// Matching inside JSON columns, per dialect: metadata paths (`user_metadata.plan`, `app_metadata.x.y`, arrays
// flattened so `user_metadata.tags:"a"` finds ["a","b"]) and the elements of `identities[]`. The value each
// predicate sees is the element's text: strings as they are, numbers as written, booleans as true/false.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Dialect } from '../../platform/db/database.ts';

export type TextPredicate = (text: RawBuilder<unknown>) => RawBuilder<SqlBool>;

const sqlitePath = (path: string[]): string => `$${path.map((segment) => `.${JSON.stringify(segment)}`).join('')}`;

/** SQLite's json_extract turns true into 1: the text of a JSON scalar has to be spelled out by type. */
const sqliteScalarText = (doc: RawBuilder<unknown>, path: string): RawBuilder<unknown> =>
  sql`(CASE json_type(${doc}, ${path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE CAST(json_extract(${doc}, ${path}) AS TEXT) END)`;

/** True when the value at `path` (or any element of the array there) satisfies `predicate`. */
export function jsonAny(dialect: Dialect, column: string, path: string[], predicate: TextPredicate): RawBuilder<SqlBool> {
  const doc = sql.ref(`users.${column}`);
  if (dialect === 'postgres') {
    const target = sql`(${doc} #> ${path}::text[])`;
    return sql<SqlBool>`EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE jsonb_typeof(${target}) WHEN 'array' THEN ${target} ELSE jsonb_build_array(${target}) END) AS e(v) WHERE ${predicate(sql`e.v`)})`;
  }
  const p = sqlitePath(path);
  const text = sql`(CASE je.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE CAST(je.atom AS TEXT) END)`;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM json_each(${doc}, ${p}) AS je WHERE je.type NOT IN ('object', 'array') AND json_type(${doc}, ${p}) <> 'object' AND ${predicate(text)})`;
}

/** `_exists_` on a JSON path: present, and not null, [] or {} (Auth0 does not index those). */
export function jsonExists(dialect: Dialect, column: string, path: string[]): RawBuilder<SqlBool> {
  const doc = sql.ref(`users.${column}`);
  if (dialect === 'postgres') {
    return sql<SqlBool>`COALESCE((${doc} #> ${path}::text[]) NOT IN ('null'::jsonb, '[]'::jsonb, '{}'::jsonb), FALSE)`;
  }
  const p = sqlitePath(path);
  return sql<SqlBool>`COALESCE(json_type(${doc}, ${p}) <> 'null' AND (json_type(${doc}, ${p}) NOT IN ('array', 'object') OR json_extract(${doc}, ${p}) NOT IN ('[]', '{}')), FALSE)`;
}

/** True when some identity's `key` satisfies `predicate` (`identities.connection:"google-oauth2"`). */
export function identityAny(dialect: Dialect, key: string, predicate: TextPredicate): RawBuilder<SqlBool> {
  const doc = sql.ref('users.identities');
  if (dialect === 'postgres') {
    return sql<SqlBool>`EXISTS (SELECT 1 FROM jsonb_array_elements(${doc}) AS i(v) WHERE ${predicate(sql`(i.v ->> ${key}::text)`)})`;
  }
  return sql<SqlBool>`EXISTS (SELECT 1 FROM json_each(${doc}) AS i WHERE ${predicate(sqliteScalarText(sql`i.value`, sqlitePath([key])))})`;
}
