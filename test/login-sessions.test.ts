// Sessions and the tokens they issued, seen and ended through the official auth0 SDK v7 (ManagementClient):
// a user signs in to an app (openid-client, through the hosted page, with the browser's cookie jar kept), the
// session shows up under the user with the ID token's `sid` as its id, its refresh token under the user too;
// revoking the session makes the app's next silent call fail, kills its refresh token, and the app's back-channel
// logout receiver gets a logout token signed like the ID tokens.
import { createServer, type Server } from 'node:http';
import { ManagementError, type ManagementClient } from 'auth0';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { adminClient, clientWithScopes } from './support/users.ts';
import { Browser, CALLBACK, createApp, createUser, loginThroughPage } from './login-support.ts';

const PASSWORD = 'Analytical-Engine-1843';

describe('sessions and refresh tokens through the Management API', () => {
  let server: TestServer;
  let management: ManagementClient;
  let receiver: Server;
  let receiverUrl: string;
  const logoutTokens: string[] = [];

  beforeAll(async () => {
    // The back-channel receiver listens on loopback, which only this setting lets the server reach.
    server = await startTestServer({ tls: true, env: { PORTRAIT_ALLOW_PRIVATE_OUTBOUND: 'true' } });
    management = adminClient(server);
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
        res.writeHead(200).end();
      });
    });
    const port: number = await new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve((receiver.address() as { port: number }).port)));
    receiverUrl = `http://127.0.0.1:${port}/backchannel-logout`;
  }, 60_000);

  afterAll(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
    await server?.close();
  });

  /** One sign-in as a web app does it, keeping the browser, so silent authentication can be tried later. */
  async function signIn(email: string) {
    const app = await createApp(server, { name: 'Session App', oidc_logout: { backchannel_logout_urls: [receiverUrl] } });
    const config = new oidc.Configuration({ issuer: server.issuer, authorization_endpoint: `${server.url}authorize`, token_endpoint: `${server.url}oauth/token` }, app.clientId, app.clientSecret);
    const browser = new Browser();
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK, scope: 'openid profile email offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const done = await loginThroughPage(browser, server, url.href, email, PASSWORD);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { pkceCodeVerifier: verifier, idTokenExpected: true });
    /** prompt=none from the same browser: the callback's code, or its error. */
    const silent = async () => {
      const silentUrl = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none' });
      return new URL((await browser.follow(silentUrl.href, server.url)).url).searchParams;
    };
    const refresh = () => fetch(`${server.url}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: app.clientId, client_secret: app.clientSecret! }),
    });
    return { app, tokens, claims: tokens.claims()!, silent, refresh };
  }

  it('lists the session and its refresh token; revoking it ends both and notifies the app over back-channel', async () => {
    const user = await createUser(server, 'ada@example.com', PASSWORD);
    const { app, claims, silent, refresh } = await signIn('ada@example.com');
    expect(typeof claims.sid).toBe('string');
    expect((await silent()).has('code')).toBe(true);

    const sessions = (await management.users.sessions.list(user.user_id)).data;
    expect(sessions).toHaveLength(1);
    const [session] = sessions;
    expect(session).toMatchObject({ id: claims.sid, user_id: user.user_id, clients: [{ client_id: app.clientId }], cookie: { mode: 'persistent' } });
    expect(Date.parse(session.authenticated_at as string)).not.toBeNaN();
    expect(await management.sessions.get(claims.sid as string)).toMatchObject({ id: claims.sid, user_id: user.user_id });

    const rts = (await management.users.refreshToken.list(user.user_id)).data;
    expect(rts).toHaveLength(1);
    const [token] = rts;
    expect(token).toMatchObject({ user_id: user.user_id, client_id: app.clientId, session_id: claims.sid, rotating: true });
    expect(await management.refreshTokens.get(token.id!)).toMatchObject({ id: token.id, session_id: claims.sid });
    const credentials = (await management.deviceCredentials.list({ user_id: user.user_id, type: 'refresh_token' })).data;
    expect(credentials).toEqual([expect.objectContaining({ id: token.id, type: 'rotating_refresh_token', user_id: user.user_id, client_id: app.clientId })]);

    await management.sessions.revoke(claims.sid as string);

    // The browser's session is gone: the app's next silent call is told to log in again…
    expect((await silent()).get('error')).toBe('login_required');
    // …its refresh token is dead…
    const refreshed = await refresh();
    expect(refreshed.ok).toBe(false);
    expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
    await expect(management.sessions.get(claims.sid as string)).rejects.toMatchObject({ statusCode: 404 });
    expect((await management.users.refreshToken.list(user.user_id)).data).toEqual([]);
    // …and the app heard of it on its back-channel URL, with a logout token it can verify like an ID token.
    expect(logoutTokens).toHaveLength(1);
    const { payload, protectedHeader } = await jwtVerify(logoutTokens[0], createRemoteJWKSet(new URL(`${server.url}.well-known/jwks.json`)), {
      issuer: server.issuer, audience: app.clientId, typ: 'logout+jwt',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: user.user_id, sid: claims.sid, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
    expect(payload).not.toHaveProperty('nonce');
  });

  it("deletes a user's sessions and refresh tokens in one call each, and deletes grants", async () => {
    logoutTokens.length = 0;
    const user = await createUser(server, 'grace@example.com', PASSWORD);
    const first = await signIn('grace@example.com');
    const second = await signIn('grace@example.com');
    expect((await management.users.sessions.list(user.user_id)).data).toHaveLength(2);
    expect((await management.users.refreshToken.list(user.user_id)).data).toHaveLength(2);

    await management.users.refreshToken.delete(user.user_id);
    for (const app of [first, second]) expect((await app.refresh()).ok).toBe(false);
    // Deleting refresh tokens leaves the sessions signed in.
    expect((await first.silent()).has('code')).toBe(true);

    const grants = (await management.userGrants.list({ user_id: user.user_id })).data;
    expect(grants.length).toBeGreaterThan(0);
    expect(grants[0]).toMatchObject({ user_id: user.user_id });
    await management.userGrants.delete(grants[0].id!);
    expect((await management.userGrants.list({ user_id: user.user_id })).data.map((g) => g.id)).not.toContain(grants[0].id);

    await management.users.sessions.delete(user.user_id);
    expect((await management.users.sessions.list(user.user_id)).data).toEqual([]);
    expect((await first.silent()).get('error')).toBe('login_required');
    expect((await second.silent()).get('error')).toBe('login_required');
    expect(logoutTokens).toHaveLength(2);
  });

  it("answers Auth0's errors: unknown ids 404, unknown users 404, missing scopes 403", async () => {
    const notFound = await management.sessions.get('no-such-session').catch((e: unknown) => e as ManagementError);
    expect(notFound).toMatchObject({ statusCode: 404 });
    await expect(management.refreshTokens.delete('no-such-token')).rejects.toMatchObject({ statusCode: 404 });
    await expect(management.users.sessions.list('auth0|nobody')).rejects.toMatchObject({ statusCode: 404 });
    const reader = await clientWithScopes(server, ['read:users']);
    const denied = await reader.users.sessions.list('auth0|nobody').catch((e: unknown) => e as ManagementError);
    expect(denied).toMatchObject({ statusCode: 403 });
    expect((denied as ManagementError).body).toMatchObject({ errorCode: 'insufficient_scope', message: 'Insufficient scope, expected any of: read:sessions' });
  });
});
