// The `portrait` command as a user runs it: a real process, real signals.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, dialects } from './support/databases.ts';
import { startTestServer } from './support/test-server.ts';

const BIN = path.resolve('bin/portrait.mjs');
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

async function until(check: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function tempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'portrait-cli-'));
  dirs.push(dir);
  return dir;
}

describe('portrait command line', () => {
  it('stops start-up on a bad value with a message naming the variable', async () => {
    const proc = run(['start'], { PORT: 'eighty', PORTRAIT_DATA_DIR: tempDir() });
    expect(await proc.exited).toBe(2);
    expect(proc.err()).toContain('PORT: expected a whole number');
  });

  it('migrates and exits', async () => {
    const proc = run(['migrate'], { PORTRAIT_DATA_DIR: tempDir() });
    expect(await proc.exited).toBe(0);
    expect(proc.out()).toContain('up to date');
  });

  it('serves, prints where things are, and on SIGTERM finishes the request in flight before exiting 0', async () => {
    const port = await freePort();
    const data = tempDir();
    const proc = run(['start'], { PORT: String(port), PORTRAIT_DATA_DIR: data });
    await until(() => proc.out().includes('Portrait is serving'));
    expect(proc.out()).toContain(`issuer:     http://localhost:${port}/`);
    expect(proc.out()).toContain(`SQLite at ${path.join(data, 'portrait.sqlite')}`);
    expect(proc.out()).toMatch(/shown this once: \S{40,}/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    // A request whose body is still arriving when the signal comes.
    const answer = new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/oauth/token', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '27' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"grant_type":');
      setTimeout(() => {
        proc.child.kill('SIGTERM');
        setTimeout(() => req.end('"magic"}     '), 300);
      }, 200);
    });
    expect(await answer).toBe(400);
    expect(await proc.exited).toBe(0);
  });
});

describe.each(dialects.filter((d) => d === 'postgres'))('/healthz on %s', (dialect) => {
  it('answers 503 once the database is gone', async () => {
    const server = await startTestServer({ dialect });
    const db = await createTestDatabase(dialect);
    await db.drop();
    try {
      expect((await fetch(`${server.url}healthz`)).status).toBe(200);
      // Drop the server's own database out from under it.
      const url = (server.config.database as { url: string }).url;
      const name = new URL(url).pathname.slice(1);
      const pg = (await import('pg')).default;
      const admin = new pg.Client({ connectionString: url.replace(`/${name}`, '/postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
      const res = await fetch(`${server.url}healthz`);
      expect(res.status).toBe(503);
    } finally {
      await server.close().catch(() => undefined);
    }
  });
});
