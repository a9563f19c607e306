// Mail under faults, against a real SMTP server on loopback: SMTP down while users sign up (the mails wait in the
// outbox and go out once it is back); a real server process SIGKILLed with mails in the outbox (a new process
// sends them, each once); hostile templates (an endless loop, a huge output) that cannot hang the worker.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createServices } from '../src/services.ts';
import { createApp } from './login-support.ts';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases.ts';
import { freePort } from './support/free-port.ts';
import { SmtpSink } from './support/smtp-sink.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { DB_CONNECTION } from './support/users.ts';

const BIN = path.resolve('bin/portrait.mjs');
const CLIENT_ID = 'mail-crash-admin';
const CLIENT_SECRET = 'mail-crash-admin-secret-0123456789abcdef';

type Outbox = { email_outbox: { to_address: string; status: string; attempts: number; last_error: string | null } };

describe('SMTP down while users sign up', () => {
  let server: TestServer;
  let sink: SmtpSink;
  beforeAll(async () => {
    // Take a port for the SMTP server, then close it: the server starts with its relay unreachable.
    sink = await new SmtpSink().start();
    await sink.stop();
    server = await startTestServer({ env: { PORTRAIT_SMTP_URL: sink.url } });
  });
  afterAll(async () => {
    await server?.close();
    await sink?.stop();
  });

  it('keeps the mails in the outbox and delivers each once SMTP is back', async () => {
    const app = await createApp(server);
    const emails = ['down1@example.com', 'down2@example.com', 'down3@example.com'];
    for (const email of emails) {
      const answer = await fetch(`${server.url}dbconnections/signup`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: app.clientId, email, password: 'Outage-Pass-42', connection: DB_CONNECTION }),
      });
      expect(answer.status).toBe(200);
    }
    const outbox = server.services.db.tables<Outbox>();
    // The worker tried and failed: every mail is still pending, with the error recorded.
    await expect.poll(async () => (await outbox.selectFrom('email_outbox').select(['status', 'last_error']).execute())
      .filter((r) => r.status === 'pending' && r.last_error !== null).length, { timeout: 20_000, interval: 100 }).toBe(3);

    await sink.start();
    const received = await Promise.all(emails.map((e) => sink.to(e)));
    expect(received.map((m) => m.to).sort()).toEqual(emails);
    await expect.poll(async () => (await outbox.selectFrom('email_outbox').select('status').where('status', '=', 'sent').execute()).length, { timeout: 10_000 }).toBe(3);
    expect(sink.mails.filter((m) => emails.includes(m.to))).toHaveLength(3);
  });

  it('bounds hostile templates: an endless loop and a huge output fail alone and the worker keeps sending', async () => {
    const templates = server.services.email.settings;
    await templates.saveTemplate({ template: 'welcome_email', subject: 'Loop', from: 'a@portrait.test', syntax: 'liquid', enabled: true, body: '{% for i in (1..1000000000) %}{% for j in (1..1000000000) %}x{% endfor %}{% endfor %}' });
    await templates.saveTemplate({ template: 'blocked_account', subject: 'Big', from: 'a@portrait.test', syntax: 'liquid', enabled: true, body: '{% assign s = "xxxxxxxxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}' });
    const mailer = server.services.email.mailer;
    const user = (email: string) => ({ user_id: `auth0|${email}`, email });
    await mailer.send('welcome_email', user('loop@example.com'));
    await mailer.send('blocked_account', user('big@example.com'));
    await mailer.send('verify_email', user('after@example.com'), { kind: 'email_verification' });
    await sink.to('after@example.com');
    const outbox = server.services.db.tables<Outbox>();
    await expect.poll(async () => (await outbox.selectFrom('email_outbox').select(['to_address', 'status']).where('to_address', 'in', ['loop@example.com', 'big@example.com']).execute())
      .map((r) => r.status), { timeout: 20_000 }).toEqual(['failed', 'failed']);
    const failed = await outbox.selectFrom('email_outbox').select('last_error').where('to_address', '=', 'loop@example.com').executeTakeFirstOrThrow();
    expect(failed.last_error).toMatch(/limit/);
  });
});

describe.each(dialects)('mail in the outbox survives SIGKILL of its server on %s', (dialect) => {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
    const child = spawn(process.execPath, [BIN, 'start'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // A fresh process compiles the TypeScript sources (tsx) before it serves: slow on a loaded machine.
    await expect.poll(() => out.includes('Portrait is serving') || child.exitCode !== null, { timeout: 90_000, interval: 50 }).toBe(true);
    if (child.exitCode !== null) throw new Error(`server did not start:\n${out}`);
    return { child, exited };
  }

  it('sends every queued mail after the restart, none twice', { timeout: 240_000 }, async () => {
    const database: TestDatabase = await createTestDatabase(dialect);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-mail-crash-'));
    const sink = await new SmtpSink().start();
    await sink.stop();
    cleanups.push(async () => { await sink.stop(); await database.drop(); rmSync(dataDir, { recursive: true, force: true }); });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/`;
    const env: Record<string, string> = {
      PORT: String(port), HOST: '127.0.0.1', PORTRAIT_ISSUER: base, PORTRAIT_DATA_DIR: dataDir, PORTRAIT_LOG_LEVEL: 'warn',
      PORTRAIT_BOOTSTRAP_CLIENT_ID: CLIENT_ID, PORTRAIT_BOOTSTRAP_CLIENT_SECRET: CLIENT_SECRET, PORTRAIT_SMTP_URL: sink.url,
      // A short lease: the restarted node takes the dead node's claimed rows over quickly.
      PORTRAIT_EMAIL_LEASE_SECONDS: '2',
      DATABASE_URL: database.config.kind === 'postgres' ? database.config.url : `sqlite:${database.config.file}`,
    };
    const first = await startServer(env);
    const tokenAnswer = await fetch(`${base}oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, audience: `${base}api/v2/` }),
    });
    const bearer = ((await tokenAnswer.json()) as { access_token: string }).access_token;
    const emails = Array.from({ length: 20 }, (_, i) => `crash${i}@example.com`);
    for (const email of emails) {
      // POST /users with an unverified address queues verify_email (Auth0's default).
      const created = await fetch(`${base}api/v2/users`, {
        method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ connection: DB_CONNECTION, email, password: 'Crash-Pass-42' }),
      });
      expect(created.status).toBe(201);
    }
    process.kill(-first.child.pid!, 'SIGKILL');
    await first.exited;

    const config = { ...loadConfig({ ...env, PORT: '0' }), database: database.config };
    const inspect = await createServices(config, { migrate: false });
    try {
      const rows = await inspect.db.tables<Outbox>().selectFrom('email_outbox').select(['to_address', 'status']).execute();
      expect(rows.map((r) => r.to_address).sort()).toEqual([...emails].sort());
      expect(rows.every((r) => r.status === 'pending')).toBe(true);
    } finally {
      await inspect.close();
    }

    await sink.start();
    await startServer(env);
    await Promise.all(emails.map((e) => sink.to(e)));
    const check = await createServices(config, { migrate: false });
    try {
      const outbox = check.db.tables<Outbox>();
      await expect.poll(async () => (await outbox.selectFrom('email_outbox').select('status').where('status', '=', 'sent').execute()).length, { timeout: 20_000 }).toBe(emails.length);
    } finally {
      await check.close();
    }
    expect(sink.mails).toHaveLength(emails.length);
  });
});
