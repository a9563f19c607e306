// Databases for tests: a fresh SQLite file, or a fresh database on the run's PostgreSQL server. Every storage
// test runs against both through `eachDialect`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { DatabaseConfig } from '../../src/config.ts';
import { randomAlphanumeric } from '../../src/platform/ids.ts';

export type TestDialect = 'sqlite' | 'postgres';

export function postgresAdminUrl(): string {
  return inject('postgresAdminUrl' as never) as string;
}

/** The dialects this run can test: PostgreSQL only when a server is there (global setup says so loudly otherwise). */
export const dialects: TestDialect[] = postgresAdminUrl() ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase {
  config: DatabaseConfig;
  /** Removes the database (after the code under test closed its connections). */
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'portrait-sqlite-'));
    return { config: { kind: 'sqlite', file: path.join(dir, 'portrait.sqlite') }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = postgresAdminUrl();
  if (!admin) throw new Error('no PostgreSQL server for this test run');
  const name = `portrait_${randomAlphanumeric(12).toLowerCase()}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: url.href },
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
