// Soak: mixed traffic against one Portrait process on loopback for a bounded time, watching whether memory and
// latency stay flat. `npm run soak` (SOAK_SECONDS, default 300; SOAK_CONCURRENCY, default 12).
//   node --no-node-snapshot --import tsx bench/soak.ts [--port 39127]
// Traffic: full password logins through the code flow, password-realm logins and client-credentials tokens at the
// token endpoint, GET and PATCH of users, Lucene searches, initials avatars. The server (SQLite, its own data
// directory) collects garbage and reports its memory every SOAK_SAMPLE_MS (bench/soak-probe.mjs); this process
// records every request's latency. The run is cut into ten windows; the first is warm-up. The verdict compares
// the second window with the last: memory (RSS, and heap after a collection) and p95 latency.
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { benchTenant, numberArg, oneLogin, seedBenchApp, startBenchServer } from './login-client.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 12);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_MS ?? 5000);
const WINDOWS = 10;
const USERS = 40;
const PASSWORD = 'Soak!Passw0rd#2026';
const REALM = 'http://auth0.com/oauth/grant-type/password-realm';

interface Sample { at: number; kind: string; ms: number; status: number }
interface Memory { at: number; rss: number; heapUsed: number }

const tenant = benchTenant(numberArg('port', 39127));
const memoryFile = path.join(tenant.dataDir, 'soak-memory.ndjson');
tenant.env.SOAK_MEMORY_FILE = memoryFile;
tenant.env.SOAK_SAMPLE_MS = String(SAMPLE_MS);
const emails = Array.from({ length: USERS }, (_, i) => `soak${i}@example.com`);
const app = await seedBenchApp(tenant, ['authorization_code', 'refresh_token', 'client_credentials', REALM],
  emails.map((email, i) => ({ email, password: PASSWORD, name: `Soak User ${i}`, user_metadata: { n: i } })));
const probe = pathToFileURL(path.resolve('bench/soak-probe.mjs')).href;
const server = await startBenchServer(tenant, ['--expose-gc', '--import', probe]);
const { base } = tenant;

const post = (url: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const adminToken = async () => {
  const res = await post('oauth/token', {
    grant_type: 'client_credentials', client_id: tenant.env.PORTRAIT_BOOTSTRAP_CLIENT_ID!, client_secret: tenant.env.PORTRAIT_BOOTSTRAP_CLIENT_SECRET!, audience: `${base}api/v2/`,
  });
  return res;
};
const token = ((await (await adminToken()).json()) as { access_token: string }).access_token;
const auth = { authorization: `Bearer ${token}` };
const ids: string[] = [];
for (const email of emails) {
  const found = (await (await fetch(`${base}api/v2/users-by-email?email=${encodeURIComponent(email)}`, { headers: auth })).json()) as { user_id: string }[];
  ids.push(encodeURIComponent(found[0].user_id));
}

/** The mix, by weight: cheap reads dominate, as in production; logins cost an argon2id verification each. */
const MIX: Array<[string, number, (i: number) => Promise<Response | number>]> = [
  ['get user', 30, (i) => fetch(`${base}api/v2/users/${ids[i % USERS]}`, { headers: auth })],
  ['patch user', 15, (i) => fetch(`${base}api/v2/users/${ids[i % USERS]}`, {
    method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ user_metadata: { [`k${i % 50}`]: i } }),
  })],
  ['search', 15, (i) => fetch(`${base}api/v2/users?q=${encodeURIComponent(`name:"Soak User ${i % USERS}" OR user_metadata.n:${i % USERS}`)}&search_engine=v3`, { headers: auth })],
  ['avatar', 15, (i) => fetch(`${base}avatars/${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i * 7) % 26))}.png?size=${[64, 128, 256][i % 3]}`)],
  ['client credentials', 10, () => adminToken()],
  ['password-realm login', 8, (i) => post('oauth/token', {
    grant_type: REALM, realm: 'Username-Password-Authentication', username: emails[i % USERS], password: PASSWORD,
    client_id: app.clientId, client_secret: app.clientSecret, scope: 'openid profile',
  })],
  ['code-flow login', 2, async (i) => { await oneLogin(base, app, emails[i % USERS], PASSWORD); return 200; }],
];
const wheel = MIX.flatMap(([kind, weight, run]) => Array.from({ length: weight }, () => ({ kind, run })));

const samples: Sample[] = [];
const startedAt = Date.now();
const endAt = startedAt + SECONDS * 1000;
const loadBefore = os.loadavg();
async function worker(w: number): Promise<void> {
  for (let i = w * 7919; Date.now() < endAt; i++) {
    const { kind, run } = wheel[(i * 31) % wheel.length];
    const t0 = performance.now();
    let status: number;
    try {
      const res = await run(i);
      status = typeof res === 'number' ? res : res.status;
      if (typeof res !== 'number') await res.arrayBuffer();
    } catch {
      status = -1;
    }
    samples.push({ at: Date.now(), kind, ms: performance.now() - t0, status });
  }
}
console.log(`soak: ${SECONDS} s, ${CONCURRENCY} concurrent clients against ${base} (load average at start ${loadBefore.map((l) => l.toFixed(1)).join(' ')})`);
await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
await new Promise((r) => setTimeout(r, SAMPLE_MS + 500));
const memory: Memory[] = readFileSync(memoryFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Memory);
await server.stop();
rmSync(tenant.dataDir, { recursive: true, force: true });

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
const width = (SECONDS * 1000) / WINDOWS;
const rows = Array.from({ length: WINDOWS }, (_, w) => {
  const from = startedAt + w * width;
  const to = from + width;
  const inWindow = samples.filter((s) => s.at >= from && s.at < to);
  const ms = inWindow.map((s) => s.ms).sort((a, b) => a - b);
  const mem = memory.filter((m) => m.at >= from && m.at < to);
  const avg = (f: (m: Memory) => number) => (mem.length ? mem.reduce((a, m) => a + f(m), 0) / mem.length : NaN);
  return {
    window: w + 1, requests: inWindow.length, rps: Math.round(inWindow.length / (width / 1000)), failures: inWindow.filter((s) => s.status < 200 || s.status >= 300).length,
    p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), p99: quantile(ms, 0.99), rss: avg((m) => m.rss), heap: avg((m) => m.heapUsed),
  };
});
console.log('window  requests  req/s  failures  p50 ms  p95 ms  p99 ms  RSS MB  heap MB (after GC)');
for (const r of rows) {
  console.log(`${String(r.window).padStart(6)}  ${String(r.requests).padStart(8)}  ${String(r.rps).padStart(5)}  ${String(r.failures).padStart(8)}  ${r.p50.toFixed(1).padStart(6)}  ${r.p95.toFixed(1).padStart(6)}  ${r.p99.toFixed(1).padStart(6)}  ${mb(r.rss).padStart(6)}  ${mb(r.heap).padStart(7)}`);
}
const byKind = [...new Set(samples.map((s) => s.kind))].map((kind) => {
  const ms = samples.filter((s) => s.kind === kind).map((s) => s.ms).sort((a, b) => a - b);
  return `${kind}: ${ms.length} (p95 ${quantile(ms, 0.95).toFixed(1)} ms)`;
});
console.log(`per kind: ${byKind.join('; ')}`);

// Flat: the last window within 10 % (or 10 MB) of the first after warm-up in memory, within 25 % (or 5 ms) in p95.
const first = rows[1];
const last = rows[WINDOWS - 1];
const flatMemory = (a: number, b: number) => b <= a * 1.1 || b - a <= 10 * 1024 * 1024;
const memoryFlat = flatMemory(first.rss, last.rss) && flatMemory(first.heap, last.heap);
const latencyFlat = last.p95 <= first.p95 * 1.25 || last.p95 - first.p95 <= 5;
const failures = samples.filter((s) => s.status < 200 || s.status >= 300).length;
console.log(`memory: RSS ${mb(first.rss)} → ${mb(last.rss)} MB, heap ${mb(first.heap)} → ${mb(last.heap)} MB: ${memoryFlat ? 'FLAT' : 'GROWING'}`);
console.log(`p95 latency: ${first.p95.toFixed(1)} → ${last.p95.toFixed(1)} ms: ${latencyFlat ? 'FLAT' : 'RISING'}`);
console.log(`requests: ${samples.length}, failures: ${failures}; load average at end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${os.cpus().length} CPUs, Node ${process.version}`);
process.exitCode = memoryFlat && latencyFlat && failures === 0 ? 0 : 1;
