// Portrait as real processes (`node bin/portrait.mjs …`), for tests where a process must die, survive or restart:
// SIGKILL mid-write, a dependency going away under load. Each process leads its own process group, so a kill
// reaches the server behind the wrapper; every process still running when a test ends is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach } from 'vitest';

const BIN = path.resolve('bin/portrait.mjs');
export const PROCESS_CLIENT_ID = 'process-test-admin';
export const PROCESS_CLIENT_SECRET = 'process-test-admin-secret-0123456789abcdef';

export interface PortraitProcess {
  child: ChildProcess;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  out(): string;
  err(): string;
  /** True while the process (the server behind the wrapper) has not exited. */
  alive(): boolean;
  /** Signals the whole process group and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running: PortraitProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill('SIGKILL')));
});

export { freePort } from './free-port.ts';

/** The environment of a node on loopback: its port, its data directory, its database, the known admin client. */
export function portraitEnv(options: { port: number; dataDir: string; databaseUrl: string; issuer?: string; extra?: Record<string, string> }): Record<string, string> {
  const base = options.issuer ?? `http://127.0.0.1:${options.port}/`;
  return {
    PORT: String(options.port), HOST: '127.0.0.1', PORTRAIT_ISSUER: base, PORTRAIT_DATA_DIR: options.dataDir, PORTRAIT_LOG_LEVEL: 'warn',
    PORTRAIT_BOOTSTRAP_CLIENT_ID: PROCESS_CLIENT_ID, PORTRAIT_BOOTSTRAP_CLIENT_SECRET: PROCESS_CLIENT_SECRET,
    DATABASE_URL: options.databaseUrl,
    ...options.extra,
  };
}

/** Runs `portrait <args>` without waiting for anything. */
export function runPortrait(args: string[], env: Record<string, string>): PortraitProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  let done = false;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { done = true; resolve(code); }));
  const proc: PortraitProcess = {
    child, exited, out: () => out, err: () => err, alive: () => !done,
    async kill(signal = 'SIGKILL') {
      if (done) return;
      try { process.kill(-child.pid!, signal); } catch { /* already gone */ }
      await exited;
    },
  };
  running.push(proc);
  return proc;
}

/** Starts a server and resolves once it says it is serving. */
export async function startPortrait(env: Record<string, string>): Promise<PortraitProcess> {
  const proc = runPortrait(['start'], env);
  const end = Date.now() + 60_000;
  while (!proc.out().includes('Portrait is serving')) {
    if (Date.now() > end || !proc.alive()) throw new Error(`server did not start:\n${proc.out()}\n${proc.err()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return proc;
}

/** A Management API token for the admin client, from a node's token endpoint (`issuer`: when nodes share one). */
export async function processManagementToken(base: string, issuer = base): Promise<string> {
  const res = await fetch(`${base}oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: PROCESS_CLIENT_ID, client_secret: PROCESS_CLIENT_SECRET, audience: `${issuer}api/v2/` }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
