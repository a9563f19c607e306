// The lease between nodes, against a real database of each dialect: of many nodes racing for a job exactly
// one claims it; a node whose lease ran out and was taken over cannot write a single user more (the fence in
// each batch's transaction); several jobs run at once up to the configured limit; the 24-hour sweep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { bootstrapTenant } from '../src/bootstrap.ts';
import { JobRunner } from '../src/jobs/job-runner.ts';
import { newJobFileKey } from '../src/jobs/job-files.ts';
import { LeaseLostError } from '../src/jobs/jobs-store.ts';
import { createServices, type Services } from '../src/services.ts';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases.ts';
import { DB_CONNECTION, generateUsers, usersFile } from './support/jobs.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

describe.each(dialects)('job leases on %s', (dialect) => {
  let database: TestDatabase;
  let services: Services;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-lease-'));
    const config = loadConfig({ PORTRAIT_DATA_DIR: dataDir, PORTRAIT_JOB_LEASE_SECONDS: '2', PORTRAIT_IMPORT_BATCH_SIZE: '100' });
    services = await createServices({ ...config, database: database.config });
    await bootstrapTenant(services);
  });
  afterAll(async () => {
    await services?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function newImport(n: number, domain: string) {
    const connection = (await services.connections.getByName(DB_CONNECTION))!;
    const key = newJobFileKey('users');
    const bytes = await services.jobs.files.write(key, Readable.from([usersFile(generateUsers(n, { domain }))]));
    return services.jobs.store.createImport({ connectionId: connection.id, connectionName: connection.name, fileKey: key, fileBytes: bytes, total: n, params: { upsert: false, send_completion_email: false } });
  }

  it('lets exactly one of many racing nodes claim a job', async () => {
    const job = await newImport(10, 'race.test');
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => services.jobs.store.claim(`node-${i}`, 60_000, new Set())));
    const winners = claims.filter((c) => c?.id === job.id);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ status: 'processing', attempts: 1 });
    await services.jobs.store.abandon(job.id, 'test over');
  });

  it('fences a node whose lease was taken over: it writes no user more', async () => {
    const job = await newImport(500, 'fence.test');
    const { store, deps } = services.jobs;
    const mine = (await store.claim('slow-node', 1, new Set()))!; // a 1 ms lease: expired at once
    expect(mine.id).toBe(job.id);
    await new Promise((r) => setTimeout(r, 5));
    const theirs = (await store.claim('other-node', 60_000, new Set()))!;
    expect(theirs.id).toBe(job.id);
    const before = await deps.usersBulk.count();
    await expect(store.transaction((trx) => store.fence(trx, job.id, 'slow-node', 60_000))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await deps.usersBulk.count()).toBe(before);
    await store.abandon(job.id, 'test over');
  });

  it('runs several jobs at once up to the limit, each to its end', async () => {
    const jobs = await Promise.all([newImport(1000, 'a.test'), newImport(1000, 'b.test'), newImport(1000, 'c.test')]);
    const runner = new JobRunner(services.jobs.deps, { maxConcurrent: 2, pollMs: 50 });
    let peak = 0;
    const watch = setInterval(() => { peak = Math.max(peak, runner.activeJobs.length); }, 5);
    runner.start();
    try {
      for (const job of jobs) {
        for (let row = await services.jobs.store.get(job.id); row!.status !== 'completed'; row = await services.jobs.store.get(job.id)) {
          expect(row!.status).not.toBe('failed');
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    } finally {
      clearInterval(watch);
      await runner.stop();
    }
    expect(peak).toBe(2);
    for (const job of jobs) expect(await services.jobs.store.get(job.id)).toMatchObject({ inserted: 1000, failed: 0, processed_offset: 1000, locked_by: null });
  });

  it('removes finished jobs, their errors and files after 24 hours', async () => {
    const job = await newImport(3, 'sweep.test');
    await services.jobs.store.abandon(job.id, 'done');
    const runner = new JobRunner(services.jobs.deps, { maxConcurrent: 1 });
    expect(await runner.sweep(Date.now())).toBe(0);
    expect(await runner.sweep(Date.now() + 25 * 3600 * 1000)).toBeGreaterThanOrEqual(1);
    expect(await services.jobs.store.get(job.id)).toBeNull();
    await expect(services.jobs.files.read(job.file_key!)).rejects.toThrow();
  });
});
