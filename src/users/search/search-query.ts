// GET /users' `q` and `sort` as SQL pieces the store runs: the condition (lucene-to-sql.ts) and the ORDER BY.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Dialect } from '../../platform/db/database.ts';
import { validationError } from '../validation-messages.ts';
import { luceneToSql } from './lucene-to-sql.ts';
import { SORTABLE } from './search-fields.ts';

export interface SearchRequest {
  q?: string;
  /** `field:1` or `field:-1`. */
  sort?: string;
  page: number;
  perPage: number;
  includeTotals: boolean;
}

export interface CompiledSearch {
  where: RawBuilder<SqlBool> | null;
  orderBy: RawBuilder<unknown>[];
}

/** Auth0's sort pattern (OAS `^(([a-zA-Z0-9_\.]+))\:(1|-1)$`), minus escapes a unicode regex refuses. */
export const SORT_PATTERN = '^(([a-zA-Z0-9_.]+)):(1|-1)$';

export function orderFor(sort: string | undefined): RawBuilder<unknown>[] {
  if (sort === undefined) return [sql`users.created_at ASC`, sql`users.user_id ASC`];
  const match = new RegExp(SORT_PATTERN).exec(sort);
  if (!match) throw validationError(`String does not match pattern ${SORT_PATTERN}: ${sort}`, 'sort', 'querystring');
  const target = SORTABLE[match[1]];
  if (!target) {
    throw validationError(`Cannot sort by "${match[1]}"; sort by one of: ${Object.keys(SORTABLE).join(', ')}`, 'sort', 'querystring');
  }
  const dir = sql.raw(match[3] === '1' ? 'ASC' : 'DESC');
  // Users without the value come last whichever the direction, as in Auth0's search index.
  const nulls = target.nullable ? sql.raw(' NULLS LAST') : sql.raw('');
  const column = sql.ref(`users.${target.column}`);
  return target.column === 'user_id' ? [sql`${column} ${dir}`] : [sql`${column} ${dir}${nulls}`, sql`users.user_id ${dir}`];
}

export function compileSearch(dialect: Dialect, request: SearchRequest): CompiledSearch {
  return { where: request.q === undefined ? null : luceneToSql(dialect, request.q), orderBy: orderFor(request.sort) };
}
