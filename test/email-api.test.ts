// The email Management API and Authentication API endpoints through the official auth0 SDK v7 (over TLS) against
// a real server whose mail goes to a real SMTP server on loopback: the provider (password never returned),
// templates (a change reaches the next mail; Liquid that does not parse is refused with its line), tickets
// (single use, also under concurrent use), /jobs/verification-email, and /dbconnections/change_password's
// one answer for every address.
import { ManagementError, type ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createUser } from './login-support.ts';
import { dialects } from './support/databases.ts';
import { connectionId, generateUsers, usersFile } from './support/jobs.ts';
import { SmtpSink } from './support/smtp-sink.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { adminClient, api, DB_CONNECTION } from './support/users.ts';
import { PASSWORD_REALM_GRANT } from '../src/login/client-metadata.ts';

const ANSWER = "We've just sent you an email to reset your password.";

async function sdkError(promise: Promise<unknown>): Promise<{ statusCode: number; body: { message?: string } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ManagementError) return { statusCode: error.statusCode ?? 0, body: error.body as { message?: string } };
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe.each(dialects)('email APIs on %s', (dialect) => {
  let server: TestServer;
  let sink: SmtpSink;
  let management: ManagementClient;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    // The relay by URL; the first test configures the same server as the provider through the API, which wins.
    // The sink listens on loopback: the provider set through the API reaches it only with private outbound allowed.
    server = await startTestServer({ dialect, tls: true, env: { PORTRAIT_SMTP_URL: sink.url, PORTRAIT_ALLOW_PRIVATE_OUTBOUND: 'true' } });
    management = adminClient(server);
  });
  afterAll(async () => {
    await server?.close();
    await sink?.stop();
  });

  const form = (url: string, body: Record<string, string>) =>
    fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });

  it('configures the SMTP provider and never returns its password', async () => {
    expect((await sdkError(management.emails.provider.get())).statusCode).toBe(404);
    const created = await management.emails.provider.create({
      name: 'smtp', enabled: true, default_from_address: 'accounts@portrait.test',
      credentials: { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_user: 'mailer', smtp_pass: 'very-secret-pass' },
    });
    expect(created).toMatchObject({ name: 'smtp', enabled: true, credentials: { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_user: 'mailer' } });
    expect(JSON.stringify(created)).not.toContain('very-secret-pass');
    const read = await management.emails.provider.get();
    expect(JSON.stringify(read)).not.toContain('very-secret-pass');
    expect((await sdkError(management.emails.provider.create({ name: 'smtp', credentials: { smtp_host: 'x', smtp_port: 25 } }))).statusCode).toBe(409);
    expect((await sdkError(management.emails.provider.update({ name: 'sendgrid' }))).statusCode).toBe(400);
    expect((await sdkError(management.emails.provider.update({ default_from_address: 'x@y.test\r\nBcc: evil@y.test' }))).statusCode).toBe(400);
    // The server speaks no AUTH: the provider is used without credentials from here on.
    const updated = await management.emails.provider.update({ credentials: { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_user: '' } });
    expect(updated.credentials).toMatchObject({ smtp_port: sink.port });
  });

  it('sends a verification mail through /jobs/verification-email; its ticket works once', async () => {
    const user = await createUser(server, 'job-verify@example.com', 'Some-Password-42');
    const job = await management.jobs.verificationEmail.create({ user_id: user.user_id });
    expect(job).toMatchObject({ type: 'verification_email' });
    const mail = await sink.to('job-verify@example.com', /Verify your email/);
    expect(mail.from).toBe('accounts@portrait.test');
    const link = SmtpSink.link(mail, `${server.url}u/email-verification?ticket=`);
    expect((await fetch(link)).status).toBe(200);
    expect((await management.users.get(user.user_id)).email_verified).toBe(true);
    expect((await fetch(link)).status).toBe(400);
  });

  it('changes a template through the SDK and the next mail uses it; refuses Liquid that does not parse', async () => {
    const bad = await sdkError(management.emailTemplates.create({ template: 'verify_email', body: '<p>Hi</p>\n{% if user.name %}\nno end', subject: 'x', from: 'a@b.test', syntax: 'liquid', enabled: true }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body.message).toMatch(/line:2/);
    const created = await management.emailTemplates.create({
      template: 'verify_email', body: '<p>Dear {{ user.name }}, confirm at <a href="{{ url }}">{{ url }}</a> for {{ application.name }}</p>',
      subject: 'Confirm {{ user.email }} please', from: 'Team <team@portrait.test>', syntax: 'liquid', enabled: true, resultUrl: 'https://app.example.com/verified', urlLifetimeInSeconds: 3600,
    });
    expect(created).toMatchObject({ template: 'verify_email', syntax: 'liquid', enabled: true, resultUrl: 'https://app.example.com/verified' });
    expect(await management.emailTemplates.get('verify_email')).toMatchObject({ subject: 'Confirm {{ user.email }} please' });
    await management.emailTemplates.update('verify_email', { subject: 'Please confirm {{ user.email }}' });

    const user = await createUser(server, 'tmpl@example.com', 'Some-Password-42', { name: 'Tem <b>Plate</b>' });
    await management.jobs.verificationEmail.create({ user_id: user.user_id });
    const mail = await sink.to('tmpl@example.com');
    expect(mail.subject).toBe('Please confirm tmpl@example.com');
    expect(mail.from).toBe('team@portrait.test');
    // Values are escaped in HTML bodies: the user's name does not become markup.
    expect(mail.html).toContain('Tem &lt;b&gt;Plate&lt;/b&gt;');
    const link = SmtpSink.link(mail, `${server.url}u/email-verification?ticket=`);
    const answer = await fetch(link, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    const target = new URL(answer.headers.get('location')!);
    expect(`${target.origin}${target.pathname}`).toBe('https://app.example.com/verified');
    expect(target.searchParams.get('success')).toBe('true');
    await management.emailTemplates.set('verify_email', { template: 'verify_email', enabled: false });
    // Raw HTTP: the SDK rightly retries a 429 until the rate-limit window resets (x-ratelimit-reset).
    const refused = await api(server, await server.managementToken(), 'POST', '/jobs/verification-email', JSON.stringify({ user_id: user.user_id }));
    expect(refused.status).toBe(429);
    await management.emailTemplates.set('verify_email', { template: 'verify_email', enabled: true });
  });

  it('makes password-change tickets; one ticket used by two concurrent requests changes the password once', async () => {
    const user = await createUser(server, 'ticket@example.com', 'First-Password-1');
    const connection = (await server.services.connections.getByName(DB_CONNECTION))!;
    const byEmail = await management.tickets.changePassword({ email: 'ticket@example.com', connection_id: connection.id, result_url: 'https://app.example.com/done', ttl_sec: 600, mark_email_as_verified: true });
    const { ticket: url } = await management.tickets.changePassword({ user_id: user.user_id });
    expect(byEmail.ticket).toMatch(new RegExp(`^${server.url}u/reset-password\\?ticket=`));
    const ticket = new URL(url!).searchParams.get('ticket')!;
    expect((await fetch(url!)).status).toBe(200);
    const submit = (password: string) => form(`${server.url}u/reset-password`, { ticket, password, confirm: password });
    const answers = await Promise.all([submit('Second-Password-2'), submit('Third-Password-3')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    expect((await fetch(url!)).status).toBe(400);
    // The ticket with result_url redirects there and marks the address verified.
    const viaEmail = new URL(byEmail.ticket!).searchParams.get('ticket')!;
    const done = await form(`${server.url}u/reset-password`, { ticket: viaEmail, password: 'Fourth-Password-4', confirm: 'Fourth-Password-4' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toMatch(/^https:\/\/app\.example\.com\/done\?success=true/);
    expect((await management.users.get(user.user_id)).email_verified).toBe(true);
    // Unknown users and a weak password are refused without using the ticket.
    expect((await sdkError(management.tickets.changePassword({ user_id: 'auth0|nobody' }))).statusCode).toBe(404);
    const fresh = new URL((await management.tickets.changePassword({ user_id: user.user_id })).ticket!).searchParams.get('ticket')!;
    expect((await form(`${server.url}u/reset-password`, { ticket: fresh, password: 'a', confirm: 'a' })).status).toBe(400);
    expect((await fetch(`${server.url}u/reset-password?ticket=${fresh}`)).status).toBe(200);
  });

  it('makes email-verification tickets; a verified address gets the welcome mail once it is enabled', async () => {
    await management.emailTemplates.set('welcome_email', { template: 'welcome_email', enabled: true });
    const user = await createUser(server, 'vticket@example.com', 'Some-Password-42');
    const { ticket } = await management.tickets.verifyEmail({ user_id: user.user_id, result_url: 'https://app.example.com/v', includeEmailInRedirect: true });
    const answer = await fetch(ticket!, { redirect: 'manual' });
    expect(new URL(answer.headers.get('location')!).searchParams.get('email')).toBe('vticket@example.com');
    expect((await management.users.get(user.user_id)).email_verified).toBe(true);
    expect((await sink.to('vticket@example.com', /Welcome/)).text).toContain('your email address is verified');
  });

  it('mails blocked_account when brute-force protection blocks a user; its link lifts the block', async () => {
    const app = await createApp(server, { grant_types: ['authorization_code', PASSWORD_REALM_GRANT] });
    await createUser(server, 'blocked@example.com', 'Right-Password-7');
    const login = (password: string) => fetch(`${server.url}oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: PASSWORD_REALM_GRANT, realm: DB_CONNECTION, username: 'blocked@example.com', password, scope: 'openid', client_id: app.clientId, client_secret: app.clientSecret! }),
    });
    for (let i = 0; i < 10; i++) await login('Wrong-Password-0');
    expect((await login('Right-Password-7')).status).not.toBe(200);
    const mail = await sink.to('blocked@example.com', /blocked/);
    expect(sink.mails.filter((m) => m.to === 'blocked@example.com')).toHaveLength(1);
    const link = SmtpSink.link(mail, `${server.url}u/unblock?ticket=`);
    expect((await fetch(link)).status).toBe(200);
    expect((await login('Right-Password-7')).status).toBe(200);
    expect((await fetch(link)).status).toBe(400);
  });

  it('answers change_password the same for known and unknown addresses, and mails only the known one', async () => {
    const app = await createApp(server);
    await createUser(server, 'known@example.com', 'Some-Password-42');
    const ask = (email: string) => fetch(`${server.url}dbconnections/change_password`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: app.clientId, email, connection: DB_CONNECTION }),
    });
    const unknown = await ask('unknown@example.com');
    const known = await ask('known@example.com');
    expect([unknown.status, await unknown.text()]).toEqual([200, ANSWER]);
    expect([known.status, await known.text()]).toEqual([200, ANSWER]);
    await sink.to('known@example.com', /Reset your/);
    // The unknown address's request was handled before the known one's mail was queued: nothing was queued for it.
    const rows = await server.services.db.tables<{ email_outbox: { to_address: string } }>().selectFrom('email_outbox').select('to_address').where('to_address', '=', 'unknown@example.com').execute();
    expect(rows).toEqual([]);
    expect(sink.mails.some((m) => m.to === 'unknown@example.com')).toBe(false);
    expect((await ask('not-an-address')).status).toBe(400);
  });

  it('sends the import job\'s completion mail to the tenant\'s support address', async () => {
    await management.tenants.settings.update({ support_email: 'support@portrait.test' });
    const created = await management.jobs.usersImports.create({
      users: { data: usersFile(generateUsers(3, { domain: 'mailed-import.test' })), filename: 'users.json', contentType: 'application/json' },
      connection_id: await connectionId(management), send_completion_email: true,
    });
    const mail = await sink.to('support@portrait.test', /import has finished/);
    expect(mail.text).toContain(created.id!);
    expect(mail.text).toContain('3 created');
  });

  it('refuses header injection through names and addresses', async () => {
    const user = await createUser(server, 'inject@example.com', 'Some-Password-42', { name: 'Eve\r\nBcc: victim@example.com' });
    await management.emailTemplates.set('welcome_email', { template: 'welcome_email', subject: 'Hi {{ user.name }}', body: '<p>{{ user.name }}</p>', from: 'team@portrait.test', enabled: true });
    expect((await sdkError(management.emailTemplates.update('welcome_email', { from: 'team@portrait.test\r\nBcc: victim@example.com' }))).statusCode).toBe(400);
    await server.services.email.mailer.send('welcome_email', user);
    const mail = await sink.to('inject@example.com');
    expect(mail.headerNames).not.toContain('bcc');
    expect(mail.subject).toBe('Hi Eve Bcc: victim@example.com');
    expect(sink.mails.some((m) => m.to === 'victim@example.com')).toBe(false);
  });

  it('does not let a provider set through the API reach a private address unless the operator allows it', async () => {
    const guarded = await startTestServer({ dialect, tls: true });
    try {
      const admin = adminClient(guarded);
      await admin.emails.provider.create({ name: 'smtp', enabled: true, default_from_address: 'accounts@portrait.test', credentials: { smtp_host: '127.0.0.1', smtp_port: sink.port } });
      const before = sink.mails.length;
      const user = await createUser(guarded, 'private-smtp@example.com', 'Some-Password-42');
      await guarded.services.email.mailer.send('verify_email', user);
      let row: { status: string; last_error: string | null } | undefined;
      for (let i = 0; i < 100 && !row?.last_error; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        row = await guarded.services.db.tables<any>().selectFrom('email_outbox').select(['status', 'last_error']).where('to_address', '=', 'private-smtp@example.com').executeTakeFirst();
      }
      expect(row?.status).not.toBe('sent');
      expect(row?.last_error).toMatch(/PORTRAIT_ALLOW_PRIVATE_OUTBOUND/);
      expect(sink.mails.slice(before).filter((m) => m.to === 'private-smtp@example.com')).toEqual([]);
    } finally {
      await guarded.close();
    }
  });
});
