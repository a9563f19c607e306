// Auth0's two ways of paging a list, over a list already read in order: offset paging (`page`, `per_page`,
// `include_totals` → a bare array or `{start, limit, total, <key>}`) and checkpoint paging (`from`, `take` →
// `{<key>, next}`, where `next` names the first item of the following page).
import { fail } from '../platform/errors.ts';

export function offsetPage<T, K extends string>(
  all: T[],
  q: { page?: number; per_page?: number; include_totals?: boolean },
  key: K,
): T[] | ({ start: number; limit: number; total: number } & Record<K, T[]>) {
  const perPage = q.per_page ?? 50;
  const start = (q.page ?? 0) * perPage;
  const page = all.slice(start, start + perPage);
  return q.include_totals ? ({ start, limit: perPage, total: all.length, [key]: page } as { start: number; limit: number; total: number } & Record<K, T[]>) : page;
}

export function checkpointPage<T, K extends string>(all: T[], idOf: (item: T) => string, q: { from?: string; take?: number }, key: K, what: string) {
  const start = q.from ? all.findIndex((item) => idOf(item) === q.from) : 0;
  if (start < 0) fail('invalid_paging', `The "from" value does not name ${what}.`);
  const take = q.take ?? 50;
  const next = all[start + take];
  const page = all.slice(start, start + take);
  return (next ? { [key]: page, next: idOf(next) } : { [key]: page }) as Record<K, T[]> & { next?: string };
}
