// Bad input at the Authentication API and the login pages: each refused with the OAuth error or a clear page,
// none a 500. Brute-force protection, password grants, sign-up, key rotation through the Management API.
import * as oidc from 'openid-client';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_REALM_GRANT } from '../src/login/client-metadata.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { Browser, createApp, createUser, hiddenInputs, loginThroughPage } from './login-support.ts';

const CALLBACK = 'http://127.0.0.1:9/callback';

describe('sign-in against hostile input', () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof createApp>>;
  let spa: Awaited<ReturnType<typeof createApp>>;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer();
    web = await createApp(server, { grant_types: ['authorization_code', 'refresh_token', 'password', PASSWORD_REALM_GRANT] });
    spa = await createApp(server, { name: 'SPA', app_type: 'spa', token_endpoint_auth_method: 'none' });
    userId = (await createUser(server, 'grace@example.com', 'Cobol-Rules-1959', { name: 'Grace Hopper' })).user_id;
  });
  afterAll(async () => server?.close());

  const authorize = (params: Record<string, string>) => fetch(`${server.url}authorize?${new URLSearchParams(params)}`, { redirect: 'manual', headers: { accept: 'text/html' } });
  const token = (body: Record<string, string>) =>
    fetch(`${server.url}oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });

  async function codeFor(client: { clientId: string }, extra: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const params = new URLSearchParams({ client_id: client.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra });
    const done = await loginThroughPage(new Browser(), server, `${server.url}authorize?${params}`, 'grace@example.com', 'Cobol-Rules-1959');
    return { code: new URL(done.url).searchParams.get('code')!, verifier };
  }

  it('refuses a wrong redirect_uri without redirecting to it', async () => {
    const res = await authorize({ client_id: web.clientId, response_type: 'code', redirect_uri: 'https://evil.example/cb', scope: 'openid' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('redirect_uri did not match');
  });

  // Found by the robustness sweep: the provider serves these by GET only and answered Koa's bare text "Not Found".
  it.each(['authorize', 'oidc/logout'])('answers POST /%s, which the provider does not serve, with a JSON 405', async (path) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=${web.clientId}` });
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: `POST is not supported on /${path}.` });
  });

  // Found by the security read: the provider's own pages (errors, logout) had no framing or sniffing protection.
  it('serves the provider\'s pages unframeable and unsniffable, its error pages under the hosted pages\' CSP', async () => {
    const error = await authorize({ client_id: 'nope', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid' });
    expect(error.status).toBe(400);
    expect(error.headers.get('x-frame-options')).toBe('DENY');
    expect(error.headers.get('x-content-type-options')).toBe('nosniff');
    expect(error.headers.get('content-security-policy')).toContain("default-src 'none'");
    const logout = await fetch(`${server.url}oidc/logout`, { redirect: 'manual' });
    expect(logout.headers.get('content-type')).toMatch(/^text\/html/);
    expect(logout.headers.get('x-frame-options')).toBe('DENY');
    expect(logout.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('requires PKCE from a public client', async () => {
    const res = await authorize({ client_id: spa.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', state: 's' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toContain('PKCE');
  });

  it('refuses a replayed code and a wrong PKCE verifier', async () => {
    const { code, verifier } = await codeFor(web);
    const exchange = (c: string, v: string) => token({ grant_type: 'authorization_code', code: c, code_verifier: v, redirect_uri: CALLBACK, client_id: web.clientId, client_secret: web.clientSecret! });
    expect((await exchange(code, verifier)).status).toBe(200);
    const replay = await exchange(code, verifier);
    expect(replay.status).toBe(400);
    expect((await replay.json()).error).toBe('invalid_grant');
    const other = await codeFor(web);
    const wrong = await exchange(other.code, oidc.randomPKCECodeVerifier());
    expect((await wrong.json()).error).toBe('invalid_grant');
  });

  it('refuses forged, expired and alg:none tokens at /userinfo', async () => {
    const jwk = (await server.services.keys.jwks()).keys[0];
    const claims = { sub: userId, scope: 'openid profile', aud: `${server.issuer}userinfo`, iss: server.issuer };
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, exp: 9999999999 })).toString('base64url')}.`;
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: jwk.kid }).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(JSON.stringify(jwk)));
    const key = await server.services.keys.current();
    const expired = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid }).setIssuedAt(1_000_000).setExpirationTime(1_000_100).sign(key.privateKey);
    for (const bad of [none, hs, expired, 'opaque-garbage', 'a.b.c']) {
      const res = await fetch(`${server.url}userinfo`, { headers: { authorization: `Bearer ${bad}` } });
      expect(res.status).toBe(401);
      expect((await res.json()).error).toBe('invalid_token');
    }
  });

  it('survives tampered cookies, unknown state, a missing CSRF token and oversized parameters without a 500', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = `${server.url}authorize?${new URLSearchParams({ client_id: web.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })}`;
    const browser = new Browser();
    const page = await browser.follow(url, server.url);
    const inputs = hiddenInputs(await page.res.text());
    // A forged CSRF token.
    const forged = await browser.fetch(`${server.url}u/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...inputs, csrf: 'forged', username: 'grace@example.com', password: 'Cobol-Rules-1959' }) });
    expect(forged.status).toBe(403);
    // Tampered provider cookies: the resume step refuses, with an error page.
    for (const name of [...browser.cookies.keys()]) browser.cookies.set(name, 'tampered');
    const resumed = await browser.fetch(`${server.url}authorize/${inputs.state}`);
    expect(resumed.status).toBeGreaterThanOrEqual(400);
    expect(resumed.status).toBeLessThan(500);
    // Unknown or malformed state.
    expect((await fetch(`${server.url}u/login?state=nope`)).status).toBe(400);
    expect((await fetch(`${server.url}u/login?state=${'x'.repeat(40)}`)).status).toBe(400);
    // Oversized parameters.
    const huge = await authorize({ client_id: web.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', state: 'x'.repeat(20_000) });
    expect(huge.status).toBeLessThan(500);
    const bigBody = await fetch(`${server.url}oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&x=${'y'.repeat(100_000)}` });
    expect(bigBody.status).toBe(413);
    const badJson = await fetch(`${server.url}oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error).toBe('invalid_request');
  });

  it('issues tokens through the password-realm grant, and blocks after 10 failures from one IP until unblocked', async () => {
    const realm = (password: string) => token({ grant_type: PASSWORD_REALM_GRANT, realm: 'Username-Password-Authentication', username: 'grace@example.com', password, scope: 'openid profile offline_access', client_id: web.clientId, client_secret: web.clientSecret! });
    const ok = await realm('Cobol-Rules-1959');
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 86400 });
    expect(body.id_token && body.refresh_token).toBeTruthy();
    expect(JSON.parse(Buffer.from(body.id_token.split('.')[1], 'base64url').toString())).toMatchObject({ sub: userId, name: 'Grace Hopper' });

    const password = await token({ grant_type: 'password', username: 'grace@example.com', password: 'Cobol-Rules-1959', client_id: web.clientId, client_secret: web.clientSecret! });
    expect(password.status).toBe(200);
    const unknown = await token({ grant_type: 'password', username: 'nobody@example.com', password: 'x', client_id: web.clientId, client_secret: web.clientSecret! });
    expect(await unknown.json()).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });

    for (let i = 0; i < 9; i++) expect((await realm('wrong')).status).toBe(403);
    const tenth = await realm('wrong');
    expect(tenth.status).toBe(429);
    expect((await tenth.json()).error).toBe('too_many_attempts');
    expect((await realm('Cobol-Rules-1959')).status).toBe(429);

    // The hosted page refuses too, with the message in an alert.
    const verifier = oidc.randomPKCECodeVerifier();
    const params = new URLSearchParams({ client_id: web.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const blockedPage = await loginThroughPage(new Browser(), server, `${server.url}authorize?${params}`, 'grace@example.com', 'Cobol-Rules-1959');
    expect(blockedPage.res.status).toBe(429);
    expect(await blockedPage.res.text()).toContain('role="alert"');

    const mgmt = await server.managementToken();
    const blocks = await fetch(`${server.url}api/v2/user-blocks/${encodeURIComponent(userId)}`, { headers: { authorization: `Bearer ${mgmt}` } });
    expect(await blocks.json()).toEqual({ blocked_for: [{ identifier: 'grace@example.com', ip: '127.0.0.1', connection: 'Username-Password-Authentication' }] });
    const byIdentifier = await fetch(`${server.url}api/v2/user-blocks?identifier=grace%40example.com`, { headers: { authorization: `Bearer ${mgmt}` } });
    expect((await byIdentifier.json()).blocked_for).toHaveLength(1);
    const unblock = await fetch(`${server.url}api/v2/user-blocks/${encodeURIComponent(userId)}`, { method: 'DELETE', headers: { authorization: `Bearer ${mgmt}` } });
    expect(unblock.status).toBe(204);
    expect((await realm('Cobol-Rules-1959')).status).toBe(200);
  });

  it('signs users up through /dbconnections/signup without revealing existing accounts', async () => {
    const signup = (body: Record<string, unknown>) => fetch(`${server.url}dbconnections/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: web.clientId, connection: 'Username-Password-Authentication', ...body }) });
    const created = await signup({ email: 'new@example.com', password: 'Fresh-Password-1', given_name: 'New' });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ email: 'new@example.com', email_verified: false, given_name: 'New' });
    const again = await signup({ email: 'new@example.com', password: 'Fresh-Password-1' });
    expect(again.status).toBe(400);
    expect((await again.json()).code).toBe('invalid_signup');
  });

  it('rotates the signing key through the Management API; the provider signs with the new key and still publishes the old', async () => {
    const mgmt = await server.managementToken();
    const before = await (await fetch(`${server.url}api/v2/keys/signing`, { headers: { authorization: `Bearer ${mgmt}` } })).json();
    const rotated = await fetch(`${server.url}api/v2/keys/signing/rotate`, { method: 'POST', headers: { authorization: `Bearer ${mgmt}` } });
    expect(rotated.status).toBe(201);
    const { kid } = await rotated.json();
    const jwks = await (await fetch(`${server.url}.well-known/jwks.json`)).json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual(expect.arrayContaining([kid, before.find((k: { current: boolean }) => k.current).kid]));
    const { code, verifier } = await codeFor(web);
    const res = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK, client_id: web.clientId, client_secret: web.clientSecret! });
    const { id_token } = await res.json();
    expect(JSON.parse(Buffer.from(id_token.split('.')[0], 'base64url').toString()).kid).toBe(kid);
    const scoped = await server.managementToken(['read:users']);
    expect((await fetch(`${server.url}api/v2/keys/signing/rotate`, { method: 'POST', headers: { authorization: `Bearer ${scoped}` } })).status).toBe(403);
  });
});
