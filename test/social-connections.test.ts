// /api/v2/connections for social and enterprise strategies, through the auth0 SDK: every preset created with
// Auth0's strategy name, secrets never in any answer (create, get, list, update) and kept when a PATCH leaves
// them out, option mistakes answered with invalid_body, unknown strategies with bad_request; the login page
// shows one button per enabled connection, and the presets send the browser to the real providers.
import { createGuardedFetch } from '../src/platform/outbound/guarded-fetch.ts';
import { ManagementError } from 'auth0';
import { exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Upstreams } from '../src/connections/upstream.ts';
import { Browser } from './login-support.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { adminClient, api } from './support/users.ts';
import { APP_CALLBACK, relyingParty } from './social-support.ts';
import * as oidc from 'openid-client';

const SECRET = 'very-secret-upstream-value';

describe('social and enterprise connections through the Management API', () => {
  let server: TestServer;
  let appleKey: string;

  beforeAll(async () => {
    server = await startTestServer({ tls: true });
    appleKey = await exportPKCS8((await generateKeyPair('ES256', { extractable: true })).privateKey);
  });
  afterAll(async () => server?.close());

  it('creates every preset under its Auth0 strategy name and never answers a secret', async () => {
    const sdk = adminClient(server);
    const bodies = [
      { name: 'google', strategy: 'google-oauth2', options: { client_id: 'g-id', client_secret: SECRET, scope: ['email', 'profile'], email: true, profile: true } },
      { name: 'gh', strategy: 'github', options: { client_id: 'gh-id', client_secret: SECRET } },
      { name: 'fb', strategy: 'facebook', options: { client_id: 'fb-id', client_secret: SECRET } },
      { name: 'msa', strategy: 'windowslive', options: { client_id: 'ms-id', client_secret: SECRET, set_user_root_attributes: 'on_first_login' } },
      { name: 'siwa', strategy: 'apple', options: { client_id: 'com.example.web', team_id: 'ABCDE12345', kid: 'KEY1234567', app_secret: appleKey } },
    ] as const;
    for (const body of bodies) {
      const created = await sdk.connections.create(body as never);
      expect(created).toMatchObject({ name: body.name, strategy: body.strategy });
      expect(JSON.stringify(created)).not.toContain(SECRET);
      expect(created.options).not.toHaveProperty('app_secret');
      const read = await sdk.connections.get(created.id!);
      expect(read.options).not.toHaveProperty('client_secret');
      expect(read.options).not.toHaveProperty('app_secret');
    }
    const listed = await api(server, await server.managementToken(), 'GET', '/connections?per_page=50');
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);
    expect(JSON.stringify(listed.body)).not.toContain('PRIVATE KEY');
  });

  it('a PATCH that leaves the secret out keeps it; one with bad options changes nothing', async () => {
    const sdk = adminClient(server);
    const created = await sdk.connections.create({ name: 'keeps-secret', strategy: 'github', options: { client_id: 'id', client_secret: SECRET } } as never);
    const updated = await sdk.connections.update(created.id!, { options: { client_id: 'id-2', set_user_root_attributes: 'on_first_login' } });
    expect(updated.options).toEqual({ client_id: 'id-2', set_user_root_attributes: 'on_first_login' });
    expect((await server.services.connections.get(created.id!))!.options).toMatchObject({ client_id: 'id-2', client_secret: SECRET });
    const bad = await api(server, await server.managementToken(), 'PATCH', `/connections/${created.id}`, JSON.stringify({ options: { client_id: 'id', set_user_root_attributes: 'sometimes' } }));
    expect(bad).toMatchObject({ status: 400, body: { errorCode: 'invalid_body' } });
    expect((await server.services.connections.get(created.id!))!.options).toMatchObject({ client_id: 'id-2', set_user_root_attributes: 'on_first_login' });
  });

  const mistakes: Array<[string, Record<string, unknown>, number, string, string?]> = [
    ['oidc without issuer or discovery_url', { strategy: 'oidc', options: { client_id: 'c', client_secret: 's' } }, 400, 'invalid_body', 'discovery_url or options.issuer'],
    ['oidc over http', { strategy: 'oidc', options: { issuer: 'http://idp.example/', client_id: 'c', client_secret: 's' } }, 400, 'invalid_body', 'options.issuer'],
    ['oidc front_channel', { strategy: 'oidc', options: { issuer: 'https://idp.example/', client_id: 'c', client_secret: 's', type: 'front_channel' } }, 400, 'invalid_body', "'front_channel' is not supported"],
    ['oidc without client_secret', { strategy: 'oidc', options: { issuer: 'https://idp.example/', client_id: 'c' } }, 400, 'invalid_body', 'options.client_secret'],
    ['oauth2 without profile_map', { strategy: 'oauth2', options: { authorizationURL: 'https://a.example/a', tokenURL: 'https://a.example/t', profile_url: 'https://a.example/me', client_id: 'c', client_secret: 's' } }, 400, 'invalid_body', 'options.profile_map'],
    ['oauth2 profile_map without user_id', { strategy: 'oauth2', options: { authorizationURL: 'https://a.example/a', tokenURL: 'https://a.example/t', profile_url: 'https://a.example/me', profile_map: { name: 'name' }, client_id: 'c', client_secret: 's' } }, 400, 'invalid_body'],
    ['oauth2 profile_map with an unknown attribute', { strategy: 'oauth2', options: { authorizationURL: 'https://a.example/a', tokenURL: 'https://a.example/t', profile_url: 'https://a.example/me', profile_map: { user_id: 'id', app_metadata: 'x' }, client_id: 'c', client_secret: 's' } }, 400, 'invalid_body'],
    ['oauth2 profile_map with a bad path', { strategy: 'oauth2', options: { authorizationURL: 'https://a.example/a', tokenURL: 'https://a.example/t', profile_url: 'https://a.example/me', profile_map: { user_id: 'a..b' }, client_id: 'c', client_secret: 's' } }, 400, 'invalid_body'],
    ['google without client_id', { strategy: 'google-oauth2', options: { client_secret: 's' } }, 400, 'invalid_body', 'options.client_id'],
    ['apple with a malformed team_id', { strategy: 'apple', options: { client_id: 'c', team_id: 'x', kid: 'KEY1234567', app_secret: '-----BEGIN PRIVATE KEY-----' } }, 400, 'invalid_body', 'options.team_id'],
    ['a microsoft alias (Auth0 names it windowslive)', { strategy: 'microsoft', options: { client_id: 'c', client_secret: 's' } }, 400, 'bad_request', 'windowslive'],
  ];
  it.each(mistakes)('%s → %i %s', async (_label, body, status, errorCode, fragment) => {
    const answer = await api(server, await server.managementToken(), 'POST', '/connections', JSON.stringify({ name: `bad-${Math.random().toString(36).slice(2, 8)}`, ...body }));
    expect(answer).toMatchObject({ status, body: { statusCode: status, errorCode } });
    if (fragment) expect((answer.body as { message: string }).message).toContain(fragment);
  });

  it('the SDK sees the refusals as ManagementError 400', async () => {
    await expect(adminClient(server).connections.create({ name: 'x-oidc', strategy: 'oidc', options: { client_id: 'c' } } as never)).rejects.toBeInstanceOf(ManagementError);
  });

  it('the login page shows a button per enabled social connection, with its display name', async () => {
    const rp = await relyingParty(server);
    await adminClient(server).connections.create({ name: 'buttoned', strategy: 'github', display_name: 'GitHub', options: { client_id: 'x', client_secret: 'y' }, enabled_clients: [rp.app.clientId] } as never);
    const url = oidc.buildAuthorizationUrl(rp.config, { redirect_uri: APP_CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const page = await new Browser().follow(url.href, server.url);
    const html = await page.res.text();
    expect(html).toContain('Continue with GitHub');
    expect(html).toContain('value="buttoned"');
  });

  it('an app with only social connections gets their buttons and no password form', async () => {
    const { app } = await relyingParty(server);
    const { client } = app;
    // Taken off every connection, then given one social connection only.
    for (const c of await server.services.connections.list()) {
      await server.services.connections.update(c.id, { enabled_clients: c.enabled_clients.filter((id) => id !== client.client_id) });
    }
    await adminClient(server).connections.create({ name: 'only-social', strategy: 'facebook', display_name: 'Facebook', options: { client_id: 'x', client_secret: 'y' }, enabled_clients: [client.client_id] } as never);
    const config = await oidc.discovery(new URL(server.issuer), app.clientId, undefined, oidc.ClientSecretPost(app.clientSecret));
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: APP_CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const page = await new Browser().follow(url.href, server.url);
    expect(page.res.status).toBe(200);
    const html = await page.res.text();
    expect(html).toContain('Continue with Facebook');
    expect(html).not.toContain('action="/u/login"');
    expect(html).not.toContain('Sign up');
  });

  it('the OAuth 2.0 presets send the browser to the real providers, with state and PKCE S256', async () => {
    const upstreams = new Upstreams({ callbackUrl: `${server.issuer}login/callback`, timeoutMs: 1000, fetch: createGuardedFetch() });
    const checks = { state: 'st-123', nonce: 'n-1', codeVerifier: oidc.randomPKCECodeVerifier() };
    const expected: Record<string, string> = {
      github: 'https://github.com/login/oauth/authorize',
      facebook: 'https://www.facebook.com/v19.0/dialog/oauth',
      windowslive: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    };
    for (const [strategy, endpoint] of Object.entries(expected)) {
      const connection = await server.services.connections.create({ name: `preset-${strategy}`, strategy, options: { client_id: 'cid', client_secret: 's' } });
      const url = await upstreams.authorizationUrl(connection, checks);
      expect(`${url.origin}${url.pathname}`).toBe(endpoint);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        response_type: 'code', client_id: 'cid', redirect_uri: `${server.issuer}login/callback`, state: 'st-123',
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier), code_challenge_method: 'S256',
      });
    }
  });
});
