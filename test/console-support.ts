// Driving the dashboard in Debian's chromium (playwright-core): the build made if missing, the browser launched
// as the sign-in tests launch it, the administrator's sign-in, and CodeMirror filled the way a person pastes.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestServer } from './support/test-server.ts';

export const ADMIN = { email: 'grace@admins.example.com', password: 'Cobol-Compiler-1959' };
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** `npm install` builds the dashboard (prepare); a checkout without dist/web builds it here once. */
export function ensureConsoleBuilt(): void {
  if (existsSync(path.resolve('dist/web/index.html'))) return;
  execFileSync(process.execPath, [path.resolve('node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
}

/** Collects what would show a broken page: uncaught errors and CSP refusals. */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return problems;
}

export async function h1(page: Page): Promise<string> {
  const heading = page.getByRole('heading', { level: 1 });
  await heading.first().waitFor({ timeout: 30_000 });
  return (await heading.first().textContent()) ?? '';
}

/** Waits until the page's h1 says `name` (pages load lazily: the previous heading may still be up). */
export async function expectHeading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor({ timeout: 30_000 });
}

/** Follows a link of the left navigation. */
export async function navigate(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: label, exact: true }).click();
}

/** Opens a dashboard page; signs the administrator in when the hosted login page comes up. */
export async function openDashboard(page: Page, server: TestServer, route: string, who = ADMIN): Promise<void> {
  await page.goto(`${server.url}dashboard/${route}`);
  // The dashboard shows no heading until it is signed in; the hosted login page's heading is "Welcome".
  await h1(page);
  if (new URL(page.url()).pathname.startsWith('/u/login')) {
    await page.getByLabel('Email address').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/dashboard/') && !url.pathname.startsWith('/dashboard/callback'), { timeout: 30_000 });
    await h1(page);
  }
}

/** Replaces a CodeMirror editor's text as a paste would (no auto-closed brackets). */
export async function fillEditor(page: Page, label: string, text: string): Promise<void> {
  const editor = page.locator(`.cm-content[aria-label="${label}"]`);
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  await expect.poll(async () => (await editor.innerText()).replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
}
