// Auth0's Management API rate limits: a fixed window of `windowSeconds` per caller, counted in the database so that
// every node behind the load balancer counts against the same limit. One statement per request: an upsert of the
// caller's row for the current window that returns the new count (atomic on SQLite and PostgreSQL alike, so
// concurrent requests on many nodes are all counted). Answers carry Auth0's x-ratelimit-* headers; past the limit
// 429 with retry-after. Cost: one round-trip per request (docs/benchmarks.md).
import { sql, type Kysely } from 'kysely';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import type { DomainMigration } from '../platform/db/migrations.ts';

interface RateLimitWindowsTable {
  /** Who is counted: `client:<id>`, `user:<sub>`, or `ip:<address>` for requests without a valid token. */
  key: string;
  /** The window's start, epoch seconds, a multiple of the window length. */
  window_start: number;
  hits: number;
}
export interface RateLimitTables {
  rate_limit_windows: RateLimitWindowsTable;
}

export const rateLimitMigrations: DomainMigration[] = [
  {
    name: '20261202_30_rate_limit_windows',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      await db.schema
        .createTable('rate_limit_windows')
        .addColumn('key', 'varchar(300)', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('rate_limit_windows_pk', ['key', 'window_start'])
        .execute();
      await db.schema.createIndex('rate_limit_windows_start').on('rate_limit_windows').column('window_start').execute();
      // Counters need no durability: unlogged, a commit waits for no WAL flush (measured in docs/benchmarks.md);
      // after a crash PostgreSQL empties the table, which only restarts the current windows.
      if (dialect === 'postgres') await sql`alter table rate_limit_windows set unlogged`.execute(db);
    },
  },
];

export interface RateLimitSettings {
  /** Requests one caller may make per window; 0 turns the limit off (no headers either). */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the window ends, epoch seconds (x-ratelimit-reset). */
  reset: number;
  /** Seconds until the window ends, at least 1 (retry-after). */
  retryAfter: number;
}

/** Roughly one request in this many also deletes the windows that have ended. */
const PURGE_ONE_IN = 500;

export class RateLimiter {
  private readonly db: Kysely<RateLimitTables>;
  constructor(
    handle: DatabaseHandle,
    readonly settings: RateLimitSettings,
  ) {
    this.db = handle.tables<RateLimitTables>();
  }

  get enabled(): boolean {
    return this.settings.limit > 0;
  }

  /** Counts one request of `key` and says whether it is within the limit. */
  async hit(key: string, nowMs = Date.now()): Promise<RateLimitVerdict> {
    const { limit, windowSeconds } = this.settings;
    const now = Math.floor(nowMs / 1000);
    const windowStart = now - (now % windowSeconds);
    const row = await this.db
      .insertInto('rate_limit_windows')
      .values({ key: key.slice(0, 300), window_start: windowStart, hits: 1 })
      .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql`rate_limit_windows.hits + 1` }))
      .returning('hits')
      .executeTakeFirstOrThrow();
    if (Math.floor(Math.random() * PURGE_ONE_IN) === 0) void this.purgeBefore(windowStart).catch(() => undefined);
    const hits = Number(row.hits);
    const reset = windowStart + windowSeconds;
    return { allowed: hits <= limit, limit, remaining: Math.max(0, limit - hits), reset, retryAfter: Math.max(1, reset - now) };
  }

  /** Deletes the windows that ended before `windowStart`. */
  async purgeBefore(windowStart: number): Promise<void> {
    await this.db.deleteFrom('rate_limit_windows').where('window_start', '<', windowStart).execute();
  }
}
