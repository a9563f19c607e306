// Client-credentials tokens/s for a custom API (one of /resource-servers, `access_token_authz` dialect, so the
// token also carries `permissions`) against the Management API, same client, same server, runs alternated so that
// the machine's other load falls on both alike. Portrait runs as its own process (`portrait start`, SQLite).
//   node --no-node-snapshot --import tsx bench/client-credentials-apis.ts [--seconds 10] [--rounds 2]
import { cpus, loadavg, totalmem } from 'node:os';
import autocannon from 'autocannon';
import { bootstrapTenant } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { createServices } from '../src/services.ts';
import { benchTenant, numberArg, startBenchServer } from './login-client.ts';

const SECONDS = numberArg('seconds', 10);
const ROUNDS = numberArg('rounds', 2);
const tenant = benchTenant(numberArg('port', 39125));
const { base: BASE, env } = tenant;
const CUSTOM_API = 'https://bench-api.example/';

async function seed() {
  const services = await createServices(loadConfig(env));
  try {
    await bootstrapTenant(services);
    await services.authz.resourceServers.create({
      identifier: CUSTOM_API, name: 'Bench API', token_dialect: 'access_token_authz', enforce_policies: true,
      scopes: [{ value: 'read:things' }, { value: 'write:things' }],
    });
    await services.clients.createGrant(env.PORTRAIT_BOOTSTRAP_CLIENT_ID!, CUSTOM_API, ['read:things', 'write:things']);
  } finally {
    await services.close();
  }
}

async function tokens(audience: string) {
  const body = new URLSearchParams({
    grant_type: 'client_credentials', client_id: env.PORTRAIT_BOOTSTRAP_CLIENT_ID!, client_secret: env.PORTRAIT_BOOTSTRAP_CLIENT_SECRET!, audience,
  }).toString();
  const result = await autocannon({
    url: `${BASE}oauth/token`, method: 'POST', connections: 32, duration: SECONDS, body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { perSecond: result.requests.average, non2xx: result.non2xx, p50: result.latency.p50, p99: result.latency.p99 };
}

await seed();
const server = await startBenchServer(tenant);
try {
  await tokens(CUSTOM_API); // warm-up: provider instance, caches, JIT
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${SECONDS} s per run`);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, audience] of [['Management API', `${BASE}api/v2/`], ['custom API', CUSTOM_API]] as const) {
      const r = await tokens(audience);
      console.log(`round ${round} ${name}: ${r.perSecond.toFixed(0)} tokens/s, non-2xx ${r.non2xx}, p50 ${r.p50} ms, p99 ${r.p99} ms`);
    }
  }
} finally {
  await server.stop();
}
