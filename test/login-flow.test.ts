// The code flow end to end with openid-client v6 as the relying party: discovery, PKCE, the hosted login page
// posted as a browser would, the ID token verified against the JWKS, /userinfo, refresh (which re-reads the
// profile), logout; on SQLite and PostgreSQL.
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { Browser, createApp, createUser, loginThroughPage } from './login-support.ts';

const CALLBACK = 'http://127.0.0.1:9/callback';

describe.each(dialects)('sign-in code flow on %s', (dialect) => {
  let server: TestServer;
  let app: Awaited<ReturnType<typeof createApp>>;
  let config: oidc.Configuration;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    app = await createApp(server, { grant_types: ['authorization_code', 'refresh_token', 'client_credentials'] });
    const user = await createUser(server, 'ada@example.com', 'Correct-Horse-9', { name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' });
    userId = user.user_id;
    config = await oidc.discovery(new URL(server.issuer), app.clientId, undefined, oidc.ClientSecretPost(app.clientSecret), {
      execute: [oidc.allowInsecureRequests],
    });
  });
  afterAll(async () => server?.close());

  async function signIn(scope = 'openid profile email offline_access', extra: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
    const browser = new Browser();
    const done = await loginThroughPage(browser, server, url.href, 'ada@example.com', 'Correct-Horse-9');
    expect(done.url.startsWith(CALLBACK)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    return { tokens, browser, loginPage: done.loginPage };
  }

  it('publishes Auth0-compatible discovery with the trailing-slash issuer', async () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(server.issuer);
    expect(meta.authorization_endpoint).toBe(`${server.url}authorize`);
    expect(meta.token_endpoint).toBe(`${server.url}oauth/token`);
    expect(meta.userinfo_endpoint).toBe(`${server.url}userinfo`);
    expect(meta.jwks_uri).toBe(`${server.url}.well-known/jwks.json`);
    expect(meta.revocation_endpoint).toBe(`${server.url}oauth/revoke`);
    expect(meta.end_session_endpoint).toBe(`${server.url}oidc/logout`);
    expect(meta.id_token_signing_alg_values_supported).toEqual(['RS256']);
  });

  it('logs in through the hosted page and issues an RS256 ID token with the profile claims, picture included', async () => {
    const { tokens, loginPage } = await signIn();
    expect(loginPage).toContain('<label for="username">Email address</label>');
    const jwks = createRemoteJWKSet(new URL(`${server.url}.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, { issuer: server.issuer, audience: app.clientId, algorithms: ['RS256'] });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: userId, name: 'Ada Lovelace', email: 'ada@example.com', email_verified: false, nickname: 'ada' });
    expect(typeof payload.picture).toBe('string');
    expect(payload.exp! - payload.iat!).toBe(36000);
    expect(tokens.refresh_token).toBeTruthy();

    const info = await oidc.fetchUserInfo(config, tokens.access_token, userId);
    expect(info).toMatchObject({ sub: userId, name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(info.picture).toBe(payload.picture);
  });

  it('records the login on the profile', async () => {
    const user = await server.services.users.get(userId);
    expect(user?.logins_count).toBeGreaterThanOrEqual(1);
    expect(user?.last_ip).toBe('127.0.0.1');
    expect(user?.last_login).toBeTruthy();
  });

  it('refreshes with rotation, and the new ID token carries a changed picture without a new login', async () => {
    const { tokens } = await signIn();
    await server.services.users.update(userId, { picture: 'https://images.example.com/ada-new.png' });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()?.picture).toBe('https://images.example.com/ada-new.png');
    // The rotated-out refresh token no longer works.
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('issues a JWT access token for the Management API audience that the guard accepts as the user', async () => {
    const { tokens } = await signIn('openid profile read:current_user update:current_user_metadata', { audience: `${server.issuer}api/v2/` });
    const [, body] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    expect(claims).toMatchObject({ iss: server.issuer, sub: userId, azp: app.clientId, scope: 'openid profile read:current_user update:current_user_metadata' });
    expect(claims.aud).toEqual([`${server.issuer}api/v2/`, `${server.issuer}userinfo`]);
    expect(claims.gty).toBeUndefined();
    const verified = await server.services.tokens.verify(tokens.access_token, server.services.managementAudience.accepted);
    expect(verified.sub).toBe(userId);
    // The same JWT is good at /userinfo, as Auth0's are.
    const info = await oidc.fetchUserInfo(config, tokens.access_token, userId);
    expect(info.name).toBe('Ada Lovelace');
  });

  it('revokes a refresh token and logs out through /oidc/logout and /v2/logout', async () => {
    const { tokens, browser } = await signIn();
    await oidc.tokenRevocation(config, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    const logoutUrl = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/logged-out' });
    const page = await browser.fetch(logoutUrl.href);
    expect(page.status).toBe(200);
    const html = await page.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    expect(xsrf).toBeTruthy();
    const confirmed = await browser.follow(`${server.url}oidc/logout/confirm`, server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }),
    });
    expect(confirmed.url).toBe('http://127.0.0.1:9/logged-out');

    // /v2/logout: the returnTo must be an allowed logout URL of the named client.
    const refused = await browser.fetch(`${server.url}v2/logout?client_id=${app.clientId}&returnTo=${encodeURIComponent('https://evil.example/')}`);
    expect(refused.status).toBe(400);
    const second = await signIn();
    const out = await second.browser.fetch(`${server.url}v2/logout?client_id=${app.clientId}&returnTo=${encodeURIComponent('http://127.0.0.1:9/logged-out')}`);
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('http://127.0.0.1:9/logged-out');
    // The session is gone: /authorize shows the login page again instead of answering with a code.
    const again = await second.browser.follow(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }).href, server.url);
    expect(again.url).toContain('/u/login?state=');
  });
});
