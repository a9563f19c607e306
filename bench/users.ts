// Benchmark of the users domain over real HTTP on loopback: seeds N users (100,000 by default) straight into
// the table, starts Portrait in its own process (`portrait start`, log level warn), then drives it with
// autocannon from this process: GET /api/v2/users/{id}, PATCH user_metadata, and Lucene search latency.
//   node --no-node-snapshot --import tsx bench/users.ts [users] [seconds]
// SQLite by default; DATABASE_URL=postgres://… benches PostgreSQL (the database must exist and be empty).
// BENCH_ONLY=get|patch runs one part; BENCH_PROFILE=dir profiles the server; BENCH_CONNECTIONS (default 32).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon, { type Request, type Result } from 'autocannon';
import { bootstrapTenant } from '../src/bootstrap.ts';
import { loadConfig, type Env } from '../src/config.ts';
import { toJsonColumn } from '../src/platform/db/json.ts';
import { createServices } from '../src/services.ts';
import { fold, type UsersTable, type UsersTables } from '../src/users/user-model.ts';

const USERS = Number(process.argv[2] ?? 100_000);
const SECONDS = Math.min(20, Number(process.argv[3] ?? 10));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const CLIENT_ID = 'bench-admin-client';
const CLIENT_SECRET = 'bench-admin-client-secret-0123456789abcdef';
const FIRST = ['Anna', 'Ben', 'Chloe', 'David', 'Emma', 'Felix', 'Grace', 'Hugo', 'Iris', 'Jack', 'Kate', 'Liam', 'Maya', 'Noah', 'Olga', 'Paul', 'Quinn', 'Rosa', 'Sam', 'Tara', 'Uma', 'Victor', 'Wendy', 'Xavier', 'Yara', 'Zoe', 'Adam', 'Bella', 'Carl', 'Dina', 'Eric', 'Fiona', 'Gus', 'Hana', 'Ivan', 'Jade', 'Karl', 'Lena', 'Marc', 'Nina', 'Omar', 'Pia', 'Rita', 'Sven', 'Tom', 'Ugo', 'Vera', 'Will', 'Yves', 'Zack'];
const LAST = ['Smith', 'Jones', 'Brown', 'Garcia', 'Miller', 'Davis', 'Lopez', 'Wilson', 'Moore', 'Taylor', 'Thomas', 'White', 'Harris', 'Martin', 'Clark', 'Lewis', 'Walker', 'Hall', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Phillips', 'Evans', 'Turner', 'Torres', 'Parker', 'Collins', 'Edwards', 'Stewart', 'Morris', 'Murphy', 'Cook', 'Rogers', 'Morgan', 'Cooper', 'Peterson', 'Reed', 'Bailey', 'Bell', 'Kelly'];

const cpuModel = () => readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'))?.split(':')[1].trim() ?? os.cpus()[0]?.model;
const freePort = () => new Promise<number>((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

const fullName = (i: number) => `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;

function seedRow(i: number, connection: string, now: string): UsersTable {
  const name = fullName(i);
  const email = `user${i}@domain${i % 50}.test`;
  const id = i.toString(16).padStart(24, '0');
  return {
    user_id: `auth0|${id}`, connection, email, email_lc: email, email_verified: i % 2, username: null, phone_number: null, phone_verified: null,
    name, name_lc: fold(name), given_name: null, given_name_lc: null, family_name: null, family_name_lc: null,
    nickname: `user${i}`, nickname_lc: `user${i}`, picture: null, blocked: 0, created_at: now, updated_at: now, last_login: null, last_ip: null,
    logins_count: i % 20, user_metadata: toJsonColumn({ plan: i % 10 === 0 ? 'gold' : 'free', n: i }), app_metadata: toJsonColumn({}),
    identities: toJsonColumn([{ connection, user_id: id, provider: 'auth0', isSocial: false }]), extra: toJsonColumn({}), password_hash: null,
  };
}

async function seed(env: Env): Promise<number> {
  const services = await createServices(loadConfig(env));
  await bootstrapTenant(services);
  const db = services.db.tables<UsersTables>();
  const start = performance.now();
  const now = new Date().toISOString();
  const chunk = 500;
  for (let from = 0; from < USERS; from += chunk * 20) {
    await db.transaction().execute(async (tx) => {
      for (let i = from; i < Math.min(USERS, from + chunk * 20); i += chunk) {
        const rows = Array.from({ length: Math.min(chunk, USERS - i) }, (_, k) => seedRow(i + k, 'Username-Password-Authentication', now));
        await tx.insertInto('users').values(rows).execute();
      }
    });
  }
  const seconds = (performance.now() - start) / 1000;
  await services.close();
  return seconds;
}

async function startServer(env: Env): Promise<ChildProcess> {
  // BENCH_PROFILE=dir writes a V8 CPU profile of the server process there.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--no-node-snapshot', '--import', 'tsx', 'src/main.ts', 'start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('Portrait is serving')) resolve();
    });
  });
  return child;
}

interface Options { url: string; connections: number; duration: number; headers: Record<string, string>; requests: Request[] }
const run = (opts: Options): Promise<Result> => autocannon({ ...opts });
const line = (label: string, r: Result) =>
  `${label}: ${Math.round(r.requests.average)} req/s (latency p50 ${r.latency.p50} ms, p97.5 ${r.latency.p97_5} ms, p99 ${r.latency.p99} ms), ` +
  `${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`;

async function latency(base: string, token: string, queries: string[]): Promise<{ p50: number; p95: number; rows: number }> {
  const samples: number[] = [];
  let rows = 0;
  for (const q of queries) {
    const start = performance.now();
    const res = await fetch(`${base}api/v2/users?include_totals=true&q=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { users?: unknown[] };
    samples.push(performance.now() - start);
    if (res.status !== 200) throw new Error(`search ${q} answered ${res.status}: ${JSON.stringify(body)}`);
    rows += body.users!.length;
  }
  const sorted = samples.sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), rows: rows / queries.length };
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portrait-bench-users-'));
  const port = await freePort();
  const env: Env = {
    PORT: String(port), HOST: '127.0.0.1', PORTRAIT_ISSUER: `http://127.0.0.1:${port}/`, PORTRAIT_DATA_DIR: dataDir,
    PORTRAIT_BOOTSTRAP_CLIENT_ID: CLIENT_ID, PORTRAIT_BOOTSTRAP_CLIENT_SECRET: CLIENT_SECRET, PORTRAIT_LOG_LEVEL: 'warn',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  };
  console.log(`machine: ${os.cpus().length} CPUs (nproc ${os.availableParallelism()}), ${cpuModel()}, Node ${process.version}, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}`);
  console.log(`seeded ${USERS} users in ${(await seed(env)).toFixed(1)} s`);
  const server = await startServer(env);
  try {
    const base = `http://127.0.0.1:${port}/`;
    const tokenRes = await fetch(`${base}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, audience: `${base}api/v2/` }),
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const id = (i: number) => encodeURIComponent(`auth0|${(i % USERS).toString(16).padStart(24, '0')}`);
    let n = 0;
    const common = { url: base, connections: CONNECTIONS, duration: SECONDS, headers };
    const getRequest = [{ method: 'GET' as const, setupRequest: (r: Request) => ({ ...r, path: `/api/v2/users/${id(n++ * 7919)}` }) }];

    await run({ ...common, duration: 2, requests: getRequest }); // warm-up: JIT, page cache
    if (process.env.BENCH_ONLY !== 'patch') console.log(line(`GET /api/v2/users/{id} (${CONNECTIONS} connections, ${SECONDS} s)`, await run({ ...common, requests: getRequest })));
    if (process.env.BENCH_ONLY === 'get') return;
    const patch = await run({
      ...common,
      requests: [{
        method: 'PATCH',
        setupRequest: (r: Request) => {
          const i = n++;
          return { ...r, path: `/api/v2/users/${id(i * 104729)}`, body: JSON.stringify({ user_metadata: { [`k${i % 16}`]: i, last: i } }) };
        },
      }],
    });
    console.log(line(`PATCH /api/v2/users/{id} user_metadata (${CONNECTIONS} connections, ${SECONDS} s)`, patch));
    if (process.env.BENCH_ONLY === 'patch') return;

    const pick = (k: number) => Array.from({ length: 300 }, (_, i) => (i * 7919 + k) % USERS);
    const searches: [string, string[]][] = [
      ['email term (email:"user123@domain23.test")', pick(1).map((i) => `email:"user${i}@domain${i % 50}.test"`)],
      ['name phrase (name:"Anna Smith")', pick(2).map((i) => `name:"${fullName(i)}"`)],
      ['name prefix (name:anna*)', pick(3).map((i) => `name:${FIRST[i % FIRST.length].toLowerCase()}*`)],
      ['user_metadata.n:123 (JSON path, no index: full scan)', pick(4).slice(0, 40).map((i) => `user_metadata.n:${i}`)],
    ];
    for (const [label, qs] of searches) {
      const r = await latency(base, token, qs);
      console.log(`search ${label}: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, ${r.rows.toFixed(0)} users per answer (serial, ${qs.length} queries, include_totals=true)`);
    }
    const emailQs = searches[0][1];
    const search = await run({
      ...common,
      connections: 8,
      requests: [{ method: 'GET', setupRequest: (r: Request) => ({ ...r, path: `/api/v2/users?include_totals=true&q=${encodeURIComponent(emailQs[n++ % emailQs.length])}` }) }],
    });
    console.log(line(`GET /api/v2/users?q=email:"…" (8 connections, ${SECONDS} s)`, search));
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
