// The dashboard in a real browser (Debian's chromium through playwright-core), against a real server: the seed's
// walkthrough done by clicking (an Action built, tested, deployed and bound; a user signs in to an app and gets
// the picture claim; a picture uploaded and seen in the users table), search, the metadata editor, logout.
import { mkdirSync } from 'node:fs';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PICTURE_FROM_METADATA } from '../src/actions/test-support/seed-actions.ts';
import { sampleEvent } from '../src/actions/sample-events.ts';
import { ADMIN, ensureConsoleBuilt, expectHeading, fillEditor, launchChromium, navigate, openDashboard, watchForProblems } from './console-support.ts';
import { codeFlowLogin, createApp } from './login-support.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const SEED_PICTURE = 'https://images.example.com/seed/jane.png';
const JANE = { email: 'jane.walkthrough@example.com', password: 'Walkthrough-Picture-2026' };

describe('the dashboard, by clicking', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let janeId: string;

  const api = async (path: string) => {
    const res = await fetch(`${server.url}api/v2${path}`, { headers: { authorization: `Bearer ${await server.managementToken()}` } });
    return res.json();
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startTestServer({ env: { PORTRAIT_ADMIN_EMAIL: ADMIN.email, PORTRAIT_ADMIN_PASSWORD: ADMIN.password } });
    // No Gravatar lookups from the test machine: users without a picture get the initials avatar.
    await server.services.tenantSettings.update({ picture: { gravatar: 'off' } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    problems = watchForProblems(page);
    mkdirSync('docs/screenshots', { recursive: true });
    mkdirSync('test-artifacts', { recursive: true });
  }, 120_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await page.screenshot({ path: `test-artifacts/console-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png` });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs the administrator in through the hosted login page and lands on the deep link asked for', async () => {
    await openDashboard(page, server, 'actions/library');
    expect(new URL(page.url()).pathname).toBe('/dashboard/actions/library');
    await expectHeading(page, 'Library');
    await expect.poll(() => page.getByText('No custom actions yet').isVisible()).toBe(true);
  }, 120_000);

  it('builds the seed Action, tests it with an edited sample event, deploys it and binds it to the login flow', async () => {
    await page.getByRole('button', { name: 'Build Custom' }).click();
    await page.getByLabel('Name').fill('Change user pictures');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/dashboard\/actions\/library\/[0-9a-f-]{36}$/);
    await expectHeading(page, 'Change user pictures');

    await fillEditor(page, 'Action code', PICTURE_FROM_METADATA);
    await page.getByRole('button', { name: 'Save Draft' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Draft saved.' }).isVisible()).toBe(true);

    const event = sampleEvent('post-login') as { user: { user_metadata: Record<string, unknown> } };
    event.user.user_metadata = { picture: SEED_PICTURE };
    await fillEditor(page, 'Test event', JSON.stringify(event, null, 2));
    await page.getByRole('button', { name: 'Run test' }).click();
    const result = page.getByTestId('test-result');
    await result.waitFor();
    expect(await result.getByText('success', { exact: true }).isVisible()).toBe(true);
    expect(JSON.parse(await page.getByTestId('id-token-claims').innerText())).toEqual({ picture: SEED_PICTURE });

    await page.getByRole('button', { name: 'Deploy' }).click();
    await expect.poll(() => page.getByLabel('Status: Deployed').isVisible()).toBe(true);
    await page.screenshot({ path: 'docs/screenshots/action-editor-desktop.png' });

    await navigate(page, 'Flows');
    await expectHeading(page, 'Flows');
    await page.getByRole('button', { name: 'Add Change user pictures to the flow' }).click();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByText('Flow applied.').isVisible()).toBe(true);
    const bindings = await api('/actions/triggers/post-login/bindings');
    expect(bindings.bindings.map((b: { action: { name: string } }) => b.action.name)).toEqual(['Change user pictures']);
  }, 180_000);

  it('creates a user, edits user_metadata in the JSON editor, and GET /api/v2/users/{id} returns exactly that', async () => {
    await navigate(page, 'Users');
    await expectHeading(page, 'Users');
    await page.getByRole('button', { name: 'Create User' }).click();
    await page.getByRole('textbox', { name: 'Email' }).fill(JANE.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(JANE.password);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/dashboard\/users\/auth0%7C/);
    janeId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    await page.getByRole('tab', { name: 'Metadata' }).click();
    const metadata = { picture: SEED_PICTURE, preferences: { theme: 'dark', languages: ['en', 'fr'] } };
    await fillEditor(page, 'user_metadata', JSON.stringify(metadata, null, 2));
    await page.getByRole('button', { name: 'Save user_metadata' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved.' }).isVisible()).toBe(true);
    expect((await api(`/users/${encodeURIComponent(janeId)}`)).user_metadata).toEqual(metadata);
  }, 120_000);

  it('refuses invalid JSON in the page and changes nothing', async () => {
    const before = await api(`/users/${encodeURIComponent(janeId)}`);
    await fillEditor(page, 'user_metadata', '{ "picture": "https://images.example.com/x.png", ');
    await expect.poll(() => page.getByTestId('user_metadata-invalid').isVisible()).toBe(true);
    expect(await page.getByTestId('user_metadata-invalid').innerText()).toMatch(/Invalid JSON/);
    expect(await page.getByRole('button', { name: 'Save user_metadata' }).isDisabled()).toBe(true);
    await fillEditor(page, 'user_metadata', '["not", "an", "object"]');
    expect(await page.getByTestId('user_metadata-invalid').innerText()).toMatch(/Must be a JSON object/);
    expect(await page.getByRole('button', { name: 'Save user_metadata' }).isDisabled()).toBe(true);
    expect(await api(`/users/${encodeURIComponent(janeId)}`)).toEqual(before);
  }, 120_000);

  it('signs the user in to an app, whose ID token carries the picture the bound Action set', async () => {
    const app = await createApp(server, { name: 'Seed App' });
    const config = await oidc.discovery(new URL(server.issuer), app.clientId, undefined, oidc.ClientSecretPost(app.clientSecret!), { execute: [oidc.allowInsecureRequests] });
    const login = await codeFlowLogin(server, config, JANE, 'openid profile email');
    expect(login).toHaveProperty('claims.picture', SEED_PICTURE);
  }, 120_000);

  it('uploads a picture for the user, cropped to a square, and shows it in the users table', async () => {
    await openDashboard(page, server, `users/${encodeURIComponent(janeId)}`);
    const photo = await sharp({ create: { width: 640, height: 400, channels: 3, background: '#3366cc' } })
      .composite([{ input: { create: { width: 200, height: 200, channels: 3, background: '#ffcc00' } }, left: 220, top: 100 }])
      .png()
      .toBuffer();
    await page.locator('input[type=file]').setInputFiles({ name: 'jane.png', mimeType: 'image/png', buffer: photo });
    const dialog = page.getByRole('dialog', { name: 'Crop the picture' });
    await dialog.getByAltText('Cropped preview').waitFor();
    await page.screenshot({ path: 'docs/screenshots/picture-crop-desktop.png' });
    await dialog.getByRole('button', { name: 'Upload' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const stored = (await api(`/users/${encodeURIComponent(janeId)}`)).picture as string;
    expect(stored).toMatch(new RegExp(`^${server.url}pictures/`));
    const served = await fetch(stored);
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect(meta.width).toBe(meta.height);

    await navigate(page, 'Users');
    const row = page.getByRole('row').filter({ hasText: JANE.email });
    await expect.poll(() => row.locator('img').getAttribute('src')).toBe(stored);
    await expect.poll(() => row.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  }, 120_000);

  it('narrows the users table as the search is typed (server-side, debounced)', async () => {
    for (const [email, name] of [['zelda@hyrule.example.com', 'Zelda Harkinian'], ['link@hyrule.example.com', 'Link'], ['ganon@gerudo.example.com', 'Ganondorf']]) {
      await server.services.users.create({ connection: 'Username-Password-Authentication', email, password: 'Triforce-Of-Wisdom-86', name });
    }
    await page.reload();
    await expectHeading(page, 'Users');
    const rows = page.getByRole('table', { name: 'Users' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(5);
    await page.getByLabel('Search users').fill('hyrule');
    await expect.poll(() => rows.allInnerTexts().then((t) => t.map((r) => r.match(/\S+@\S+/)?.[0]).sort())).toEqual(['link@hyrule.example.com', 'zelda@hyrule.example.com']);
    await page.getByLabel('Search users').fill('email:"ganon@gerudo.example.com"');
    await expect.poll(() => rows.allInnerTexts().then((t) => t.length === 1 && t[0].includes('Ganondorf'))).toBe(true);
    expect(new URL(page.url()).searchParams.get('q')).toBe('email:"ganon@gerudo.example.com"');
    await page.getByLabel('Search users').fill('nobody-matches-this');
    await expect.poll(() => page.getByText('No user matches this search.').isVisible()).toBe(true);
  }, 120_000);

  it('logs out: the session ends and the dashboard asks for the password again', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/dashboard\/signed-out/);
    await expectHeading(page, 'You are signed out');
    await page.goto(`${server.url}dashboard/users`);
    await page.waitForURL(/\/u\/login/);
    expect(problems).toEqual([]);
  }, 120_000);
});
