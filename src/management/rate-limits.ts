// Auth0's Management API rate limits: a fixed window of `windowSeconds` per caller, counted in the database so that
// every node behind the load balancer counts against the same limit. One statement per request: an upsert of the
// caller's row for the current window that returns the new count (atomic on SQLite and PostgreSQL alike, so
// concurrent requests on many nodes are all counted). A node claims counts in blocks of 1 % of the limit (one
// upsert of +block, then that many requests served from memory), so with the generous default the database sees
// one write per hundred requests; with a small limit the block is 1 and every request is counted exactly. The
// price: each node may hold up to a block of unused counts, so the limit can bite up to that many requests early
// per node. Answers carry Auth0's x-ratelimit-* headers; past the limit 429 with retry-after (docs/benchmarks.md).
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

/** Roughly one claim in this many also deletes the windows that have ended. */
const PURGE_ONE_IN = 100;
/** Callers remembered per node before the memory of claimed blocks is dropped (they are claimed again). */
const MAX_BLOCKS = 10_000;

interface ClaimedBlock {
  windowStart: number;
  /** The last count the block covers (the row's value after the claim). */
  end: number;
  /** The count the next request on this node gets. */
  next: number;
}

export class RateLimiter {
  private readonly db: Kysely<RateLimitTables>;
  /** This node's claimed, not yet used counts, per caller. */
  private readonly blocks = new Map<string, ClaimedBlock>();
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
    const id = key.slice(0, 300);
    const block = this.blocks.get(id);
    let count: number;
    if (block && block.windowStart === windowStart && block.next <= block.end) {
      count = block.next++;
    } else {
      const size = Math.max(1, Math.floor(limit / 100));
      const end = await this.claim(id, windowStart, size);
      count = end - size + 1;
      if (this.blocks.size >= MAX_BLOCKS) this.blocks.clear();
      this.blocks.set(id, { windowStart, end, next: count + 1 });
    }
    const reset = windowStart + windowSeconds;
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), reset, retryAfter: Math.max(1, reset - now) };
  }

  /** Adds `size` to the caller's count for the window in one atomic upsert; the count after it. */
  private async claim(key: string, windowStart: number, size: number): Promise<number> {
    const row = await this.db
      .insertInto('rate_limit_windows')
      .values({ key, window_start: windowStart, hits: size })
      .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql`rate_limit_windows.hits + ${size}` }))
      .returning('hits')
      .executeTakeFirstOrThrow();
    if (Math.floor(Math.random() * PURGE_ONE_IN) === 0) void this.purgeBefore(windowStart).catch(() => undefined);
    return Number(row.hits);
  }

  /** Deletes the windows that ended before `windowStart`. */
  async purgeBefore(windowStart: number): Promise<void> {
    await this.db.deleteFrom('rate_limit_windows').where('window_start', '<', windowStart).execute();
  }
}
