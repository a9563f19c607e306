// The mail outbox: (1) what queuing a verification mail adds to a sign-up — the email domain's part of the request
// (template lookup, per-address count, ticket insert, outbox insert), timed per call; (2) the worker's throughput
// to a local SMTP sink (smtp-server on loopback, messages read and dropped), from the first claim to the last row
// marked sent. SQLite in a temporary data directory unless DATABASE_URL says otherwise.
//   node --no-node-snapshot --import tsx bench/email-outbox.ts [--mails 2000]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config.ts';
import { createServices } from '../src/services.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MAILS = arg('mails', 2000);

let received = 0;
let allIn: () => void = () => undefined;
const done = new Promise<void>((resolve) => (allIn = resolve));
const sink = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      if (++received === MAILS) allIn();
      callback();
    });
  },
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const smtpPort = (sink.server.address() as { port: number }).port;

const dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-bench-mail-'));
const config = loadConfig({
  ...process.env, PORTRAIT_DATA_DIR: dataDir, PORTRAIT_LOG_LEVEL: 'silent', PORTRAIT_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  PORTRAIT_EMAIL_PER_ADDRESS_PER_HOUR: '1000000',
});
const services = await createServices(config);
const { mailer, worker } = services.email;

// (1) Queuing, worker not running: each call as a sign-up makes it.
const timings: number[] = [];
for (let i = 0; i < MAILS; i++) {
  const user = { user_id: `auth0|bench${i}`, email: `bench${i}@example.com`, name: `Bench ${i}`, email_verified: false };
  const start = process.hrtime.bigint();
  await mailer.send('verify_email', user, { kind: 'email_verification', clientId: 'bench', clientName: 'Bench App' });
  timings.push(Number(process.hrtime.bigint() - start) / 1e6);
}
timings.sort((a, b) => a - b);
const pct = (p: number) => timings[Math.min(timings.length - 1, Math.floor((p / 100) * timings.length))].toFixed(2);

// (2) Sending: the worker drains the outbox into the sink.
const started = Date.now();
worker.start({ info: () => undefined, warn: () => undefined, error: (o, m) => console.error(m, o) });
await done;
const seconds = (Date.now() - started) / 1000;

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; database: ${config.database.kind}`);
console.log(`queue one mail (sign-up's added work): p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms over ${MAILS}`);
console.log(`send: ${MAILS} mails in ${seconds.toFixed(2)} s = ${(MAILS / seconds).toFixed(0)} mails/s (batch ${config.email.batchSize}, 4 pooled SMTP connections)`);
await services.email.stop();
await services.close();
await new Promise<void>((resolve) => sink.close(() => resolve()));
rmSync(dataDir, { recursive: true, force: true });
