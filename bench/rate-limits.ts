// What the Management API rate limit adds to each request: the latency of one RateLimiter.hit (the upsert that
// counts the request), against a trivial query on the same database as the floor, one at a time and with 16 in
// flight, on SQLite (a file, as `npm start` uses) and on PostgreSQL (a throwaway cluster, as the tests start one).
//   node --no-node-snapshot --import tsx bench/rate-limits.ts [hits]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { RateLimiter, rateLimitMigrations } from '../src/management/rate-limits.ts';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrations.ts';
import type { DatabaseConfig } from '../src/config.ts';
import { startCluster } from '../test/support/postgres-cluster.ts';

const HITS = Number(process.argv[2] ?? 5000);
const IN_FLIGHT = 16;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n: number) => `${n.toFixed(3)} ms`;

async function measure(label: string, op: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await op(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < HITS; i++) {
    const t = performance.now();
    await op(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < HITS) await op(next++);
  }));
  const perSecond = HITS / ((performance.now() - start) / 1000);
  console.log(`  ${label.padEnd(28)} p50 ${ms(pct(times, 50))}  p99 ${ms(pct(times, 99))}  ${Math.round(perSecond)}/s with ${IN_FLIGHT} in flight`);
}

async function bench(name: string, config: DatabaseConfig) {
  const db: DatabaseHandle = openDatabase(config);
  try {
    await migrateToLatest(db, rateLimitMigrations);
    const exact = new RateLimiter(db, { limit: 50, windowSeconds: 60 }); // block of 1: one upsert per hit
    const blocks = new RateLimiter(db, { limit: 10_000, windowSeconds: 60 }); // the default: blocks of 100
    console.log(`${name}:`);
    await measure('floor: select 1', () => sql`select 1`.execute(db.tables<object>()));
    // 50 callers, as a tenant with a few dozen machine clients would have.
    await measure('hit, limit 50 (upsert each)', (i) => exact.hit(`client:exact-${i % 50}`));
    await measure('hit, limit 10000 (blocks)', (i) => blocks.hit(`client:blocks-${i % 50}`));
  } finally {
    await db.close();
  }
}

const cpu = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'))?.split(':')[1].trim();
console.log(`${os.cpus().length} × ${cpu}, Node ${process.version}, ${HITS} hits each, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const dir = mkdtempSync(path.join(os.tmpdir(), 'portrait-bench-rl-'));
try {
  await bench('SQLite', { kind: 'sqlite', file: path.join(dir, 'bench.sqlite') });
  const cluster = await startCluster();
  if (cluster) {
    try {
      await bench('PostgreSQL', { kind: 'postgres', url: cluster.url });
    } finally {
      cluster.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
