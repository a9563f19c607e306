// Device authorization (RFC 8628) as a TV or a command line does it with openid-client: /oauth/device/code, the user
// opens /activate in chromium, confirms the code and logs in on the hosted page, while the device polls
// /oauth/token — Auth0's 403 authorization_pending until then, tokens after. The activation pages are looked at
// (screenshots under test-artifacts/) and scanned with axe.
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import * as oidc from 'openid-client';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium } from './support/chromium.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { createApp, createUser } from './login-support.ts';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('device authorization', () => {
  let server: TestServer;
  let context: BrowserContext;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let config: oidc.Configuration;
  let clientId: string;

  beforeAll(async () => {
    server = await startTestServer({ tls: true });
    await createUser(server, 'tv@example.com', 'Remote-Control-1950', { name: 'Tv Viewer' });
    const app = await createApp(server, {
      name: 'Living Room TV', app_type: 'native', token_endpoint_auth_method: 'none', callbacks: [], grant_types: [DEVICE_GRANT, 'refresh_token'],
    });
    clientId = app.clientId;
    config = await oidc.discovery(new URL(server.issuer), clientId, undefined, oidc.None());
    browser = await launchChromium();
    context = browser.context;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const poll = (deviceCode: string) =>
    fetch(`${server.url}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: clientId }),
    });

  it('signs the device in once the user confirms the code on /activate and logs in', async () => {
    const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' });
    expect(device).toMatchObject({ verification_uri: `${server.url}activate`, expires_in: 900, interval: 5 });
    expect(device.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);

    // Before the user acts: Auth0's answer to a polling device.
    const pending = await poll(device.device_code);
    expect(pending.status).toBe(403);
    expect(await pending.json()).toEqual({ error: 'authorization_pending', error_description: 'User has yet to authorize device code.' });

    const page = await context.newPage();
    await page.goto(device.verification_uri);
    await page.screenshot({ path: path.join(ARTIFACTS, 'device-activate.png'), fullPage: true });
    expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
    // A wrong code first: the page says so and asks again.
    await page.getByLabel('Code').fill('BBBB-BBBB');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Invalid or expired code. Please try again.');
    await page.getByLabel('Code').fill(device.user_code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.locator('.code').textContent()).resolves.toBe(device.user_code);
    await page.screenshot({ path: path.join(ARTIFACTS, 'device-confirm.png'), fullPage: true });
    expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/\/u\/login\?state=/);
    await page.getByLabel('Email address').fill('tv@example.com');
    await page.getByLabel('Password').fill('Remote-Control-1950');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: "Congratulations, you're all set!" }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'device-done.png'), fullPage: true });
    await page.close();

    const tokens = await oidc.pollDeviceAuthorizationGrant(config, device);
    expect(tokens.claims()).toMatchObject({ name: 'Tv Viewer', aud: clientId });
    expect(tokens.refresh_token).toBeTruthy();
    // The code is spent.
    expect((await poll(device.device_code)).ok).toBe(false);
  }, 90_000);

  it('tells the device when the user cancels, and refuses clients without the grant', async () => {
    const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    const page = await context.newPage();
    await page.goto(device.verification_uri_complete!);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('The request was cancelled. Your device was not activated.');
    await page.close();
    const denied = await poll(device.device_code);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: 'access_denied' });

    const web = await createApp(server, { name: 'No Device Grant' });
    const refused = await fetch(`${server.url}oauth/device/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: web.clientId, client_secret: web.clientSecret!, scope: 'openid' }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'unauthorized_client', error_description: "Grant type 'urn:ietf:params:oauth:grant-type:device_code' not allowed for the client." });
  }, 60_000);
});
