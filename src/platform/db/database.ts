// One Kysely instance over SQLite (embedded default) or PostgreSQL (at scale). Each domain declares the tables
// it owns and sees only those: `handle.tables<UsersTables>()` gives a Kysely typed for them alone.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../../config.ts';
import { LruCache } from '../lru-cache.ts';
import { withStorableTextCheck } from './storable-text-dialect.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  readonly dialect: Dialect;
  /** A Kysely typed for the tables of one domain. */
  tables<T>(): Kysely<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// pg returns BIGINT (COUNT(*)) as strings by default; our counts fit in a double.
pg.types.setTypeParser(20, (v: string) => Number(v));

function sqliteDialect(file: string): SqliteDialect {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // Kysely prepares every statement again; preparing costs more than running a small indexed query. Statements
  // are cached per SQL text (ours are parameterized, so the set is small). Reuse is safe because Kysely gives
  // the one SQLite connection to one query (or stream) at a time.
  const statements = new LruCache<string, SQLite.Statement>(STATEMENT_CACHE_ENTRIES);
  return new SqliteDialect({
    database: {
      close: () => database.close(),
      prepare(sql: string) {
        let statement = statements.get(sql);
        if (!statement) {
          statement = database.prepare(sql);
          statements.set(sql, statement);
        }
        return statement;
      },
    },
  });
}

const STATEMENT_CACHE_ENTRIES = 500;

function postgresDialect(url: string): PostgresDialect {
  // A bounded connect: while the server is unreachable a request fails (503) within seconds instead of hanging.
  const pool = new pg.Pool({ connectionString: url, max: 20, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  listenForConnectionLoss(pool);
  return new PostgresDialect({ pool });
}

/** How long a request waits for a PostgreSQL connection before it is answered 503. */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A `pg` client emits 'error' when its server goes away (restart, failover, network cut), and an 'error' event
 * nobody listens to kills the process. The pool listens only while a client is idle; a client checked out by a
 * query has no listener — that is how a PostgreSQL restart under load used to kill nodes. So every client gets
 * its own listener the moment it is created, for its whole life. The query in flight is rejected by pg itself
 * (the route answers 503), the broken client is not returned to the pool (pg sees it is no longer queryable),
 * and the next query opens a fresh connection: service resumes as soon as the server is back.
 */
export function listenForConnectionLoss(pool: pg.Pool): void {
  let lastWarning = 0;
  const warn = (error: Error) => {
    // One line per outage burst, not one per pooled connection.
    if (Date.now() - lastWarning < 1_000) return;
    lastWarning = Date.now();
    process.emitWarning(`PostgreSQL connection lost: ${error.message}`);
  };
  pool.on('error', warn);
  pool.on('connect', (client) => client.on('error', warn));
}

export function openDatabase(config: DatabaseConfig): DatabaseHandle {
  const dialect: Dialect = config.kind;
  const db = new Kysely<unknown>({
    dialect: withStorableTextCheck(config.kind === 'sqlite' ? sqliteDialect(config.file) : postgresDialect(config.url)),
  });
  return {
    dialect,
    tables: <T>() => db as unknown as Kysely<T>,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
