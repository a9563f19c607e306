// Lucene wildcards (`*` any run, `?` one character) as SQL: LIKE with a backslash escape on PostgreSQL, GLOB
// on SQLite (whose LIKE ignores ASCII case, which would make case-sensitive fields match too much). When the
// pattern starts with literal text and the column compares bytewise, a range on that prefix is added so the
// index does the work: `name:jo*` becomes name_lc >= 'jo' AND name_lc < 'jp' AND name_lc GLOB 'jo*'.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Dialect } from '../../platform/db/database.ts';
import { queryError } from './search-fields.ts';

export type PatternPart = { literal: string } | { wildcard: '*' | '?' };

export const hasWildcard = (value: string): boolean => /[*?]/.test(value);

export function parsePattern(value: string): PatternPart[] {
  const parts: PatternPart[] = [];
  for (const ch of value) {
    if (ch === '*' || ch === '?') {
      if (ch === '*' && parts.at(-1) && 'wildcard' in parts.at(-1)! && (parts.at(-1) as { wildcard: string }).wildcard === '*') continue;
      parts.push({ wildcard: ch });
    } else {
      const last = parts.at(-1);
      if (last && 'literal' in last) last.literal += ch;
      else parts.push({ literal: ch });
    }
  }
  return parts;
}

/** Auth0 asks for at least 3 literal characters in a search that starts with a wildcard (`*son`). */
export const MIN_LITERALS_AFTER_LEADING_WILDCARD = 3;

export function checkPattern(field: string, parts: PatternPart[]): void {
  const literals = parts.reduce((n, p) => n + ('literal' in p ? [...p.literal].length : 0), 0);
  if ('wildcard' in parts[0] && literals < MIN_LITERALS_AFTER_LEADING_WILDCARD) {
    throw queryError(`A wildcard search that starts with a wildcard needs at least ${MIN_LITERALS_AFTER_LEADING_WILDCARD} other characters: ${field}`);
  }
}

export function likePattern(parts: PatternPart[]): string {
  return parts
    .map((p) => ('literal' in p ? p.literal.replace(/[\\%_]/g, (c) => `\\${c}`) : p.wildcard === '*' ? '%' : '_'))
    .join('');
}

export function globPattern(parts: PatternPart[]): string {
  return parts.map((p) => ('literal' in p ? p.literal.replace(/[*?[]/g, (c) => `[${c}]`) : p.wildcard)).join('');
}

/** The smallest string greater than every string starting with `prefix`, in code point (= UTF-8 byte) order. */
export function prefixUpperBound(prefix: string): string | null {
  const points = [...prefix].map((c) => c.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    // Skip the surrogate block: it is not valid UTF-8 and pg would refuse it.
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    if (next <= 0x10ffff) return String.fromCodePoint(...points, next);
  }
  return null;
}

export function patternMatch(dialect: Dialect, target: RawBuilder<unknown>, parts: PatternPart[], bytewise: boolean): RawBuilder<SqlBool> {
  const match = dialect === 'postgres'
    ? sql<SqlBool>`${target} LIKE ${likePattern(parts)} ESCAPE '\\'`
    : sql<SqlBool>`${target} GLOB ${globPattern(parts)}`;
  const first = parts[0];
  if (!bytewise || !('literal' in first)) return match;
  const upper = prefixUpperBound(first.literal);
  const range = upper === null
    ? sql<SqlBool>`${target} >= ${first.literal}`
    : sql<SqlBool>`${target} >= ${first.literal} AND ${target} < ${upper}`;
  return parts.length === 2 && 'wildcard' in parts[1] && parts[1].wildcard === '*' ? sql<SqlBool>`(${range})` : sql<SqlBool>`(${range} AND ${match})`;
}
