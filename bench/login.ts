// Sign-in throughput: password logins/s through the whole code flow (authorize → login page → POST password
// (argon2id m=19456,t=2,p=1) → resume → code exchange) and client-credentials tokens/s. Portrait runs as its
// own process (`portrait start`, SQLite); this process only drives it.
//   node --no-node-snapshot --import tsx bench/login.ts [--seconds 15] [--concurrency 16]
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import { benchTenant, numberArg, oneLogin, seedBenchApp, startBenchServer } from './login-client.ts';

const SECONDS = numberArg('seconds', 15);
const CONCURRENCY = numberArg('concurrency', 16);
const tenant = benchTenant(numberArg('port', 39123));
const { base: BASE, env } = tenant;
const USERS = 50;

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
          await oneLogin(BASE, app, `user${n++ % USERS}@bench.example`, 'Bench-Password-1');
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
    grant_type: 'client_credentials', client_id: env.PORTRAIT_BOOTSTRAP_CLIENT_ID!, client_secret: env.PORTRAIT_BOOTSTRAP_CLIENT_SECRET!, audience: `${BASE}api/v2/`,
  }).toString();
  const result = await autocannon({
    url: `${BASE}oauth/token`, method: 'POST', connections: 32, duration: SECONDS, body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { perSecond: result.requests.average, non2xx: result.non2xx, p50: result.latency.p50, p99: result.latency.p99 };
}

const app = await seedBenchApp(tenant, ['authorization_code', 'refresh_token'],
  Array.from({ length: USERS }, (_, i) => ({ email: `user${i}@bench.example`, password: 'Bench-Password-1' })));
const server = await startBenchServer(tenant, process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []);
try {
  await oneLogin(BASE, app, 'user0@bench.example', 'Bench-Password-1'); // warm-up: provider instance, decoy hash, JIT
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${SECONDS} s per run`);
  const logins = await loginBench(app);
  console.log(`password logins (full code flow, concurrency ${CONCURRENCY}): ${logins.perSecond.toFixed(1)}/s, ${logins.done} ok, ${logins.failed} failed, p50 ${logins.p50?.toFixed(0)} ms, p99 ${logins.p99?.toFixed(0)} ms`);
  const cc = await clientCredentialsBench();
  console.log(`client-credentials tokens (autocannon, 32 connections): ${cc.perSecond.toFixed(0)}/s, non-2xx ${cc.non2xx}, p50 ${cc.p50} ms, p99 ${cc.p99} ms`);
} finally {
  await server.stop();
}
