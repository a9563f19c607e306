// What one bound post-login Action adds to a real login: sequential password logins through the whole code flow
// (authorize → page → password → post-login Actions → code → tokens) against a Portrait process of its own
// (SQLite): rounds alternating nothing bound and the seed's picture action bound (warm), then the first login
// after each of several deploys (new version → bound-actions cache cleared, new isolate).
//   node --no-node-snapshot --import tsx bench/actions-login.ts [--logins 300] [--deploys 20]
import { cpus, totalmem } from 'node:os';
import { PICTURE_FROM_METADATA as ACTION_CODE } from '../src/actions/test-support/seed-actions.ts';
import { benchTenant, numberArg, oneLogin, seedBenchApp, startBenchServer, type BenchApp } from './login-client.ts';

const LOGINS = numberArg('logins', 300);
const DEPLOYS = numberArg('deploys', 20);
const tenant = benchTenant(numberArg('port', 39125));
const { base: BASE, env } = tenant;
const EMAIL = 'ada@bench.example';
const PASSWORD = 'Bench-Password-1';
const PICTURE = 'https://img.example.com/ada.png';

/** The Management API as an app would call it, with the bootstrap client's token. */
async function managementApi() {
  const res = await fetch(`${BASE}oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: env.PORTRAIT_BOOTSTRAP_CLIENT_ID, client_secret: env.PORTRAIT_BOOTSTRAP_CLIENT_SECRET, audience: `${BASE}api/v2/` }),
  });
  const { access_token } = (await res.json()) as { access_token: string };
  return async (method: string, route: string, body?: unknown) => {
    const r = await fetch(`${BASE}api/v2/${route}`, {
      method, headers: { authorization: `Bearer ${access_token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!r.ok) throw new Error(`${method} ${route}: ${r.status} ${await r.text()}`);
    return (await r.json()) as Record<string, any>;
  };
}

function idTokenPicture(tokens: Record<string, unknown>): unknown {
  return JSON.parse(Buffer.from(String(tokens.id_token).split('.')[1], 'base64url').toString()).picture;
}

async function timed(app: BenchApp, count: number, expectPicture: boolean): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const tokens = await oneLogin(BASE, app, EMAIL, PASSWORD);
    out.push(performance.now() - t0);
    if (expectPicture && idTokenPicture(tokens) !== PICTURE) throw new Error('the action did not set the picture');
  }
  return out;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const fmt = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(1)} ms, p99 ${pct(xs, 0.99).toFixed(1)} ms (n=${xs.length})`;

const app = await seedBenchApp(tenant, ['authorization_code'], [{ email: EMAIL, password: PASSWORD, user_metadata: { picture: PICTURE } }]);
const server = await startBenchServer(tenant);
try {
  const api = await managementApi();
  await timed(app, 20, false); // warm-up: provider instance, JIT, argon2 pool
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; sequential logins`);
  const action = await api('POST', 'actions/actions', { name: 'Change user pictures', supported_triggers: [{ id: 'post-login', version: 'v3' }], code: ACTION_CODE });
  await api('POST', `actions/actions/${action.id}/deploy`);
  const bind = (on: boolean) => api('PATCH', 'actions/triggers/post-login/bindings', { bindings: on ? [{ ref: { type: 'action_id', value: action.id } }] : [] });
  // Rounds that alternate unbound and bound logins, so the load of a shared machine and the database's growth
  // fall on both sides alike; the first 5 logins after each binding change are not counted.
  const without: number[] = [];
  const warm: number[] = [];
  const ROUND = 25;
  for (let done = 0; done < LOGINS; done += ROUND) {
    // Which side goes first alternates too: a round's first phase was seen to run slower on a loaded machine.
    for (const on of done % (2 * ROUND) === 0 ? [true, false] : [false, true]) {
      await bind(on);
      await timed(app, 5, on);
      (on ? warm : without).push(...(await timed(app, ROUND, on)));
    }
  }
  console.log(`no action bound:             ${fmt(without)}`);
  console.log(`seed action bound, warm:     ${fmt(warm)}`);

  const afterDeploy: number[] = [];
  for (let i = 0; i < DEPLOYS; i++) {
    await api('PATCH', `actions/actions/${action.id}`, { code: `${ACTION_CODE}\n// deploy ${i}` });
    await api('POST', `actions/actions/${action.id}/deploy`);
    afterDeploy.push(...(await timed(app, 1, true)));
  }
  console.log(`first login after a deploy:  ${fmt(afterDeploy)}`);
  console.log(`added by the action: p50 ${(pct(warm, 0.5) - pct(without, 0.5)).toFixed(1)} ms warm, ${(pct(afterDeploy, 0.5) - pct(without, 0.5)).toFixed(1)} ms after a deploy`);
} finally {
  await server.stop();
}
