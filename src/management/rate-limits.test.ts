// The rate-limit counter on both databases: two limiters on one database (two nodes) count into the same window,
// concurrent hits are each counted once, a new window starts from zero, and ended windows are purged.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, dialects, type TestDatabase } from '../../test/support/databases.ts';
import { openDatabase, type DatabaseHandle } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrations.ts';
import { RateLimiter, rateLimitMigrations, type RateLimitTables } from './rate-limits.ts';

describe.each(dialects)('RateLimiter on %s', (dialect) => {
  let database: TestDatabase;
  let handles: DatabaseHandle[] = [];
  afterEach(async () => {
    for (const h of handles) await h.close();
    handles = [];
    await database?.drop();
  });

  async function node(limit: number, windowSeconds = 60) {
    const handle = openDatabase(database.config);
    handles.push(handle);
    return new RateLimiter(handle, { limit, windowSeconds });
  }

  it('counts the hits of every node into one window, atomically, and answers past the limit', async () => {
    database = await createTestDatabase(dialect);
    const first = openDatabase(database.config);
    handles.push(first);
    await migrateToLatest(first, rateLimitMigrations);
    const [a, b] = [await node(30), await node(30)];
    const now = Date.UTC(2026, 11, 2, 12, 0, 10);
    const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hit('client:app', now)));
    const remaining = verdicts.map((v) => v.remaining).sort((x, y) => x - y);
    // Each of the 40 hits saw its own count: 30 allowed (remaining 29..0), 10 refused (remaining 0).
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(30);
    expect(remaining).toEqual([...Array(11).fill(0), ...Array.from({ length: 29 }, (_, i) => i + 1)]);
    expect(verdicts[0]).toMatchObject({ limit: 30, reset: Date.UTC(2026, 11, 2, 12, 1, 0) / 1000, retryAfter: 50 });

    // Another caller has its own count; the next window starts again.
    expect(await a.hit('client:other', now)).toMatchObject({ allowed: true, remaining: 29 });
    expect(await b.hit('client:app', now + 60_000)).toMatchObject({ allowed: true, remaining: 29 });

    await a.purgeBefore(Date.UTC(2026, 11, 2, 12, 1, 0) / 1000);
    const rows = await first.tables<RateLimitTables>().selectFrom('rate_limit_windows').select(['key', 'hits']).execute();
    expect(rows).toEqual([{ key: 'client:app', hits: 1 }]);
  });

  it('claims counts in blocks of 1 % of a large limit: one write per block, the count still shared', async () => {
    database = await createTestDatabase(dialect);
    const first = openDatabase(database.config);
    handles.push(first);
    await migrateToLatest(first, rateLimitMigrations);
    const [a, b] = [await node(1000), await node(1000)];
    const now = Date.UTC(2026, 11, 2, 12, 0, 10);
    const seen: number[] = [];
    for (let i = 0; i < 25; i++) seen.push((await a.hit('client:big', now)).remaining);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 999 - i));
    // Node b starts after the three blocks node a claimed (30 counts).
    expect(await b.hit('client:big', now)).toMatchObject({ remaining: 969 });
    const [row] = await first.tables<RateLimitTables>().selectFrom('rate_limit_windows').select('hits').execute();
    expect(Number(row.hits)).toBe(40);
  });
});
