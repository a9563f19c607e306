// A server killed (SIGKILL, no chance to clean up) in the middle of a 100k-user import, then started again:
// at the kill the users table holds exactly the users of the committed batches (the job's offset moves in
// the same transaction), and after the restart the job resumes from there and ends with every user exactly
// once. Real processes (`node bin/portrait.mjs start`), on both dialects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createServices } from '../src/services.ts';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases.ts';
import { DB_CONNECTION, generateUsers, usersFile } from './support/jobs.ts';
import { freePort, portraitEnv, processManagementToken, startPortrait } from './support/portrait-process.ts';

const USERS = 100_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe.each(dialects)('an import survives SIGKILL of its server on %s', (dialect) => {
  it('resumes from the last committed batch: every user exactly once', { timeout: 180_000 }, async () => {
    const database: TestDatabase = await createTestDatabase(dialect);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-crash-'));
    cleanups.push(async () => { await database.drop(); rmSync(dataDir, { recursive: true, force: true }); });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/`;
    // Short lease so the restarted node may take the dead node's job over quickly; small batches so the kill lands mid-file.
    const env = portraitEnv({
      port, dataDir,
      databaseUrl: database.config.kind === 'postgres' ? database.config.url : `sqlite:${database.config.file}`,
      extra: { PORTRAIT_JOB_LEASE_SECONDS: '3', PORTRAIT_IMPORT_BATCH_SIZE: '2000' },
    });
    const token = () => processManagementToken(base);
    const getJob = async (id: string, bearer: string) =>
      (await (await fetch(`${base}api/v2/jobs/${id}`, { headers: { authorization: `Bearer ${bearer}` } })).json()) as
        { status: string; percentage_done: number; summary: { inserted: number; failed: number; total: number } };

    const first = await startPortrait(env);
    let bearer = await token();
    const connections = (await (await fetch(`${base}api/v2/connections?name=${DB_CONNECTION}`, { headers: { authorization: `Bearer ${bearer}` } })).json()) as { id: string }[];
    const form = new FormData();
    form.append('users', new Blob([new Uint8Array(usersFile(generateUsers(USERS, { domain: 'crash.test' })))]), 'users.json');
    form.append('connection_id', connections[0].id);
    const upload = await fetch(`${base}api/v2/jobs/users-imports`, { method: 'POST', headers: { authorization: `Bearer ${bearer}` }, body: form });
    expect(upload.status).toBe(202);
    const { id } = (await upload.json()) as { id: string };

    // Kill it once part of the file is in.
    for (let job = await getJob(id, bearer); job.percentage_done < 20; job = await getJob(id, bearer)) {
      expect(job.status).not.toBe('completed');
      await new Promise((r) => setTimeout(r, 20));
    }
    await first.kill('SIGKILL');

    // What a dead node left: whole batches only, and the users table agrees with the job's offset to the user.
    const config = { ...loadConfig({ ...env, PORT: '0' }), database: database.config };
    const inspect = await createServices(config, { migrate: false });
    try {
      const job = (await inspect.jobs.store.get(id))!;
      expect(job.status).toBe('processing');
      expect(job.processed_offset).toBeGreaterThan(0);
      expect(job.processed_offset).toBeLessThan(USERS);
      expect(job.processed_offset % 2000).toBe(0);
      expect(await inspect.jobs.deps.usersBulk.count({ connection: DB_CONNECTION })).toBe(job.processed_offset);
      expect(job.inserted).toBe(job.processed_offset);
    } finally {
      await inspect.close();
    }

    await startPortrait(env);
    bearer = await token();
    const end = Date.now() + 120_000;
    let job = await getJob(id, bearer);
    while (job.status !== 'completed' && job.status !== 'failed') {
      if (Date.now() > end) throw new Error(`job still ${job.status}`);
      await new Promise((r) => setTimeout(r, 100));
      job = await getJob(id, bearer);
    }
    expect(job).toMatchObject({ status: 'completed', percentage_done: 100, summary: { inserted: USERS, failed: 0, total: USERS } });
    const check = await createServices(config, { migrate: false });
    try {
      expect(await check.jobs.deps.usersBulk.count({ connection: DB_CONNECTION })).toBe(USERS);
      for (const n of [0, 1, USERS / 2, USERS - 1]) expect(await check.users.getByEmail(`user${n}@crash.test`)).toHaveLength(1);
    } finally {
      await check.close();
    }
  });
});
