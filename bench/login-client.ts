// What the sign-in benchmarks share: the tenant they seed, the server they start, and the app side of one password
// login through the whole code flow (authorize → login page → POST password → resume → code exchange).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bootstrapTenant } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { createServices } from '../src/services.ts';

export interface BenchApp {
  clientId: string;
  clientSecret: string;
}

export const BENCH_CALLBACK = 'http://127.0.0.1:9/callback';

/** `--name value` from the command line as a number, or the fallback. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

export interface BenchTenant {
  base: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
}

/** A fresh data directory and the environment of a Portrait process serving it on `port` (SQLite). */
export function benchTenant(port: number): BenchTenant {
  const base = `http://127.0.0.1:${port}/`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-bench-'));
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PORTRAIT_ISSUER: base,
    PORTRAIT_DATA_DIR: dataDir,
    PORTRAIT_LOG_LEVEL: 'warn',
    PORTRAIT_BOOTSTRAP_CLIENT_ID: 'bench-admin-client',
    PORTRAIT_BOOTSTRAP_CLIENT_SECRET: 'bench-admin-client-secret-0123456789abcdef',
  };
  return { base, dataDir, env };
}

/** Bootstraps the tenant, registers the bench app and creates the given users, then closes the database. */
export async function seedBenchApp(
  tenant: BenchTenant,
  grantTypes: string[],
  users: Array<{ email: string; password: string; user_metadata?: Record<string, unknown> }>,
): Promise<BenchApp> {
  const services = await createServices(loadConfig(tenant.env));
  try {
    await bootstrapTenant(services);
    const { client, secret } = await services.clients.create({
      name: 'Bench App', callbacks: [BENCH_CALLBACK], grant_types: grantTypes, token_endpoint_auth_method: 'client_secret_post',
    });
    await services.connections.enableClientEverywhere(client.client_id);
    for (const user of users) await services.users.create({ connection: 'Username-Password-Authentication', ...user });
    return { clientId: client.client_id, clientSecret: secret! };
  } finally {
    await services.close();
  }
}

/** `portrait start` in a child process; `stop()` ends it and removes the data directory. */
export async function startBenchServer(tenant: BenchTenant, nodeFlags: string[] = []) {
  const server = spawn(process.execPath, [...nodeFlags, '--no-node-snapshot', '--import', 'tsx', 'src/main.ts', 'start'], {
    env: tenant.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(tenant.dataDir, { recursive: true, force: true });
  };
  try {
    await waitForServer(tenant.base);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

export async function waitForServer(base: string): Promise<void> {
  // Up to 60 s: on a loaded machine tsx alone takes more than the 10 s this once allowed.
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}healthz`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

/** One full login; returns the token endpoint's JSON answer. Throws when the login does not end in tokens. */
export async function oneLogin(base: string, app: BenchApp, email: string, password: string): Promise<Record<string, unknown>> {
  const jar = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(new URL(url, base), { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
  const authorize = await go(`authorize?${new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: BENCH_CALLBACK, scope: 'openid profile email' })}`);
  const page = await go(authorize.headers.get('location')!);
  const html = await page.text();
  const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
  const posted = await go('u/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, username: email, password }),
  });
  const resumed = await go(posted.headers.get('location')!);
  const code = new URL(resumed.headers.get('location')!).searchParams.get('code');
  if (!code) throw new Error(`no code: ${resumed.status} ${resumed.headers.get('location')}`);
  const token = await go('oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: BENCH_CALLBACK, client_id: app.clientId, client_secret: app.clientSecret }),
  });
  if (token.status !== 200) throw new Error(`token ${token.status}: ${await token.text()}`);
  return (await token.json()) as Record<string, unknown>;
}
