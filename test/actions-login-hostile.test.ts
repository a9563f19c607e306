// Hostile post-login Actions in the real login flow: each ends its own login with access_denied at the app's
// callback and a log line, while another login (whose run of the same action returns at once) completes
// meanwhile; the process keeps serving. The flow budget is shortened through PORTRAIT_ACTIONS_TIMEOUT_MS.
import { ManagementClient } from 'auth0';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';
import { Browser, createApp, createUser, loginThroughPage } from './login-support.ts';
import { LogCapture } from './support/log-capture.ts';

const CALLBACK = 'http://127.0.0.1:9/callback';

// Each body runs only for the "Hostile" app; the same action returns at once for everyone else.
const HOSTILE: Record<string, string> = {
  'an infinite loop': 'for (;;) {}',
  'a memory bomb': "const a = []; for (;;) a.push({ i: a.length, s: 'x' + a.length });",
  'a huge string': "let s = 'x'.repeat(1 << 20); for (let i = 0; i < 14; i++) s = s + s; api.idToken.setCustomClaim('https://x.example/s', s);",
  'deep recursion': 'const down = (n) => down(n + 1) + 1; down(0);',
  'reaching process': 'process.exit(1);',
  'reaching require': "require('fs').readFileSync('/etc/passwd');",
  'reaching the host through constructors': "const host = (function () {}).constructor('return this')(); host.process.mainModule.require('child_process').execSync('id');",
  'reaching the file system with import()': "await import('node:fs');",
  'a fetch to 127.0.0.1': "await fetch('http://127.0.0.1:1/');",
  'a fetch to the cloud metadata address': "await fetch('http://169.254.169.254/latest/meta-data/');",
  'a promise that never resolves': 'await new Promise(() => {});',
};

describe('hostile post-login Actions during real logins', () => {
  let server: TestServer;
  let management: ManagementClient;
  let hostileApp: oidc.Configuration;
  let calmApp: oidc.Configuration;
  const logs = new LogCapture();

  beforeAll(async () => {
    server = await startTestServer({ tls: true, actionsLogger: logs, env: { PORTRAIT_ACTIONS_TIMEOUT_MS: '1500', PORTRAIT_ACTIONS_MEMORY_MB: '32' } });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    const hostile = await createApp(server, { name: 'Hostile' });
    const calm = await createApp(server, { name: 'Calm' });
    await createUser(server, 'eve@example.com', 'Hostile-Input-2024');
    await createUser(server, 'bob@example.com', 'Calm-Input-2024');
    hostileApp = await oidc.discovery(new URL(server.issuer), hostile.clientId, undefined, oidc.ClientSecretPost(hostile.clientSecret));
    calmApp = await oidc.discovery(new URL(server.issuer), calm.clientId, undefined, oidc.ClientSecretPost(calm.clientSecret));
  });
  afterAll(async () => server?.close());

  async function login(config: oidc.Configuration, email: string, password: string) {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const done = await loginThroughPage(new Browser(), server, url.href, email, password);
    const callback = new URL(done.url);
    if (callback.searchParams.has('error')) return { error: callback.searchParams.get('error'), description: callback.searchParams.get('error_description') };
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier });
    return { sub: tokens.claims()!.sub };
  }

  it.each(Object.entries(HOSTILE))('%s ends that login with access_denied while another login completes', async (label, body) => {
    const name = `hostile ${label}`;
    const created = await management.actions.create({
      name,
      supported_triggers: [{ id: 'post-login', version: 'v3' }],
      code: `exports.onExecutePostLogin = async (event, api) => {\n  if (event.client.name !== 'Hostile') return;\n  ${body}\n};`,
    });
    expect(await management.actions.deploy(created.id!)).toMatchObject({ status: 'built', deployed: true });
    await management.actions.triggers.bindings.updateMany('post-login', { bindings: [{ ref: { type: 'action_id', value: created.id! } }] });

    const hostile = login(hostileApp, 'eve@example.com', 'Hostile-Input-2024');
    // Let the hostile login reach its action (page, password check) before the calm login begins.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    const calm = await login(calmApp, 'bob@example.com', 'Calm-Input-2024');
    const calmMs = Date.now() - started;
    expect(calm.sub).toMatch(/^auth0\|/);
    expect(calmMs).toBeLessThan(3_000);

    const result = await hostile;
    expect(result.error).toBe('access_denied');
    expect(result.description).toEqual(expect.any(String));
    expect(logs.find('post-login actions denied the login', (line) => line.action === name)).toMatchObject({ reason: expect.stringMatching(/^(error|timeout|memory)$/) });
  });

  it('still serves logins and the Management API afterwards', async () => {
    await management.actions.triggers.bindings.updateMany('post-login', { bindings: [] });
    expect((await login(hostileApp, 'eve@example.com', 'Hostile-Input-2024')).sub).toMatch(/^auth0\|/);
    expect((await management.actions.list()).data.length).toBe(Object.keys(HOSTILE).length);
  });
});
