// The login in a real browser (Debian's chromium through playwright-core): the hosted page filled and
// submitted by a user, a screenshot kept under test-artifacts/; and Auth0's own SPA SDK (@auth0/auth0-spa-js)
// logging in against Portrait (over TLS, as the SDK requires) from a test page on http://localhost.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { createApp, createUser } from './login-support.ts';

// The SPA SDK insists on an https issuer: Portrait serves TLS with the run's self-signed certificate.
const CHROMIUM_FLAGS = ['--ignore-certificate-errors', '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS = path.resolve('test-artifacts');
const SPA_BUNDLE = path.resolve('node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js');

/** A loopback page server for the SPA: the SDK's bundle and one page that logs in and shows getUser(). */
function spaPage(portraitUrl: string, clientId: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>SPA</title></head><body>
<button id="login">Log in</button><pre id="out">loading</pre>
<script src="/auth0-spa-js.production.js"></script>
<script>
(async () => {
  const client = await auth0.createAuth0Client({
    domain: ${JSON.stringify(new URL(portraitUrl).host)},
    clientId: ${JSON.stringify(clientId)},
    authorizationParams: { redirect_uri: location.origin + '/' },
  });
  if (location.search.includes('code=')) {
    await client.handleRedirectCallback();
    history.replaceState({}, '', '/');
    document.getElementById('out').textContent = JSON.stringify(await client.getUser());
  } else {
    document.getElementById('out').textContent = 'ready';
  }
  document.getElementById('login').onclick = () => client.loginWithRedirect();
})().catch((e) => { document.getElementById('out').textContent = 'ERROR ' + (e.error || '') + ' ' + e.message; });
</script></body></html>`;
}

describe('sign-in in a real browser', () => {
  let server: TestServer;
  let context: BrowserContext;
  let userDataDir: string;
  let pageServer: Server;
  let pagePort: number;
  let pageHtml = '';

  beforeAll(async () => {
    server = await startTestServer({ tls: true });
    await createUser(server, 'linus@example.com', 'Penguin-Power-91', { name: 'Linus T', picture: 'https://images.example.com/linus.png' });
    pageServer = createServer((req, res) => {
      if (req.url === '/auth0-spa-js.production.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(SPA_BUNDLE));
      } else {
        res.writeHead(200, { 'content-type': 'text/html' }).end(pageHtml);
      }
    });
    pagePort = await new Promise((resolve) => pageServer.listen(0, '127.0.0.1', () => resolve((pageServer.address() as { port: number }).port)));
    userDataDir = mkdtempSync(path.join(tmpdir(), 'portrait-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => pageServer?.close(resolve));
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await server?.close();
  });

  it('shows an accessible login page, keeps a screenshot, and logs in with the keyboard', async () => {
    const app = await createApp(server, { name: 'Browser App' });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = `${server.url}authorize?${new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: 'http://127.0.0.1:9/callback', scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })}`;
    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 740 }); // a phone
    await page.goto(url);
    expect(page.url()).toContain('/u/login?state=');
    await page.screenshot({ path: path.join(ARTIFACTS, 'login-page.png'), fullPage: true });
    // Every input has a visible label.
    await expect(page.getByLabel('Email address').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Password').isVisible()).resolves.toBe(true);

    await page.getByLabel('Email address').fill('linus@example.com');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Wrong email or password.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'login-page-error.png'), fullPage: true });

    await page.getByLabel('Password').fill('Penguin-Power-91');
    const callback = page.waitForRequest((r) => r.url().startsWith('http://127.0.0.1:9/callback'));
    await page.getByLabel('Password').press('Enter');
    const code = new URL((await callback).url()).searchParams.get('code');
    expect(code).toBeTruthy();
    await page.close();
  });

  it("logs in with Auth0's SPA SDK (loginWithRedirect, handleRedirectCallback, getUser with picture)", async () => {
    const origin = `http://localhost:${pagePort}`;
    const spa = await createApp(server, { name: 'SPA', app_type: 'spa', token_endpoint_auth_method: 'none', callbacks: [`${origin}/`], web_origins: [origin], allowed_logout_urls: [`${origin}/`] });
    pageHtml = spaPage(server.url, spa.clientId);
    // The first test left a Portrait session in this browser; without this the SDK would sign in silently (SSO).
    await context.clearCookies();
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'loading');
    expect(await page.textContent('#out')).toBe('ready');
    await page.click('#login');
    await page.waitForURL(/\/u\/login\?state=/);
    await page.getByLabel('Email address').fill('linus@example.com');
    await page.getByLabel('Password').fill('Penguin-Power-91');
    await page.getByRole('button', { name: 'Continue' }).click();
    // Poll rather than waitForFunction: the page navigates away and back during the wait.
    let out = '';
    for (let i = 0; i < 100 && !/^(\{|ERROR)/.test(out); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      out = (await page.evaluate(() => document.getElementById('out')?.textContent).catch(() => '')) ?? '';
    }
    expect(out).not.toMatch(/^ERROR/);
    const user = JSON.parse(out);
    expect(user).toMatchObject({ name: 'Linus T', email: 'linus@example.com', picture: 'https://images.example.com/linus.png' });
    await page.close();
  });
});
