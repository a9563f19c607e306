// Who reaches the Management API through the dashboard, over real HTTP with openid-client: an administrator of
// Portrait-Admins gets a short-lived token with every Management API scope; a user of any other connection who
// reaches the dashboard's client through single sign-on gets none of them; Portrait-Admins stays the dashboard's.
// Plus the bootstrap (idempotent, a generated password in a 0600 file) and the pages' security headers.
import { statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapConsole, CONSOLE_CLIENT_ID } from '../src/console/index.ts';
import { MANAGEMENT_SCOPES } from '../src/management/scopes.ts';
import { Browser, CALLBACK, createApp, createUser, loginThroughPage } from './login-support.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const ADMIN = { email: 'ada@admins.example.com', password: 'Analytical-Engine-1843' };
const MARY = { email: 'mary@example.com', password: 'Shelley-Frankenstein-1818' };
const DASHBOARD_CALLBACK = (server: TestServer) => `${server.url}dashboard/callback`;

/** The dashboard's own sign-in (PKCE, audience = Management API), through the hosted page or an SSO session. */
async function dashboardToken(server: TestServer, browser: Browser, user?: { email: string; password: string }) {
  const config = await oidc.discovery(new URL(server.issuer), CONSOLE_CLIENT_ID, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: DASHBOARD_CALLBACK(server), scope: ['openid profile email offline_access', ...MANAGEMENT_SCOPES].join(' '), audience: server.services.managementAudience.canonical,
    state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const done = user
    ? await loginThroughPage(browser, server, url.href, user.email, user.password)
    : await browser.follow(url.href, `${server.url}u/`);
  expect(done.url.startsWith(DASHBOARD_CALLBACK(server)), `ended at ${done.url}`).toBe(true);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { pkceCodeVerifier: verifier, expectedState: state });
  return { tokens, config };
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, any>;

describe('dashboard access', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { PORTRAIT_ADMIN_EMAIL: ADMIN.email, PORTRAIT_ADMIN_PASSWORD: ADMIN.password } });
    await createUser(server, MARY.email, MARY.password);
  });
  afterAll(async () => server?.close());

  it('gives an administrator a 10-minute Management API token with every scope, refreshed by a rotating refresh token', async () => {
    const { tokens, config } = await dashboardToken(server, new Browser(), ADMIN);
    const access = claimsOf(tokens.access_token);
    expect(access.aud).toContain(server.services.managementAudience.canonical);
    expect(access.azp).toBe(CONSOLE_CLIENT_ID);
    expect(access.exp - access.iat).toBe(600);
    expect(new Set(access.scope.split(' '))).toEqual(new Set(['openid', 'profile', 'email', 'offline_access', ...MANAGEMENT_SCOPES]));
    const users = await fetch(`${server.url}api/v2/users`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(users.status).toBe(200);
    expect(tokens.refresh_token).toBeTruthy();

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(claimsOf(refreshed.access_token).scope.split(' ')).toContain('delete:users');
    expect((await fetch(`${server.url}api/v2/clients`, { headers: { authorization: `Bearer ${refreshed.access_token}` } })).status).toBe(200);
  });

  it('gives a user of another connection who reaches the dashboard by single sign-on no Management API scope', async () => {
    const browser = new Browser();
    const app = await createApp(server, { name: 'Mary App' });
    const config = await oidc.discovery(new URL(server.issuer), app.clientId, undefined, oidc.ClientSecretPost(app.clientSecret!), { execute: [oidc.allowInsecureRequests] });
    const appUrl = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 's' });
    const signedIn = await loginThroughPage(browser, server, appUrl.href, MARY.email, MARY.password);
    expect(signedIn.url.startsWith(CALLBACK)).toBe(true);

    const { tokens } = await dashboardToken(server, browser);
    const scopes: string[] = claimsOf(tokens.access_token).scope.split(' ');
    expect(scopes.filter((s) => MANAGEMENT_SCOPES.includes(s))).toEqual([]);
    const res = await fetch(`${server.url}api/v2/users`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope' });
  });

  it('does not let the dashboard login page sign in a user of another connection', async () => {
    const config = await oidc.discovery(new URL(server.issuer), CONSOLE_CLIENT_ID, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: DASHBOARD_CALLBACK(server), scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const done = await loginThroughPage(new Browser(), server, url.href, MARY.email, MARY.password);
    expect(done.url.startsWith(DASHBOARD_CALLBACK(server))).toBe(false);
    expect(await done.res.text()).toMatch(/Wrong email or password/i);
  });

  it('keeps Portrait-Admins for the dashboard: new apps are not enabled on it and its enabled_clients cannot change', async () => {
    const token = await server.managementToken();
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await (await fetch(`${server.url}api/v2/clients`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Another app', app_type: 'spa' }) })).json();
    const [admins] = await (await fetch(`${server.url}api/v2/connections?name=Portrait-Admins`, { headers: auth })).json();
    expect(admins.enabled_clients).toEqual([CONSOLE_CLIENT_ID]);
    expect(admins.options.disable_signup).toBe(true);
    const patched = await fetch(`${server.url}api/v2/connections/${admins.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ enabled_clients: [CONSOLE_CLIENT_ID, created.client_id] }) });
    expect(patched.status).toBe(400);
    expect((await patched.json()).message).toMatch(/Portrait-Admins/);
    const [after] = await (await fetch(`${server.url}api/v2/connections?name=Portrait-Admins`, { headers: auth })).json();
    expect(after.enabled_clients).toEqual([CONSOLE_CLIENT_ID]);
  });

  it('creates the first administrator once: from the variables, or generated into a 0600 file', async () => {
    const again = await bootstrapConsole({ ...server.services, config: server.config });
    expect(again.generatedAdmin).toBeNull();
    const admins = await server.services.users.search({ q: 'identities.connection:"Portrait-Admins"', page: 0, perPage: 10, includeTotals: false });
    expect(admins.users.map((u) => u.email)).toEqual([ADMIN.email]);

    const generated = await startTestServer();
    try {
      const file = path.join(generated.config.dataDir, 'admin-user.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      expect(saved).toMatchObject({ email: 'admin@portrait.local', connection: 'Portrait-Admins', dashboard: `${generated.url}dashboard/` });
      const { tokens } = await dashboardToken(generated, new Browser(), { email: saved.email, password: saved.password });
      expect((await fetch(`${generated.url}api/v2/users`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);
      expect((await bootstrapConsole({ ...generated.services, config: generated.config })).generatedAdmin).toBeNull();
    } finally {
      await generated.close();
    }
  });

  it('serves the dashboard unframeable, without inline script, deep links included', async () => {
    for (const route of ['dashboard/', 'dashboard/users/auth0%7Cabc', 'dashboard/actions/flows/post-login']) {
      const res = await fetch(`${server.url}${route}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toMatch(/script-src 'self';/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const html = await res.text();
      const nonce = /style-src 'self' 'nonce-([^']+)'/.exec(csp)![1];
      expect(html).toContain(`content="${nonce}"`);
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    expect((await fetch(`${server.url}dashboard/assets/..%2Fpackage.json`)).status).toBe(404);
    expect(await (await fetch(`${server.url}dashboard/config.json`)).json()).toMatchObject({ clientId: CONSOLE_CLIENT_ID, audience: server.services.managementAudience.canonical });
  });
});
