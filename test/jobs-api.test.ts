// /api/v2/jobs through the official auth0 SDK over TLS, on both dialects: an import job with its progress,
// summary and per-user errors; upsert overwriting metadata; imported bcrypt hashes verifying; an export job
// and its short-lived download link.
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../src/platform/passwords/index.ts';
import { dialects } from './support/databases.ts';
import { BCRYPT, connectionId, DB_CONNECTION, generateUsers, PASSWORD, usersFile, waitForJob } from './support/jobs.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

describe.each(dialects)('/api/v2/jobs on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  let conn: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    conn = await connectionId(management);
  });
  afterAll(async () => server?.close());

  const importFile = (data: Buffer, extra: { upsert?: boolean; external_id?: string } = {}) =>
    management.jobs.usersImports.create({ users: { data, filename: 'users.json', contentType: 'application/json' }, connection_id: conn, ...extra });

  it('imports users: 202 with the job, then progress to completed with the summary; hashes kept as they were', async () => {
    const users = generateUsers(2500, { domain: 'import.test' });
    const created = await importFile(usersFile(users), { external_id: 'batch-1' });
    expect(created).toMatchObject({ status: 'pending', type: 'users_import', connection_id: conn, connection: DB_CONNECTION, external_id: 'batch-1' });
    expect(created.id).toMatch(/^job_[A-Za-z0-9]{16}$/);
    expect(created.created_at).toEqual(expect.any(String));

    const job = await waitForJob(management, created.id);
    expect(job).toMatchObject({ status: 'completed', percentage_done: 100, summary: { inserted: 2500, updated: 0, failed: 0, total: 2500 } });
    await expect(management.jobs.errors.get(created.id)).resolves.toBeUndefined(); // 204

    const found = await server.services.users.findLoginCandidate(DB_CONNECTION, 'user7@import.test');
    expect(found?.user).toMatchObject({ email: 'user7@import.test', given_name: 'Given7', email_verified: false, user_metadata: { theme: 'dark', n: 7 } });
    expect(found?.user.user_id).toMatch(/^auth0\|[0-9a-f]{24}$/);
    expect(found?.passwordHash).toEqual({ kind: 'bcrypt', hash: BCRYPT });
    expect((await verifyPassword(PASSWORD, found!.passwordHash!)).ok).toBe(true);
  });

  it('reports per-user errors in Auth0\'s shape and still imports the valid users', async () => {
    const file = usersFile([
      { email: 'ok1@errors.test' },
      { email: 5 },
      { email: 'mfa@errors.test', mfa_factors: Array.from({ length: 11 }, () => ({ totp: { secret: 'ABCDEFGH' } })) },
      { email: 'hash@errors.test', password_hash: '$2y$10$' + BCRYPT.slice(7) },
      { email: 'ok1@errors.test' },
      { email: 'user3@import.test', user_metadata: { a: 1 } },
      { email: 'meta@errors.test', user_metadata: { 'bad.key': 1 } },
      { email: 'ok2@errors.test', user_id: 'custom-id-1' },
    ]);
    const created = await importFile(file);
    const job = await waitForJob(management, created.id);
    expect(job.summary).toEqual({ inserted: 2, updated: 0, failed: 6, total: 8 });
    const errors = (await management.jobs.errors.get(created.id)) as { user: Record<string, unknown>; errors: { code: string; path: string; message: string }[] }[];
    expect(errors.map((e) => `${e.errors[0].code} ${e.errors[0].path}`)).toEqual([
      'INVALID_TYPE email', 'ARRAY_LENGTH_LONG mfa_factors', 'PATTERN password_hash', 'DUPLICATED_USER email', 'CONFLICT_EMAIL email', 'NOT_PASSED user_metadata',
    ]);
    expect(errors[0]).toEqual({ user: { email: 5 }, errors: [{ code: 'INVALID_TYPE', path: 'email', message: 'Error in email property - Expected type string but found type integer' }] });
    expect(errors[2].user).toEqual({ email: 'hash@errors.test' }); // hashes are not echoed back
    expect((await server.services.users.get('auth0|custom-id-1'))?.email).toBe('ok2@errors.test');
  });

  it('upserts on email, overwriting (not merging) metadata; without upsert the same file conflicts', async () => {
    const before = (await server.services.users.getByEmail('user1@import.test'))[0];
    const file = usersFile([
      { email: 'user1@import.test', user_metadata: { replaced: true }, given_name: 'New', email_verified: true },
      { email: 'fresh@upsert.test' },
    ]);
    const job = await waitForJob(management, (await importFile(file, { upsert: true })).id);
    expect(job.summary).toEqual({ inserted: 1, updated: 1, failed: 0, total: 2 });
    const after = (await server.services.users.getByEmail('user1@import.test'))[0];
    expect(after).toMatchObject({ user_id: before.user_id, given_name: 'New', family_name: 'Family', email_verified: true, user_metadata: { replaced: true }, app_metadata: { plan: 'pro' } });
    expect(after.user_metadata).not.toHaveProperty('theme');

    const again = await waitForJob(management, (await importFile(file)).id);
    expect(again.summary).toEqual({ inserted: 0, updated: 0, failed: 2, total: 2 });
  });

  it('exports NDJSON and CSV through a download link valid for 60 seconds', async () => {
    const created = await management.jobs.usersExports.create({
      format: 'json', fields: [{ name: 'email' }, { name: 'user_metadata.theme', export_as: 'theme' }, { name: 'user_id' }],
    });
    expect(created).toMatchObject({ status: 'pending', type: 'users_export', format: 'json' });
    const job = await waitForJob(management, created.id);
    expect(job.status).toBe('completed');
    expect(job.location).toMatch(new RegExp(`^${server.url}jobs-files/${created.id}/users\\.json\\?expires=\\d+&signature=`));
    const res = await fetch(job.location!);
    expect(res.status).toBe(200);
    // Users' own text: never sniffed into a page (found in the security read).
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(2503);
    expect(lines.find((l) => l.email === 'user2@import.test')).toEqual({ email: 'user2@import.test', theme: 'dark', user_id: expect.stringMatching(/^auth0\|/) });

    const tampered = job.location!.replace(/signature=./, 'signature=A');
    expect((await fetch(tampered)).status).toBe(403);
    const expired = job.location!.replace(/expires=\d+/, 'expires=1000');
    expect((await fetch(expired)).status).toBe(403);

    const csvJob = await waitForJob(management, (await management.jobs.usersExports.create({ format: 'csv', limit: 3, fields: [{ name: 'email', export_as: 'Email' }, { name: 'name' }] })).id);
    const csv = await (await fetch(csvJob.location!)).text();
    expect(csv.split('\n').filter(Boolean)).toHaveLength(4);
    expect(csv.startsWith('"Email","name"\n')).toBe(true);
  });

  it('answers 404 for an unknown job and 400 for a malformed id', async () => {
    await expect(management.jobs.get('job_0123456789abcdef')).rejects.toMatchObject({ statusCode: 404, body: { message: 'Job not found.', errorCode: 'inexistent_job' } });
    await expect(management.jobs.get('nope')).rejects.toMatchObject({ statusCode: 400 });
  });
});
