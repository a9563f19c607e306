// The mail flows as a person goes through them, in Debian's chromium against a real server whose mail goes to a
// real SMTP server on loopback: sign up → verification mail → link → email_verified; "Forgot password?" on the
// login page → request → mail → new password → the new one works, the old does not, the link is dead after use.
// Every new page is kept as a screenshot under test-artifacts/ and scanned with axe-core.
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import * as oidc from 'openid-client';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_REALM_GRANT } from '../src/login/client-metadata.ts';
import { CALLBACK, createApp, createUser } from './login-support.ts';
import { ARTIFACTS, launchChromium } from './support/chromium.ts';
import { SmtpSink } from './support/smtp-sink.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { DB_CONNECTION } from './support/users.ts';

// Each test drives several pages through chromium and scans each with axe-core: far more work than the suite's
// default budget per test was sized for.
const BROWSER_TEST_MS = 120_000;

describe('mail flows in a real browser', () => {
  let server: TestServer;
  let sink: SmtpSink;
  let context: BrowserContext;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    server = await startTestServer({ tls: true, env: { PORTRAIT_SMTP_URL: sink.url } });
    browser = await launchChromium();
    context = browser.context;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await sink?.stop();
  });

  async function authorizeUrl(clientId: string): Promise<string> {
    const verifier = oidc.randomPKCECodeVerifier();
    return `${server.url}authorize?${new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })}`;
  }

  async function keep(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    const scan = await new AxeBuilder({ page }).analyze();
    expect(scan.violations.map((v) => `${name}: ${v.id} ${v.help}`)).toEqual([]);
  }

  it('signs up, receives the verification mail, follows its link, and the address is verified', async () => {
    const app = await createApp(server, { name: 'Mail App' });
    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(await authorizeUrl(app.clientId));
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Email address').fill('grace@example.com');
    await page.getByLabel('Password').fill('Compiler-Bug-1947');
    const callback = page.waitForRequest((r) => r.url().startsWith(CALLBACK));
    await page.getByRole('button', { name: 'Continue' }).click();
    await callback;

    const mail = await sink.to('grace@example.com', /Verify your email/);
    expect(mail.html).toContain('Verify my email');
    // How the mail itself looks (its HTML as a mail client would show it), kept next to the pages.
    const mailView = await context.newPage();
    await mailView.setViewportSize({ width: 600, height: 700 });
    await mailView.setContent(mail.html);
    await mailView.screenshot({ path: path.join(ARTIFACTS, 'mail-verify-email.png'), fullPage: true });
    await mailView.close();
    const link = SmtpSink.link(mail, `${server.url}u/email-verification?ticket=`);
    const user = (await server.services.users.getByEmail('grace@example.com'))[0];
    expect(user.email_verified).toBe(false);

    await page.goto(link);
    await expect(page.getByRole('heading').textContent()).resolves.toBe('Email verified');
    await keep(page, 'email-verified');
    expect((await server.services.users.get(user.user_id))?.email_verified).toBe(true);

    // The link works once. (From another page: the same URL with its '#' would be a same-document navigation.)
    await page.goto('about:blank');
    await page.goto(link);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('already used');
    await keep(page, 'email-link-invalid');
    await page.close();
  }, BROWSER_TEST_MS);

  it('resets a forgotten password by clicking through the hosted pages', async () => {
    const app = await createApp(server, { name: 'Reset App', grant_types: ['authorization_code', 'refresh_token', PASSWORD_REALM_GRANT] });
    await createUser(server, 'ada@example.com', 'Analytical-Engine-1843');
    const login = (password: string) => fetch(`${server.url}oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: PASSWORD_REALM_GRANT, realm: DB_CONNECTION, username: 'ada@example.com', password, scope: 'openid offline_access', client_id: app.clientId, client_secret: app.clientSecret! }),
    });
    const before = await login('Analytical-Engine-1843');
    expect(before.status).toBe(200);
    const refreshToken = ((await before.json()) as { refresh_token?: string }).refresh_token;

    await context.clearCookies();
    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(await authorizeUrl(app.clientId));
    await keep(page, 'login-with-forgot-password');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await keep(page, 'reset-request');
    await page.getByLabel('Email address').fill('ada@example.com');
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect(page.getByRole('heading').textContent()).resolves.toBe('Check your email');
    await keep(page, 'reset-requested');

    const mail = await sink.to('ada@example.com', /Reset your/);
    const link = SmtpSink.link(mail, `${server.url}u/reset-password?ticket=`);
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('Difference-Engine-1822');
    await page.getByLabel('Confirm the new password').fill('Difference-Engine-182');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('The two passwords are not the same.');
    await keep(page, 'reset-password-error');
    await page.getByLabel('New password', { exact: true }).fill('Difference-Engine-1822');
    await page.getByLabel('Confirm the new password').fill('Difference-Engine-1822');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await expect(page.getByRole('heading').textContent()).resolves.toBe('Password changed');
    await keep(page, 'reset-done');

    expect((await login('Difference-Engine-1822')).status).toBe(200);
    expect((await login('Analytical-Engine-1843')).status).toBe(403);
    // The reset ended the sessions and refresh tokens issued before it.
    if (refreshToken) {
      const refreshed = await fetch(`${server.url}oauth/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.clientId, client_secret: app.clientSecret! }),
      });
      expect(refreshed.status).toBe(403);
      expect(await refreshed.json()).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    }
    // The link is dead once used.
    await page.goto(link);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('already used');
    await page.close();
  }, BROWSER_TEST_MS);
});
