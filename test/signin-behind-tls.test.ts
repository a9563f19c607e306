// express-openid-connect (Auth0's Express SDK, which refuses plain-http issuers) signs a user in and out through
// the hosted page: once behind a TLS-terminating proxy written here (https in front, Portrait on plain http
// behind it, X-Forwarded-* as nginx sends them), once on Portrait's own TLS with no issuer configured.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { auth } from 'express-openid-connect';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from './support/free-port.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import type { TestCertificate } from './support/tls.ts';
import { Browser, createApp, createUser, hiddenInputs } from './login-support.ts';

const listen = (server: http.Server | https.Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const closeServer = (server: http.Server | https.Server | undefined) =>
  new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

/** A TLS-terminating reverse proxy: https in front, forwards to `target` over http with X-Forwarded-*. */
function tlsProxy(cert: TestCertificate, target: () => number) {
  return https.createServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key) }, (req, res) => {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: target(),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': req.headers.host, 'x-forwarded-for': '203.0.113.7' },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
}

/** The app: express-openid-connect with idpLogout, and a page that shows who is signed in. */
async function startExpressApp(issuer: string, client: { clientId: string; clientSecret?: string }, port: number) {
  const app = express();
  app.use(
    auth({
      issuerBaseURL: issuer,
      baseURL: `http://127.0.0.1:${port}`,
      clientID: client.clientId,
      clientSecret: client.clientSecret,
      secret: 'a-long-enough-cookie-secret-for-the-test-app',
      authRequired: false,
      idpLogout: true,
      authorizationParams: { response_type: 'code', scope: 'openid profile email' },
    }),
  );
  app.get('/me', (req, res) => {
    res.json({ authenticated: req.oidc.isAuthenticated(), user: req.oidc.user ?? null });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return server;
}

/** Follows redirects (any host) until a page answers; returns the last URL and response. */
async function follow(browser: Browser, url: string, init: RequestInit = {}) {
  let current = url;
  let res = await browser.fetch(current, init);
  for (let hops = 0; hops < 15 && res.status >= 300 && res.status < 400; hops++) {
    current = new URL(res.headers.get('location')!, current).href;
    res = await browser.fetch(current);
  }
  return { res, url: current };
}

/** Login through the hosted page, /me, then idpLogout through /oidc/logout back to the app. */
async function signInAndOut(issuer: string, appUrl: string) {
  const browser = new Browser();
  const page = await follow(browser, `${appUrl}/login`);
  expect(page.url.startsWith(`${issuer}u/login`)).toBe(true);
  const html = await page.res.text();
  const done = await follow(browser, `${issuer}u/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hiddenInputs(html), username: 'tls@example.com', password: 'Behind-A-Proxy-2026' }),
  });
  expect(done.url).toBe(`${appUrl}/`);
  const me = await (await browser.fetch(`${appUrl}/me`, { headers: { accept: 'application/json' } })).json();
  expect(me).toMatchObject({ authenticated: true, user: { email: 'tls@example.com' } });

  // idpLogout: the app sends the browser to the end_session_endpoint with post_logout_redirect_uri = baseURL.
  const logout = await browser.fetch(`${appUrl}/logout`);
  const endSession = new URL(logout.headers.get('location')!);
  expect(`${endSession.origin}${endSession.pathname}`).toBe(`${issuer}oidc/logout`);
  expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(appUrl);
  const confirm = await browser.fetch(endSession.href);
  expect(confirm.status).toBe(200);
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(await confirm.text())?.[1];
  const out = await browser.fetch(`${issuer}oidc/logout/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }),
  });
  expect(out.status).toBe(303);
  expect(out.headers.get('location')).toBe(`${appUrl}/`);
  const after = await (await browser.fetch(`${appUrl}/me`, { headers: { accept: 'application/json' } })).json();
  expect(after.authenticated).toBe(false);
}

async function prepare(portrait: TestServer, appPort: number) {
  const appUrl = `http://127.0.0.1:${appPort}`;
  // Registered with a trailing slash; idpLogout sends the bare origin, which must match as /v2/logout's returnTo does.
  const client = await createApp(portrait, { callbacks: [`${appUrl}/callback`], allowed_logout_urls: [`${appUrl}/`], token_endpoint_auth_method: 'client_secret_basic' });
  await createUser(portrait, 'tls@example.com', 'Behind-A-Proxy-2026');
  return { client, appUrl };
}

describe('express-openid-connect behind a TLS-terminating proxy', () => {
  let portrait: TestServer;
  let proxy: https.Server;
  let app: http.Server;
  let issuer: string;
  let appUrl: string;

  beforeAll(async () => {
    const cert = inject('tlsCert' as never) as TestCertificate;
    let portraitPort = 0;
    proxy = tlsProxy(cert, () => portraitPort);
    const proxyPort = await listen(proxy);
    issuer = `https://localhost:${proxyPort}/`;
    portrait = await startTestServer({ env: { PORTRAIT_ISSUER: issuer, PORTRAIT_TRUST_PROXY: 'loopback' } });
    portraitPort = Number(new URL(portrait.url).port);
    const appPort = await freePort();
    const prepared = await prepare(portrait, appPort);
    appUrl = prepared.appUrl;
    app = await startExpressApp(issuer, prepared.client, appPort);
  });
  afterAll(async () => {
    await closeServer(app);
    await closeServer(proxy);
    await portrait?.close();
  });

  it('publishes https:// endpoints from the issuer, not the http:// the proxy forwards on', async () => {
    const meta = await (await fetch(`${issuer}.well-known/openid-configuration`)).json();
    for (const key of ['issuer', 'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint']) {
      expect(meta[key].startsWith(issuer)).toBe(true);
    }
    // A client that talks to Portrait directly with forged forwarded headers still gets the issuer's URLs.
    const direct = await (await fetch(`${portrait.url}.well-known/openid-configuration`, { headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' } })).json();
    expect(direct.token_endpoint).toBe(`${issuer}oauth/token`);
  });

  it('signs in through the hosted page and out with idpLogout; the client IP is the one the trusted proxy forwarded', async () => {
    await signInAndOut(issuer, appUrl);
    const user = (await portrait.services.users.getByEmail('tls@example.com'))[0];
    expect(user.last_ip).toBe('203.0.113.7');
  });
});

describe("express-openid-connect on Portrait's own TLS with no issuer set", () => {
  let portrait: TestServer;
  let app: http.Server;
  let appUrl: string;

  beforeAll(async () => {
    portrait = await startTestServer({ tls: true, env: { PORTRAIT_ISSUER: '' } });
    const appPort = await freePort();
    const prepared = await prepare(portrait, appPort);
    appUrl = prepared.appUrl;
    app = await startExpressApp(portrait.issuer, prepared.client, appPort);
  });
  afterAll(async () => {
    await closeServer(app);
    await portrait?.close();
  });

  it('defaults the issuer to https://localhost:PORT/ and signs in and out', async () => {
    expect(portrait.issuer).toBe(`https://localhost:${new URL(portrait.url).port}/`);
    await signInAndOut(portrait.issuer, appUrl);
    // Without PORTRAIT_TRUST_PROXY, a forwarded address is not believed.
    expect((await portrait.services.users.getByEmail('tls@example.com'))[0].last_ip).toBe('127.0.0.1');
  });
});
