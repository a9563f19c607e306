// Auth0's user search syntax (Lucene, reference §3.2) parsed by liqe and translated to one SQL condition for
// either dialect. Every value is a bound parameter; field names only ever select a column or become a bound
// JSON path. Anything the translation does not support is a 400 naming what was wrong, never a filter in
// JavaScript over the whole table.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { parse, type LiteralExpressionToken, type ParserAst, type TagToken } from 'liqe';
import type { Dialect } from '../../platform/db/database.ts';
import { fold } from '../user-model.ts';
import { identityAny, jsonAny, jsonExists } from './json-terms.ts';
import { checkPattern, hasWildcard, parsePattern, patternMatch, type PatternPart } from './patterns.ts';
import { extractRanges, type RangeBounds } from './range-placeholders.ts';
import { queryError, resolveField, type FieldSpec } from './search-fields.ts';
import { booleanValue, dateValue, numberValue } from './search-values.ts';

/** Terms per query: enough for any hand-written search, few enough to keep the SQL small. */
export const MAX_TERMS = 64;

const TRUE = sql<SqlBool>`(1 = 1)`;
const FALSE = sql<SqlBool>`(1 = 0)`;

interface Context {
  dialect: Dialect;
  source: string;
  ranges: Map<string, RangeBounds>;
  terms: number;
}

/** The SQL condition for `q`, or null when the query is empty (every user matches). */
export function luceneToSql(dialect: Dialect, query: string): RawBuilder<SqlBool> | null {
  if (query.trim() === '') return null;
  const { text, ranges } = extractRanges(query);
  let ast: ParserAst;
  try {
    ast = parse(text);
  } catch (error) {
    const column = (error as { column?: number }).column;
    throw queryError(`Invalid query syntax${column ? ` near character ${column}` : ''}: ${query.slice(0, 200)}`);
  }
  return node(ast, { dialect, source: text, ranges, terms: 0 });
}

function node(ast: ParserAst, ctx: Context): RawBuilder<SqlBool> {
  switch (ast.type) {
    case 'EmptyExpression':
      return TRUE;
    case 'ParenthesizedExpression':
      return node(ast.expression, ctx);
    case 'LogicalExpression': {
      const op = ast.operator.operator === 'OR' ? sql.raw('OR') : sql.raw('AND');
      return sql<SqlBool>`(${node(ast.left, ctx)} ${op} ${node(ast.right, ctx)})`;
    }
    case 'UnaryOperator':
      // NULL-safe: `NOT name:x` keeps users without a name, as Lucene does.
      return sql<SqlBool>`(NOT COALESCE(${node(ast.operand, ctx)}, ${FALSE}))`;
    case 'Tag':
      return tag(ast, ctx);
  }
}

function literalText(expr: LiteralExpressionToken, ctx: Context): string {
  if (typeof expr.value === 'string') return expr.value;
  // Unquoted numbers, booleans and null: the characters as written (1e5 stays "1e5").
  return ctx.source.slice(expr.location.start, expr.location.end);
}

function tag(ast: TagToken, ctx: Context): RawBuilder<SqlBool> {
  if (++ctx.terms > MAX_TERMS) throw queryError(`The query has more than ${MAX_TERMS} terms`);
  const expr = ast.expression;
  const fieldName = ast.field.type === 'Field' ? ast.field.name : null;
  const label = fieldName ?? 'the query';
  if (expr.type === 'RegexExpression') throw queryError(`Regular expressions are not supported: ${label}`);
  if (expr.type === 'EmptyExpression') throw queryError(`Missing value for ${label}`);
  if (expr.type === 'RangeExpression') {
    if (!fieldName) throw queryError('A range needs a field, e.g. logins_count:[1 TO 10]');
    const r = expr.range;
    return range(ctx, fieldName, resolveField(fieldName), { min: String(r.min), max: String(r.max), minInclusive: r.minInclusive, maxInclusive: r.maxInclusive });
  }
  const raw = literalText(expr, ctx);
  const wildcard = !expr.quoted && hasWildcard(raw);
  if (fieldName === null) return bareTerm(ctx, raw, wildcard);
  if (fieldName === '_exists_') return exists(ctx, resolveField(raw));
  const spec = resolveField(fieldName);
  if (spec.kind === 'json' && spec.path.length === 0) throw queryError(`Search metadata by a path, e.g. ${fieldName}.plan:"gold"`);
  const placeheld = expr.quoted ? ctx.ranges.get(raw) : undefined;
  if (placeheld) return range(ctx, fieldName, spec, placeheld);
  const op = ast.operator.operator;
  if (op !== ':' && op !== ':=') return compare(ctx, fieldName, spec, op, raw);
  if (wildcard) {
    if (/^\*+$/.test(raw)) return exists(ctx, spec);
    // Auth0 refuses wildcards on user_metadata (it does not index those fields for them); Portrait follows, so a
    // query that works here works on Auth0 too. `user_metadata.x:*` (the field exists) stays, as `_exists_` does.
    if (spec.kind === 'json' && spec.column === 'user_metadata') throw queryError(`Wildcards are not supported on user_metadata fields: ${fieldName}`);
    const parts = parsePattern(raw);
    checkPattern(fieldName, parts);
    return matches(ctx, fieldName, spec, parts);
  }
  return equals(ctx, fieldName, spec, raw);
}

const col = (name: string) => sql.ref(`users.${name}`);

function equals(ctx: Context, field: string, spec: FieldSpec, raw: string): RawBuilder<SqlBool> {
  switch (spec.kind) {
    case 'text':
      return sql<SqlBool>`${col(spec.column)} = ${spec.folded ? fold(raw) : raw}`;
    case 'bool':
      return sql<SqlBool>`${col(spec.column)} = ${booleanValue(field, raw)}`;
    case 'number':
      return sql<SqlBool>`${col(spec.column)} = ${numberValue(field, raw)}`;
    case 'date': {
      const d = dateValue(field, raw);
      return sql<SqlBool>`(${col(spec.column)} >= ${d.start} AND ${col(spec.column)} < ${d.end})`;
    }
    case 'json':
      return jsonAny(ctx.dialect, spec.column, spec.path, (t) => sql<SqlBool>`${t} = ${raw}`);
    case 'identities':
      return identityAny(ctx.dialect, spec.key, (t) => sql<SqlBool>`${t} = ${raw}`);
    case 'emailDomain':
      return patternMatch(ctx.dialect, col('email_lc'), [{ wildcard: '*' }, { literal: `@${fold(raw)}` }], false);
  }
}

const foldParts = (parts: PatternPart[]): PatternPart[] => parts.map((p) => ('literal' in p ? { literal: fold(p.literal) } : p));

function matches(ctx: Context, field: string, spec: FieldSpec, parts: PatternPart[]): RawBuilder<SqlBool> {
  // Plain columns compare bytewise on SQLite; on PostgreSQL only the folded columns (collation "C") do.
  const bytewise = (folded: boolean) => folded || ctx.dialect === 'sqlite';
  switch (spec.kind) {
    case 'text':
      return patternMatch(ctx.dialect, col(spec.column), spec.folded ? foldParts(parts) : parts, bytewise(spec.folded));
    case 'date':
      return patternMatch(ctx.dialect, col(spec.column), parts, bytewise(false));
    case 'json':
      return jsonAny(ctx.dialect, spec.column, spec.path, (t) => patternMatch(ctx.dialect, t, parts, false));
    case 'identities':
      return identityAny(ctx.dialect, spec.key, (t) => patternMatch(ctx.dialect, t, parts, false));
    case 'emailDomain':
      return patternMatch(ctx.dialect, col('email_lc'), [{ wildcard: '*' }, { literal: '@' }, ...foldParts(parts)], false);
    default:
      throw queryError(`Wildcards are not supported on the field "${field}"`);
  }
}

function exists(ctx: Context, spec: FieldSpec): RawBuilder<SqlBool> {
  switch (spec.kind) {
    case 'json':
      return jsonExists(ctx.dialect, spec.column, spec.path);
    case 'identities':
      return identityAny(ctx.dialect, spec.key, (t) => sql<SqlBool>`${t} IS NOT NULL`);
    case 'emailDomain':
      return sql<SqlBool>`${col('email_lc')} IS NOT NULL`;
    default:
      return sql<SqlBool>`${col(spec.column)} IS NOT NULL`;
  }
}

type Bound = { value: number | string; inclusive: boolean };

/** Lower and upper SQL bounds of a number or date field; a date bound covers its whole day or instant. */
function bounds(field: string, spec: FieldSpec, r: RangeBounds): { lower: Bound | null; upper: Bound | null } {
  if (spec.kind === 'number') {
    return {
      lower: r.min === null ? null : { value: numberValue(field, r.min), inclusive: r.minInclusive },
      upper: r.max === null ? null : { value: numberValue(field, r.max), inclusive: r.maxInclusive },
    };
  }
  if (spec.kind === 'date') {
    // Stored instants are compared as ISO text: >= start or >= end, < end or < start.
    const lo = r.min === null ? null : dateValue(field, r.min);
    const hi = r.max === null ? null : dateValue(field, r.max);
    return {
      lower: lo && { value: r.minInclusive ? lo.start : lo.end, inclusive: true },
      upper: hi && { value: r.maxInclusive ? hi.end : hi.start, inclusive: false },
    };
  }
  throw queryError(`Ranges are supported on numbers and dates (logins_count, created_at, updated_at, last_login), not on "${field}"`);
}

function range(ctx: Context, field: string, spec: FieldSpec, r: RangeBounds): RawBuilder<SqlBool> {
  const { lower, upper } = bounds(field, spec, r);
  const column = col((spec as { column: string }).column);
  const parts: RawBuilder<SqlBool>[] = [];
  if (lower) parts.push(lower.inclusive ? sql<SqlBool>`${column} >= ${lower.value}` : sql<SqlBool>`${column} > ${lower.value}`);
  if (upper) parts.push(upper.inclusive ? sql<SqlBool>`${column} <= ${upper.value}` : sql<SqlBool>`${column} < ${upper.value}`);
  if (parts.length === 0) return sql<SqlBool>`${column} IS NOT NULL`;
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

function compare(ctx: Context, field: string, spec: FieldSpec, op: string, raw: string): RawBuilder<SqlBool> {
  const r: RangeBounds = { min: null, max: null, minInclusive: op === ':>=', maxInclusive: op === ':<=' };
  if (op === ':>' || op === ':>=') r.min = raw;
  else r.max = raw;
  return range(ctx, field, spec, r);
}

/** A term without a field searches email, nickname and name; in name it also matches a whole word. */
function bareTerm(ctx: Context, raw: string, wildcard: boolean): RawBuilder<SqlBool> {
  const bytewise = true; // the folded columns
  if (wildcard) {
    if (/^\*+$/.test(raw)) return TRUE;
    const parts = foldParts(parsePattern(raw));
    checkPattern(raw, parts);
    const each = ['email_lc', 'nickname_lc', 'name_lc'].map((c) => patternMatch(ctx.dialect, col(c), parts, bytewise));
    return sql<SqlBool>`(${sql.join(each, sql` OR `)})`;
  }
  const v = fold(raw);
  const word = (p: PatternPart[]) => patternMatch(ctx.dialect, col('name_lc'), p, false);
  return sql<SqlBool>`(${col('email_lc')} = ${v} OR ${col('nickname_lc')} = ${v} OR ${col('name_lc')} = ${v} OR ${word([{ literal: `${v} ` }, { wildcard: '*' }])} OR ${word([{ wildcard: '*' }, { literal: ` ${v}` }])} OR ${word([{ wildcard: '*' }, { literal: ` ${v} ` }, { wildcard: '*' }])})`;
}
