/**
 * A whole bulk import, end to end, on a fresh database: 1,000,000 users (bcrypt password_hash, small
 * metadata) stored as a job file and checked as the upload route does, then imported by the job runner's
 * code path (batches of PORTRAIT_IMPORT_BATCH_SIZE users, one transaction each, job progress committed with
 * them). Reports users/s and the peak RSS of the importing process.
 *
 *   node --no-node-snapshot --import tsx bench/import.ts [--users 1000000] [--database sqlite|postgres://…] [--upsert]
 *
 * The file is generated into the temp directory first; the import runs in a fresh child process so that its
 * peak RSS (getrusage maxrss) is the import's own.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringArg, writeUsersFile } from './users-file.ts';

/** Child process: one import on a fresh database; prints its figures as JSON. */
async function importPhase(file: string, database: string, upsert: boolean): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portrait-bench-data-'));
  const { loadConfig } = await import('../src/config.ts');
  const { createServices } = await import('../src/services.ts');
  const { bootstrapTenant } = await import('../src/bootstrap.ts');
  const { parseUsersFile } = await import('../src/jobs/import/index.ts');
  const { newJobFileKey } = await import('../src/jobs/job-files.ts');
  const { runClaimedJob } = await import('../src/jobs/job-runner.ts');
  const config = loadConfig({ ...process.env, PORTRAIT_DATA_DIR: dataDir, PORTRAIT_LOG_LEVEL: 'silent', ...(database === 'sqlite' ? {} : { DATABASE_URL: database }) });
  const services = await createServices(config);
  try {
    await bootstrapTenant(services);
    const connection = (await services.connections.getByName('Username-Password-Authentication'))!;
    const { store, files, deps, runner } = services.jobs;

    const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
    const t0 = performance.now();
    const key = newJobFileKey('users');
    const bytes = await files.write(key, createReadStream(file));
    let total = 0;
    for await (const r of parseUsersFile(await files.read(key), { syntaxOnly: true })) { void r; total++; }
    const uploadSeconds = (performance.now() - t0) / 1000;
    const rssUploadMb = process.resourceUsage().maxRSS / 1024;

    const created = await store.createImport({ connectionId: connection.id, connectionName: connection.name, fileKey: key, fileBytes: bytes, total, params: { upsert, send_completion_email: false } });
    const job = (await store.claim(runner.nodeId, deps.leaseMs, new Set()))!;
    if (job.id !== created.id) throw new Error('claimed another job');
    if (process.env.BENCH_PRAGMA) { const { sql } = await import('kysely'); for (const p of process.env.BENCH_PRAGMA.split(';')) await sql.raw(`pragma ${p}`).execute(services.db.tables()); }
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    const memory = process.env.BENCH_MEMORY ? setInterval(() => {
      const m = process.memoryUsage();
      process.stderr.write(`rss ${(m.rss / 2 ** 20).toFixed(0)} heapUsed ${(m.heapUsed / 2 ** 20).toFixed(0)} heapTotal ${(m.heapTotal / 2 ** 20).toFixed(0)} external ${(m.external / 2 ** 20).toFixed(0)} arrayBuffers ${(m.arrayBuffers / 2 ** 20).toFixed(0)}\n`);
    }, 3000) : null;
    await runClaimedJob(job, { ...deps, nodeId: runner.nodeId, signal: new AbortController().signal });
    const importSeconds = (performance.now() - t1) / 1000;
    if (memory) clearInterval(memory);
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const done = (await store.get(job.id))!;
    console.log(JSON.stringify({
      rssBeforeMb, rssUploadMb, total, bytes, uploadSeconds, importSeconds, cpuSeconds, usersPerSecond: total / importSeconds, peakRssMb: process.resourceUsage().maxRSS / 1024,
      status: done.status, inserted: done.inserted, updated: done.updated, failed: done.failed,
    }));
  } finally {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (stringArg('phase', '') === 'import') return importPhase(stringArg('file', ''), stringArg('database', 'sqlite'), process.argv.includes('--upsert'));
  const n = Number(stringArg('users', '1000000'));
  const database = stringArg('database', 'sqlite');
  console.log(`machine: ${cpus().length} CPUs, ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`);
  const path = join(tmpdir(), `portrait-bench-import-${n}.json`);
  const g = performance.now();
  await writeUsersFile(path, n, 'json');
  console.log(`generated ${n} users, ${(statSync(path).size / 1e6).toFixed(0)} MB in ${((performance.now() - g) / 1000).toFixed(1)} s`);
  try {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--phase', 'import', '--file', path, '--database', database,
      ...(process.argv.includes('--upsert') ? ['--upsert'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`import child failed (${child.status})`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!);
    console.log(`process after start-up: RSS ${r.rssBeforeMb.toFixed(0)} MB; store + syntax check (what the upload does): ${r.uploadSeconds.toFixed(1)} s, peak RSS ${r.rssUploadMb.toFixed(0)} MB`);
    console.log(`import job: ${r.status}, inserted ${r.inserted}, updated ${r.updated}, failed ${r.failed} of ${r.total} in ${r.importSeconds.toFixed(1)} s = ` +
      `${Math.round(r.usersPerSecond).toLocaleString('en')} users/s (CPU ${r.cpuSeconds.toFixed(1)} s); peak RSS ${r.peakRssMb.toFixed(0)} MB`);
  } finally {
    if (!process.argv.includes('--keep')) rmSync(path);
  }
}

await main();
