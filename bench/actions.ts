/**
 * Latency the Actions engine adds to a login: one post-login action (the seed's picture action) per run.
 *   node --no-node-snapshot --import tsx bench/actions.ts [warmRuns=3000] [coldRuns=20]
 * Warm: the same version id every run (isolate reused). Cold: a new version id each time, as after a deploy.
 * Prints JSON; docs/benchmarks-actions.md records the figures with the machine.
 */
import os from 'node:os';
import { ActionsEngine } from '../src/actions/index.ts';
import { PICTURE_FROM_METADATA } from '../src/actions/test-support/seed-actions.ts';

const warmRuns = Number(process.argv[2] ?? 3000);
const coldRuns = Number(process.argv[3] ?? 20);


const event = {
  user: {
    user_id: 'auth0|65a1b2c3d4e5f6a7b8c9d0e1', email: 'jane.doe@example.com', email_verified: true, name: 'Jane Doe',
    nickname: 'jane.doe', picture: 'https://portrait.example/avatars/jd.png',
    user_metadata: { picture: 'https://cdn.example/pictures/jane.png', theme: 'dark' }, app_metadata: { plan: 'gold' },
    identities: [{ provider: 'auth0', user_id: '65a1b2c3d4e5f6a7b8c9d0e1', connection: 'Username-Password-Authentication', isSocial: false }],
  },
  client: { client_id: 'k2Jd8sYb1', name: 'Demo app', metadata: {} },
  connection: { id: 'con_1', name: 'Username-Password-Authentication', strategy: 'auth0' },
  request: { ip: '203.0.113.7', method: 'GET', hostname: 'portrait.example', user_agent: 'Mozilla/5.0', language: 'en' },
  transaction: { requested_scopes: ['openid', 'profile', 'email'], protocol: 'oidc-basic-profile' },
  stats: { logins_count: 42 },
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const engine = new ActionsEngine({ logger: { info() {}, warn() {} } });
const base = { actionId: 'act_picture', name: 'picture', code: PICTURE_FROM_METADATA };
const run = (versionId: string) =>
  engine.runFlow({ trigger: 'post-login', actions: [{ ...base, versionId }], event, grantedScopes: ['openid', 'profile', 'email'] });

// Cold first, so the warm numbers are not helped by a pool that has grown: a new version id = a new isolate.
const cold: number[] = [];
await run('ver_jit_warmup'); // let the host's own code (tsx, JSON, isolated-vm bindings) get compiled first
for (let i = 0; i < coldRuns; i++) {
  const t = performance.now();
  const r = await run(`ver_deploy_${i}`);
  cold.push(performance.now() - t);
  if (!r.ok || !r.executions[0]!.coldStart) throw new Error('cold run did not start a new isolate');
  engine.invalidateVersion(`ver_deploy_${i}`);
}

for (let i = 0; i < 500; i++) await run('ver_live');
const warm: number[] = [];
for (let i = 0; i < warmRuns; i++) {
  const t = performance.now();
  const r = await run('ver_live');
  warm.push(performance.now() - t);
  if (!r.ok || r.idTokenClaims.picture !== event.user.user_metadata.picture) throw new Error('unexpected result');
}

// The flow with no action bound: what the engine costs before any isolate is touched.
const empty: number[] = [];
for (let i = 0; i < warmRuns; i++) {
  const t = performance.now();
  await engine.runFlow({ trigger: 'post-login', actions: [], event, grantedScopes: ['openid'] });
  empty.push(performance.now() - t);
}
engine.close();

for (const a of [cold, warm, empty]) a.sort((x, y) => x - y);
const ms = (v: number) => Number(v.toFixed(3));
console.log(JSON.stringify({
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  warm: { runs: warmRuns, p50: ms(percentile(warm, 50)), p90: ms(percentile(warm, 90)), p99: ms(percentile(warm, 99)), max: ms(warm[warm.length - 1]!) },
  firstRunAfterDeploy: { runs: coldRuns, median: ms(percentile(cold, 50)), min: ms(cold[0]!), max: ms(cold[cold.length - 1]!) },
  emptyFlow: { p50: ms(percentile(empty, 50)), p99: ms(percentile(empty, 99)) },
}, null, 2));
