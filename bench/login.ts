// Sign-in throughput: password logins/s through the whole code flow (authorize → login page → POST password
// (argon2id m=19456,t=2,p=1) → resume → code exchange) and client-credentials tokens/s. Portrait runs as its
// own process (`portrait start`, SQLite); this process only drives it.
//   node --no-node-snapshot --import tsx bench/login.ts [--seconds 15] [--concurrency 16]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { bootstrapTenant } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { createServices } from '../src/services.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 15);
const CONCURRENCY = arg('concurrency', 16);
const PORT = arg('port', 39123);
const BASE = `http://127.0.0.1:${PORT}/`;
const CALLBACK = 'http://127.0.0.1:9/callback';
const USERS = 50;

const dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-bench-'));
const env = {
  ...process.env,
  PORT: String(PORT),
  HOST: '127.0.0.1',
  PORTRAIT_ISSUER: BASE,
  PORTRAIT_DATA_DIR: dataDir,
  PORTRAIT_LOG_LEVEL: 'warn',
  PORTRAIT_BOOTSTRAP_CLIENT_ID: 'bench-admin-client',
  PORTRAIT_BOOTSTRAP_CLIENT_SECRET: 'bench-admin-client-secret-0123456789abcdef',
};

async function seed() {
  const services = await createServices(loadConfig(env));
  await bootstrapTenant(services);
  const { client, secret } = await services.clients.create({
    name: 'Bench App', callbacks: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'client_secret_post',
  });
  await services.connections.enableClientEverywhere(client.client_id);
  for (let i = 0; i < USERS; i++) {
    await services.users.create({ connection: 'Username-Password-Authentication', email: `user${i}@bench.example`, password: 'Bench-Password-1' });
  }
  await services.close();
  return { clientId: client.client_id, clientSecret: secret! };
}

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${BASE}healthz`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

/** One full login with a private cookie jar; returns when the code was exchanged for tokens. */
async function oneLogin(app: { clientId: string; clientSecret: string }, n: number): Promise<void> {
  const jar = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(new URL(url, BASE), { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
  const authorize = await go(`authorize?${new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid profile email' })}`);
  const page = await go(authorize.headers.get('location')!);
  const html = await page.text();
  const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
  const posted = await go('u/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, username: `user${n % USERS}@bench.example`, password: 'Bench-Password-1' }),
  });
  const resumed = await go(posted.headers.get('location')!);
  const code = new URL(resumed.headers.get('location')!).searchParams.get('code');
  if (!code) throw new Error(`no code: ${resumed.status}`);
  const token = await go('oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: app.clientId, client_secret: app.clientSecret }),
  });
  if (token.status !== 200) throw new Error(`token ${token.status}: ${await token.text()}`);
  await token.arrayBuffer();
}

async function loginBench(app: { clientId: string; clientSecret: string }) {
  let done = 0;
  let failed = 0;
  let n = 0;
  const end = Date.now() + SECONDS * 1000;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          await oneLogin(app, n++);
          done++;
          latencies.push(performance.now() - t0);
        } catch (error) {
          if (failed++ < 3) console.error(error);
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { perSecond: done / SECONDS, done, failed, p50: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)] };
}

async function clientCredentialsBench() {
  const body = new URLSearchParams({
    grant_type: 'client_credentials', client_id: env.PORTRAIT_BOOTSTRAP_CLIENT_ID, client_secret: env.PORTRAIT_BOOTSTRAP_CLIENT_SECRET, audience: `${BASE}api/v2/`,
  }).toString();
  const result = await autocannon({
    url: `${BASE}oauth/token`, method: 'POST', connections: 32, duration: SECONDS, body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { perSecond: result.requests.average, non2xx: result.non2xx, p50: result.latency.p50, p99: result.latency.p99 };
}

const app = await seed();
const server = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), '--no-node-snapshot', '--import', 'tsx', 'src/main.ts', 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
try {
  await waitForServer();
  await oneLogin(app, 0); // warm-up: provider instance, decoy hash, JIT
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${SECONDS} s per run`);
  const logins = await loginBench(app);
  console.log(`password logins (full code flow, concurrency ${CONCURRENCY}): ${logins.perSecond.toFixed(1)}/s, ${logins.done} ok, ${logins.failed} failed, p50 ${logins.p50?.toFixed(0)} ms, p99 ${logins.p99?.toFixed(0)} ms`);
  const cc = await clientCredentialsBench();
  console.log(`client-credentials tokens (autocannon, 32 connections): ${cc.perSecond.toFixed(0)}/s, non-2xx ${cc.non2xx}, p50 ${cc.p50} ms, p99 ${cc.p99} ms`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
