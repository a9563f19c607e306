// Every dashboard page in a real browser: an accessibility scan (axe-core, no serious or critical violation),
// screenshots at desktop and phone width (docs/screenshots/, shown in the README), a dark-theme pass, flows
// reordered by keyboard and by drag, an import dropped on the page with its progress and per-user errors, and a
// user who is not an administrator refused on every page.
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PICTURE_FROM_METADATA, defaultPictureCorrected } from '../src/actions/test-support/seed-actions.ts';
import { ADMIN, ensureConsoleBuilt, expectHeading, launchChromium, openDashboard, watchForProblems } from './console-support.ts';
import { CALLBACK, createApp, createUser } from './login-support.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const MARY = { email: 'mary@example.com', password: 'Shelley-Frankenstein-1818' };

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

describe('every dashboard page', () => {
  let server: TestServer;
  let browser: Browser;
  let pages: { name: string; route: string; heading: string }[];

  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startTestServer({ env: { PORTRAIT_ADMIN_EMAIL: ADMIN.email, PORTRAIT_ADMIN_PASSWORD: ADMIN.password } });
    const s = server.services;
    await s.tenantSettings.update({ friendly_name: 'Acme', picture: { gravatar: 'off' } });
    const jane = await s.users.create({ connection: 'Username-Password-Authentication', email: 'jane.doe@example.com', password: 'Jane-Doe-Password-1', name: 'Jane Doe', user_metadata: { picture: 'https://images.example.com/jane.png' }, app_metadata: { plan: 'pro' } });
    for (const [email, name] of [['ada@example.com', 'Ada Lovelace'], ['alan@example.com', 'Alan Turing'], ['edsger@example.com', 'Edsger Dijkstra']]) {
      await s.users.create({ connection: 'Username-Password-Authentication', email, password: 'Some-Password-123', name });
    }
    await createUser(server, MARY.email, MARY.password, { name: 'Mary Shelley' });
    await s.connections.create({ name: 'github', strategy: 'github', options: { client_id: 'gh-id', client_secret: 'gh-secret-0123456789' } });
    const app = await createApp(server, { name: 'Acme Web' });
    const picture = await s.actions.create({ name: 'Change user pictures', supported_triggers: [{ id: 'post-login', version: 'v3' }], code: PICTURE_FROM_METADATA });
    const fallback = await s.actions.create({ name: 'Default picture', supported_triggers: [{ id: 'post-login', version: 'v3' }], code: defaultPictureCorrected('https://cdn.example.com/default.png') });
    await s.actions.deploy(picture.id);
    await s.actions.deploy(fallback.id);
    await s.actions.bindings.replace('post-login', [{ ref: { type: 'action_id', value: picture.id } }, { ref: { type: 'action_id', value: fallback.id } }]);
    pages = [
      { name: 'users', route: 'users', heading: 'Users' },
      { name: 'user', route: `users/${encodeURIComponent(jane.user_id)}`, heading: 'Jane Doe' },
      { name: 'actions-library', route: 'actions/library', heading: 'Library' },
      { name: 'action-editor', route: `actions/library/${picture.id}`, heading: 'Change user pictures' },
      { name: 'flows', route: 'actions/flows', heading: 'Flows' },
      { name: 'applications', route: 'applications', heading: 'Applications' },
      { name: 'application', route: `applications/${app.clientId}`, heading: 'Acme Web' },
      { name: 'connections', route: 'connections', heading: 'Database & Social Connections' },
      { name: 'jobs', route: 'jobs', heading: 'Import & Export' },
      { name: 'settings', route: 'settings', heading: 'Tenant Settings' },
    ];
    browser = await launchChromium();
    mkdirSync('docs/screenshots', { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [size, viewport, colorScheme] of [['desktop', DESKTOP, 'light'], ['phone', PHONE, 'light'], ['dark', DESKTOP, 'dark']] as const) {
    it(`passes the accessibility scan on every page (${size}) and keeps a screenshot of each`, async () => {
      const context = await browser.newContext({ viewport, colorScheme });
      const page = await context.newPage();
      const problems = watchForProblems(page);
      const found: Record<string, string[]> = {};
      try {
        for (const p of size === 'dark' ? pages.filter((x) => ['users', 'settings'].includes(x.name)) : pages) {
          await openDashboard(page, server, p.route);
          await expectHeading(page, p.heading);
          // Wait for the page's data: no loader left.
          await expect.poll(() => page.locator('[aria-label^="Loading"]').count(), { timeout: 30_000 }).toBe(0);
          if (p.name === 'connections') await page.getByRole('button', { name: /github/ }).click();
          const violations = await seriousViolations(page);
          if (violations.length) found[p.name] = violations;
          await page.screenshot({ path: `docs/screenshots/${p.name}-${size}.png` });
        }
      } finally {
        await context.close();
      }
      expect(JSON.stringify(found, null, 1)).toBe('{}');
      expect(problems).toEqual([]);
    }, 300_000);
  }

  it('reorders the login flow with the keyboard and by dragging, then applies it', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    try {
      await openDashboard(page, server, 'actions/flows/post-login');
      const cards = page.getByTestId('bound-action');
      await expect.poll(() => cards.allInnerTexts()).toEqual([expect.stringContaining('Change user pictures'), expect.stringContaining('Default picture')]);
      await cards.first().focus();
      await page.keyboard.press('Alt+ArrowDown');
      await expect.poll(() => page.getByText('Change user pictures moved to position 2 of 2.').isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(() => page.getByText('Flow applied.').isVisible()).toBe(true);
      const order = async () => (await server.services.actions.bindings.list('post-login')).map((b) => b.action.name);
      expect(await order()).toEqual(['Default picture', 'Change user pictures']);

      await cards.nth(1).dragTo(cards.nth(0));
      await expect.poll(() => cards.first().innerText()).toContain('Change user pictures');
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(order).toEqual(['Change user pictures', 'Default picture']);

      await page.getByRole('button', { name: 'Remove Default picture from the flow' }).click();
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(order).toEqual(['Change user pictures']);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('imports a users file dropped on the page, with progress and the users that failed, then exports with a link', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    try {
      await openDashboard(page, server, 'jobs');
      const file = JSON.stringify([
        { email: 'imported.one@example.com', email_verified: true, name: 'Imported One' },
        { email: 'not-an-email', name: 'Broken' },
      ]);
      await page.getByTestId('dropzone').evaluate((zone, text) => {
        const data = new DataTransfer();
        data.items.add(new File([text], 'users.json', { type: 'application/json' }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }, file);
      await expect.poll(() => page.getByText(/users\.json/).isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await expect.poll(() => page.getByText('1 inserted, 0 updated, 1 failed').isVisible(), { timeout: 60_000 }).toBe(true);
      expect(await page.getByRole('progressbar', { name: 'Import progress' }).getAttribute('aria-valuenow')).toBe('100');
      await expect.poll(() => page.getByRole('table', { name: 'Users that failed' }).innerText()).toContain('not-an-email');
      expect((await server.services.users.getByEmail('imported.one@example.com')).length).toBe(1);

      await page.getByRole('button', { name: 'Export', exact: true }).click();
      const link = page.getByRole('link', { name: 'Download the export' });
      await link.waitFor({ timeout: 60_000 });
      const res = await fetch((await link.getAttribute('href'))!);
      expect(res.status).toBe(200);
      await page.screenshot({ path: 'docs/screenshots/jobs-done-desktop.png' });
    } finally {
      await context.close();
    }
  }, 180_000);

  it('refuses a user who is not an administrator on every page, even one already signed in elsewhere', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    await context.route('http://127.0.0.1:9/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>app</title>' }));
    const page = await context.newPage();
    try {
      // Mary signs in to an app: her browser now has a session with the provider.
      const app = await createApp(server, { name: 'Mary App' });
      const config = await oidc.discovery(new URL(server.issuer), app.clientId, undefined, oidc.ClientSecretPost(app.clientSecret!), { execute: [oidc.allowInsecureRequests] });
      await page.goto(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'x' }).href);
      await page.getByLabel('Email address').fill(MARY.email);
      await page.getByLabel('Password').fill(MARY.password);
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.waitForURL(/127\.0\.0\.1:9\/callback/);

      for (const p of pages) {
        await page.goto(`${server.url}dashboard/${p.route}`);
        await expectHeading(page, 'Not an administrator');
        expect(await page.getByText(MARY.email).isVisible()).toBe(true);
        expect(await page.getByRole('navigation').count()).toBe(0);
      }
      await page.screenshot({ path: 'docs/screenshots/not-an-administrator-desktop.png' });
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
