// Upstreams that misbehave: the user refuses at the upstream, the callback's state is wrong or replayed, the ID
// token is forged (wrong signature, nonce or issuer), the upstream never answers. The app gets an OAuth error at
// its redirect_uri whenever the login transaction is known, the browser gets a plain HTML page otherwise, and
// no user is created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from './login-support.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { startRogueIdp, startSilentServer, startUpstreamIdp, UPSTREAM_CLIENT, type RogueIdp, type UpstreamIdp } from './support/upstream-idp.ts';
import { APP_CALLBACK, countUsers, createConnection, federatedLogin, oidcOptions, relyingParty, type RelyingParty } from './social-support.ts';
import * as oidc from 'openid-client';

const INVALID = 'The identity provider answered with an invalid or unverifiable response.';

describe('federated sign-in with misbehaving upstreams', () => {
  let server: TestServer;
  let idp: UpstreamIdp;
  let rogue: RogueIdp;
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  let rp: RelyingParty;

  beforeAll(async () => {
    server = await startTestServer({ tls: true, env: { PORTRAIT_UPSTREAM_TIMEOUT_MS: '400', PORTRAIT_ALLOW_PRIVATE_OUTBOUND: 'true' } });
    idp = await startUpstreamIdp(`${server.issuer}login/callback`);
    idp.accounts.set('ada-1', { sub: 'ada-1', name: 'Ada', picture: 'https://pictures.example/ada.png' });
    rogue = await startRogueIdp();
    silent = await startSilentServer();
    rp = await relyingParty(server);
    const enabled = [rp.app.clientId];
    await createConnection(server, { name: 'good', strategy: 'oidc', options: oidcOptions(idp), enabled_clients: enabled });
    await createConnection(server, { name: 'rogue', strategy: 'oidc', options: { issuer: rogue.issuer, client_id: 'c', client_secret: 's' }, enabled_clients: enabled });
    await createConnection(server, { name: 'silent-oidc', strategy: 'oidc', options: { discovery_url: `${silent.url}/.well-known/openid-configuration`, client_id: 'c', client_secret: 's' }, enabled_clients: enabled });
    await createConnection(server, {
      name: 'silent-token', strategy: 'oauth2', enabled_clients: enabled,
      options: {
        authorizationURL: `${idp.issuer}/auth`, tokenURL: `${silent.url}/token`, profile_url: `${idp.issuer}/me`, profile_map: { user_id: 'sub' },
        client_id: UPSTREAM_CLIENT.id, client_secret: UPSTREAM_CLIENT.secret, scope: 'openid',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([idp?.close(), rogue?.close(), silent?.close()]);
  });

  function expectPlainPage(html: string) {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/\bat .+\.ts:\d+|Error:|stack/);
  }

  it('the user refuses at the upstream: the app gets error=access_denied, nobody is created', async () => {
    idp.next = 'deny';
    const before = await countUsers(server);
    const { url } = await federatedLogin(server, rp, 'good');
    expect(url.href.startsWith(APP_CALLBACK)).toBe(true);
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('error_description')).toBe('The user did not authorize the login at the identity provider.');
    expect(await countUsers(server)).toBe(before);
  });

  it('a callback with an unknown state, or a replayed one, gets a plain HTML page and changes nothing', async () => {
    const before = await countUsers(server);
    const bogus = await fetch(`${server.url}login/callback?code=abc&state=not-a-state-we-issued`);
    expect(bogus.status).toBe(400);
    expect(bogus.headers.get('content-type')).toContain('text/html');
    const html = await bogus.text();
    expectPlainPage(html);
    expect(html).toContain('Your login session has expired or is not valid.');
    expect((await fetch(`${server.url}login/callback`)).status).toBe(400);

    // A real round trip, stopped at the callback: used once it works, replayed it is refused.
    idp.next = { account: 'ada-1' };
    const browser = new Browser();
    const url = oidc.buildAuthorizationUrl(rp.config, { redirect_uri: APP_CALLBACK, scope: 'openid', connection: 'good', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    let next = url.href;
    for (let hops = 0; hops < 10 && !next.startsWith(`${server.url}login/callback`); hops++) {
      const res = await browser.fetch(next);
      next = new URL(res.headers.get('location')!, next).href;
    }
    const atCallback = { url: next };
    expect(atCallback.url.startsWith(`${server.url}login/callback?`)).toBe(true);
    const tampered = new URL(atCallback.url);
    tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
    expect((await browser.fetch(tampered.href)).status).toBe(400);
    const first = await browser.follow(atCallback.url, server.url);
    expect(first.url.startsWith(APP_CALLBACK)).toBe(true);
    expect(new URL(first.url).searchParams.get('code')).toBeTruthy();
    const replay = await browser.fetch(atCallback.url);
    expect(replay.status).toBe(400);
    expectPlainPage(await replay.text());
    expect(await countUsers(server)).toBe(before + 1);
  });

  it.each(['signature', 'nonce', 'issuer'] as const)('an ID token with a wrong %s is refused: access_denied, nobody created', async (fault) => {
    rogue.fault = fault;
    const before = await countUsers(server);
    const { url } = await federatedLogin(server, rp, 'rogue');
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('error_description')).toBe(INVALID);
    expect(await countUsers(server)).toBe(before);
    expect(await server.services.users.get('oidc|rogue|mallory')).toBeNull();
  });

  it('an upstream that never answers (discovery, or the token endpoint) times out: temporarily_unavailable, nobody created', async () => {
    const before = await countUsers(server);
    const started = Date.now();
    const atStart = await federatedLogin(server, rp, 'silent-oidc');
    expect(atStart.url.searchParams.get('error')).toBe('temporarily_unavailable');
    expect(atStart.url.searchParams.get('error_description')).toBe('The identity provider did not answer in time.');
    idp.next = { account: 'ada-1' };
    const atToken = await federatedLogin(server, rp, 'silent-token');
    expect(atToken.url.searchParams.get('error')).toBe('temporarily_unavailable');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await countUsers(server)).toBe(before);
  });

  it('a button for a connection the app may not use is refused with a page', async () => {
    await createConnection(server, { name: 'other-apps-only', strategy: 'oidc', options: oidcOptions(idp), enabled_clients: [] });
    const browser = new Browser();
    const url = oidc.buildAuthorizationUrl(rp.config, { redirect_uri: APP_CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const page = await browser.follow(url.href, server.url);
    const html = await page.res.text();
    expect(html).toContain('Continue with good');
    expect(html).not.toContain('other-apps-only');
    const inputs = Object.fromEntries([...html.matchAll(/name="(state|csrf)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const res = await browser.fetch(`${server.url}u/login/social`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...inputs, connection: 'other-apps-only' }),
    });
    expect(res.status).toBe(400);
    expectPlainPage(await res.text());
  });
});
