// The sample app (examples/picture-app: Express with Auth0's express-openid-connect) against a real Portrait,
// driven in chromium as a person would: sign up on the hosted page, see the initials avatar, paste a picture
// URL (saved to user_metadata.picture, carried into the ID token by the seed's Action after a silent refresh),
// then upload a picture and see it. Provisioning runs twice to show it is idempotent.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPictureApp } from '../examples/picture-app/app.ts';
import { managementClient } from '../examples/picture-app/management.ts';
import { ACTION_NAME, APP_NAME, provisionPictureApp } from '../examples/picture-app/provision.ts';
import { freePort } from './support/free-port.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS = path.resolve('test-artifacts');
const PASTED_PICTURE = 'https://images.example.com/pasted.png';

describe('the sample picture app', () => {
  let server: TestServer;
  let appServer: Server;
  let appUrl: string;
  let context: BrowserContext;
  let work: string;

  beforeAll(async () => {
    server = await startTestServer();
    work = mkdtempSync(path.join(tmpdir(), 'portrait-picture-app-'));
    const management = await managementClient(server.issuer, server.admin.clientId, server.admin.clientSecret);
    // No Gravatar (no internet here): a user without a picture gets Portrait's initials avatar.
    await management.call('PATCH', '/tenants/settings', { picture: { gravatar: 'off' } });
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    const stateFile = path.join(work, 'picture-app.json');
    await provisionPictureApp(management, appUrl, stateFile);
    const setup = await provisionPictureApp(management, appUrl, stateFile); // a second run changes nothing
    const clients = await management.call<Array<{ name: string }>>('GET', '/clients');
    expect(clients.filter((client) => client.name === APP_NAME)).toHaveLength(1);
    const bindings = await management.call('GET', '/actions/triggers/post-login/bindings');
    expect(bindings.bindings.map((binding: { display_name: string }) => binding.display_name)).toEqual([ACTION_NAME]);

    const app = createPictureApp({ issuer: server.issuer, appUrl, clientId: setup.clientId, clientSecret: setup.clientSecret, sessionSecret: 'a'.repeat(64) });
    appServer = await new Promise((resolve) => { const s = app.listen(port, '127.0.0.1', () => resolve(s)); });
    context = await chromium.launchPersistentContext(path.join(work, 'chromium'), { executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => appServer ? appServer.close(resolve) : resolve(undefined));
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('signs up, shows the initials avatar, then a pasted picture URL, then an uploaded picture', async () => {
    const page = await context.newPage();
    await page.goto(`${appUrl}/`);
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/u\/login\?state=/);
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Email address').fill('grace.hopper@example.com');
    await page.getByLabel('Password').fill('Cobol-Compiler-1959');
    await page.getByRole('button', { name: /continue|sign up/i }).click();
    await page.waitForURL(`${appUrl}/`);

    const pictureClaim = () => page.locator('#picture-claim').textContent();
    expect(await pictureClaim()).toMatch(new RegExp(`^${server.issuer}avatars/[a-z]{2}\\.png$`));
    expect(await page.locator('#picture').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'picture-app-initials.png'), fullPage: true });

    await page.getByLabel('Picture URL').fill(PASTED_PICTURE);
    await page.getByRole('button', { name: 'Save to user_metadata.picture' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Saved');
    expect(await pictureClaim()).toBe(PASTED_PICTURE);
    // A reload shows what the session now holds: the refreshed ID token, not a value the page kept.
    await page.goto(`${appUrl}/`);
    expect(await pictureClaim()).toBe(PASTED_PICTURE);

    const upload = path.join(work, 'me.png');
    writeFileSync(upload, await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3366cc' } }).png().toBuffer());
    await page.getByLabel('Upload a picture').setInputFiles(upload);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Uploaded');
    const uploaded = await pictureClaim();
    expect(uploaded).toMatch(new RegExp(`^${server.issuer}pictures/`));
    expect(await page.locator('#picture').evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'picture-app-uploaded.png'), fullPage: true });

    const user = await (await managementClient(server.issuer, server.admin.clientId, server.admin.clientSecret))
      .call('GET', `/users-by-email?email=${encodeURIComponent('grace.hopper@example.com')}`);
    expect(user[0]).toMatchObject({ picture: uploaded, user_metadata: {} });
    await page.close();
  }, 120_000);
});
