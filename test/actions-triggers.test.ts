// The other triggers in their real places: pre-user-registration on /dbconnections/signup and the hosted sign-up
// page, post-user-registration after creation, post-change-password (and lifted login blocks) after a
// Management API password change, credentials-exchange on the client-credentials grant.
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILED_ATTEMPTS } from '../src/login/brute-force.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';
import { Browser, createApp, createUser, hiddenInputs } from './login-support.ts';
import { LogCapture } from './support/log-capture.ts';

type Trigger = 'pre-user-registration' | 'post-user-registration' | 'post-change-password' | 'credentials-exchange';

describe('registration, password-change and credentials-exchange Actions', () => {
  let server: TestServer;
  let management: ManagementClient;
  let app: Awaited<ReturnType<typeof createApp>>;
  const logs = new LogCapture();

  beforeAll(async () => {
    server = await startTestServer({ tls: true, actionsLogger: logs });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    app = await createApp(server, { name: 'Sign-up App' });
  });
  afterAll(async () => server?.close());

  async function deployAndBind(trigger: Trigger, name: string, code: string) {
    const created = await management.actions.create({ name, supported_triggers: [{ id: trigger, version: 'v2' }], code });
    expect(await management.actions.deploy(created.id!)).toMatchObject({ status: 'built', deployed: true });
    await management.actions.triggers.bindings.updateMany(trigger, { bindings: [{ ref: { type: 'action_id', value: created.id! } }] });
  }

  const signup = (body: Record<string, unknown>) =>
    fetch(`${server.url}dbconnections/signup`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: app.clientId, connection: 'Username-Password-Authentication', password: 'Sign-Up-Secret-77', ...body }),
    });

  async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('condition not met within 5 s');
  }

  it('pre-user-registration: deny and validation.error refuse /dbconnections/signup; metadata it sets is stored on the new user', async () => {
    await deployAndBind('pre-user-registration', 'Screen sign-ups', `exports.onExecutePreUserRegistration = async (event, api) => {
  if (event.user.email.endsWith('@blocked.example')) return api.access.deny('domain blocked', 'Sign-ups from this domain are closed.');
  if (event.user.email.startsWith('nope')) return api.validation.error('invalid_local_part', 'That address is not accepted.');
  api.user.setUserMetadata('source', event.client.name);
  api.user.setAppMetadata('tier', 'free');
};`);
    const denied = await signup({ email: 'mallory@blocked.example' });
    expect(denied.status).toBe(400);
    expect(await denied.json()).toEqual({
      name: 'InternalExtensibilityError', code: 'extensibility_error', statusCode: 400,
      message: 'domain blocked', description: 'domain blocked', friendly_message: 'Sign-ups from this domain are closed.',
    });
    expect(await management.users.listUsersByEmail({ email: 'mallory@blocked.example' })).toEqual([]);

    const invalid = await signup({ email: 'nope@example.com' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 'invalid_local_part', message: 'That address is not accepted.' });
    expect(logs.find('pre-user-registration actions refused the sign-up')).toMatchObject({ reason: 'validation', email: 'nope@example.com' });

    const ok = await signup({ email: 'trent@example.com', user_metadata: { colour: 'teal' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ email: 'trent@example.com', user_metadata: { colour: 'teal', source: 'Sign-up App' } });
    const [stored] = await management.users.listUsersByEmail({ email: 'trent@example.com' });
    expect(stored).toMatchObject({ user_metadata: { colour: 'teal', source: 'Sign-up App' }, app_metadata: { tier: 'free' } });
  });

  it('pre-user-registration: a deny shows its message on the hosted sign-up page and creates nobody', async () => {
    const browser = new Browser();
    const params = new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: 'http://127.0.0.1:9/callback', scope: 'openid', screen_hint: 'signup', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    const page = await browser.follow(`${server.url}authorize?${params}`, server.url);
    expect(page.url).toContain('/u/signup');
    const form = new URLSearchParams({ ...hiddenInputs(await page.res.text()), email: 'oscar@blocked.example', password: 'Sign-Up-Secret-77' });
    const res = await browser.fetch(`${server.url}u/signup`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Sign-ups from this domain are closed.');
    expect(await management.users.listUsersByEmail({ email: 'oscar@blocked.example' })).toEqual([]);
  });

  it('post-user-registration runs after creation; its failure is logged and the sign-up still succeeds', async () => {
    await management.actions.triggers.bindings.updateMany('pre-user-registration', { bindings: [] });
    await deployAndBind('post-user-registration', 'Welcome', `exports.onExecutePostUserRegistration = async (event) => {
  throw new Error('welcome mail failed for ' + event.user.user_id);
};`);
    const res = await signup({ email: 'peggy@example.com' });
    expect(res.status).toBe(200);
    const { _id } = (await res.json()) as { _id: string };
    const line = await eventually(() => logs.find('post-user-registration actions failed'));
    expect(line).toMatchObject({ action: 'Welcome', reason: 'error', message: `welcome mail failed for auth0|${_id}` });
  });

  it('a Management API password change runs post-change-password and lifts the login blocks', async () => {
    await deployAndBind('post-change-password', 'Password changed', `exports.onExecutePostChangePassword = async (event) => {
  throw new Error('notified ' + event.user.email + ' via ' + event.connection.name);
};`);
    const user = await createUser(server, 'walter@example.com', 'Old-Password-1234');
    for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) {
      const attempt = { userId: user.user_id, ip: '203.0.113.9', identifier: 'walter@example.com', connection: 'Username-Password-Authentication' };
      await server.services.signIn.bruteForce.admit(attempt);
      await server.services.signIn.bruteForce.recordFailure(attempt);
    }
    expect(await server.services.signIn.bruteForce.blocksForUser(user.user_id)).not.toEqual([]);

    await management.users.update(user.user_id, { password: 'New-Password-5678' });
    expect(await server.services.signIn.bruteForce.blocksForUser(user.user_id)).toEqual([]);
    const line = await eventually(() => logs.find('post-change-password actions failed'));
    expect(line).toMatchObject({ message: 'notified walter@example.com via Username-Password-Authentication' });
    // A metadata-only PATCH is not a password change.
    const before = logs.lines.length;
    await management.users.update(user.user_id, { user_metadata: { a: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(logs.lines.slice(before).filter((l) => l.msg === 'post-change-password actions failed')).toEqual([]);
  });

  it('credentials-exchange: custom claims on the machine token (namespaced only for the Management API), deny → OAuth error', async () => {
    await deployAndBind('credentials-exchange', 'Machine claims', `exports.onExecuteCredentialsExchange = async (event, api) => {
  if (event.client.name === 'Denied Machine') return api.access.deny('invalid_scope', 'This machine may not have tokens.');
  if (event.client.name === 'Broken Machine') throw new Error('lookup failed');
  api.accessToken.setCustomClaim('https://portrait.example/tier', 'gold');
  api.accessToken.setCustomClaim('tier', 'private');
  api.accessToken.setCustomClaim('https://portrait.example/audience', event.resource_server.identifier);
};`);
    const audience = server.services.managementAudience.canonical;
    const machine = async (name: string) => {
      const m = await createApp(server, { name, app_type: 'non_interactive', grant_types: ['client_credentials'] });
      await server.services.clients.createGrant(m.clientId, audience, ['read:users']);
      return fetch(`${server.url}oauth/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: m.clientId, client_secret: m.clientSecret, audience }),
      });
    };

    const ok = await machine('Good Machine');
    expect(ok.status).toBe(200);
    const { access_token } = (await ok.json()) as { access_token: string };
    const claims = JSON.parse(Buffer.from(access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ 'https://portrait.example/tier': 'gold', 'https://portrait.example/audience': audience, gty: 'client-credentials', scope: 'read:users' });
    expect(claims).not.toHaveProperty('tier');
    // The token still works at the Management API.
    const verified = await server.services.tokens.verify(access_token, server.services.managementAudience.accepted);
    expect(verified.sub).toMatch(/@clients$/);

    const denied = await machine('Denied Machine');
    expect(denied.status).toBe(400);
    expect(await denied.json()).toEqual({ error: 'invalid_scope', error_description: 'This machine may not have tokens.' });
    const broken = await machine('Broken Machine');
    expect(broken.status).toBe(403);
    expect(await broken.json()).toEqual({ error: 'access_denied', error_description: 'lookup failed' });
    expect(logs.find('credentials-exchange actions refused the token')).toMatchObject({ reason: 'error', action: 'Machine claims' });
  });
});
