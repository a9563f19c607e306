// Broken input to the jobs API: a file that cannot be read as users is refused at upload with a clear 4xx
// (and no job, no users), an oversized one with a 413 in Auth0's wording, bad parts and values with Auth0's
// messages; bad users are per-user errors. The server keeps serving throughout.
import type { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { connectionId, generateUsers, rawImport, usersFile, waitForJob } from './support/jobs.ts';
import { adminClient, api } from './support/users.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const MAX = 200_000;

describe.each(dialects)('jobs API refusals on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  let token: string;
  let conn: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true, env: { PORTRAIT_MAX_IMPORT_BYTES: String(MAX) } });
    management = adminClient(server);
    token = await server.managementToken();
    conn = await connectionId(management);
  });
  afterAll(async () => server?.close());

  const upload = (text: string | Buffer, extra: Record<string, string> = {}) =>
    rawImport(server, token, { users: { data: Buffer.isBuffer(text) ? text : Buffer.from(text) }, connection_id: conn, ...extra });
  const users = () => server.services.jobs.deps.usersBulk.count();

  it('refuses files that are not users files, with the reason, creating nothing', async () => {
    const before = await users();
    const cases: [string, RegExp][] = [
      ['[{"email":"a@trunc.test"},{"email":"b@trunc.te', /ends before the users array is closed \(1 complete users read/],
      ['[{"email":"a@x.test"} {"email":"b@x.test"}]', /not valid JSON/],
      ['{"email":"a@x.test"}\n{"email": oops}\n', /not valid JSON: line 2/],
      ['"just a string"', /JSON array of users/],
      ['   \n ', /Users file must not be empty/],
      ['[]', /Users file must not be empty/],
    ];
    for (const [text, message] of cases) {
      const res = await upload(text);
      expect(res.status, text).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
      expect(String(res.body!.message)).toMatch(message);
    }
    expect(await users()).toBe(before);
    expect((await fetch(`${server.url}healthz`)).status).toBe(200);
  });

  it('answers 413 in Auth0\'s wording for a file over the configured maximum', async () => {
    const big = usersFile(generateUsers(1500, { domain: 'big.test' }));
    expect(big.length).toBeGreaterThan(MAX);
    const res = await upload(big);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: `Payload content length greater than maximum allowed: ${MAX}.`, errorCode: 'payload_too_large' });
    // Through the SDK as well (it sends a Content-Length, refused before the body is read).
    await expect(management.jobs.usersImports.create({ users: { data: big, filename: 'u.json' }, connection_id: conn }))
      .rejects.toMatchObject({ statusCode: 413 });
    // The 1 MB limit of the rest of the API is unchanged.
    const huge = await api(server, token, 'POST', '/users', JSON.stringify({ connection: 'x', user_metadata: { a: 'x'.repeat(1_100_000) } }));
    expect(huge.status).toBe(413);
    expect((await fetch(`${server.url}healthz`)).status).toBe(200);
  });

  it('names a missing or malformed part with Auth0\'s messages', async () => {
    const expectBad = async (res: Awaited<ReturnType<typeof rawImport>>, status: number, message: string) => {
      expect(res.status).toBe(status);
      expect(res.body?.message).toBe(message);
    };
    await expectBad(await rawImport(server, token, { connection_id: conn }), 400, "Must provide 'users' file as multipart part.");
    await expectBad(await rawImport(server, token, { users: { data: Buffer.from('[{"email":"a@b.co"}]') } }), 400, "Must provide 'connection_id' as multipart part.");
    await expectBad(await rawImport(server, token, { users: { data: Buffer.alloc(0) }, connection_id: conn }), 400, 'Users file must not be empty.');
    await expectBad(await upload('[{"email":"a@b.co"}]', { connection_id: 'con_nope' }), 400,
      "Payload validation error: 'String does not match pattern ^con_[A-Za-z0-9]{16}$' on property connection_id.");
    await expectBad(await upload('[{"email":"a@b.co"}]', { connection_id: 'con_0000000000000000' }), 400, 'The connection does not exist.');
    await expectBad(await upload('[{"email":"a@b.co"}]', { upsert: 'yes' }), 400, "Payload validation error: 'Expected type boolean but found type string' on property upsert.");
    await expectBad(await upload('[{"email":"a@b.co"}]', { colour: 'red' }), 400, "Payload validation error: 'Additional properties not allowed: colour'.");
    const json = await api(server, token, 'POST', '/jobs/users-imports', '{"users":[]}');
    expect(json.status).toBe(400);
    const reader = await server.managementToken(['read:users']);
    const forbidden = await rawImport(server, reader, { users: { data: Buffer.from('[{"email":"a@b.co"}]') }, connection_id: conn });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body?.message).toBe('Insufficient scope, expected any of: create:users');
  });

  it('turns bad users into per-user errors, in file order, and imports the rest', async () => {
    const bcrypt = generateUsers(1)[0].password_hash as string;
    const res = await upload(JSON.stringify([
      { email: 'fine@per-user.test' },
      { email: 'type@per-user.test', blocked: 'no' },
      { email: 'mfa@per-user.test', mfa_factors: Array.from({ length: 11 }, (_, i) => ({ phone: { value: `+1555000${i}` } })) },
      { email: 'prefix@per-user.test', password_hash: `$1$${bcrypt.slice(3)}` },
      { email: 'both@per-user.test', password_hash: bcrypt, custom_password_hash: { algorithm: 'md5', hash: { value: 'x', encoding: 'hex' } } },
      { email: 'extra@per-user.test', favourite: 'blue' },
      { email: 'reserved@per-user.test', app_metadata: { email: 'x' } },
    ]));
    expect(res.status).toBe(202);
    const job = await waitForJob(management, String(res.body!.id));
    expect(job.summary).toEqual({ inserted: 1, updated: 0, failed: 6, total: 7 });
    const errors = (await management.jobs.errors.get(job.id)) as { user: { email: string }; errors: { code: string; path: string }[] }[];
    expect(errors.map((e) => [e.user.email, e.errors.map((x) => `${x.code} ${x.path}`)])).toEqual([
      ['type@per-user.test', ['INVALID_TYPE blocked']],
      ['mfa@per-user.test', ['ARRAY_LENGTH_LONG mfa_factors']],
      ['prefix@per-user.test', ['PATTERN password_hash']],
      ['both@per-user.test', expect.arrayContaining(['NOT_PASSED custom_password_hash'])],
      ['extra@per-user.test', ['OBJECT_ADDITIONAL_PROPERTIES favourite']],
      ['reserved@per-user.test', ['NOT_PASSED app_metadata.email']],
    ]);
  });

  it('refuses bad export requests with 400s', async () => {
    const bad = async (body: unknown, message: RegExp) => {
      const res = await api(server, token, 'POST', '/jobs/users-exports', JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(String((res.body as { message: string }).message)).toMatch(message);
    };
    await bad({ format: 'xml' }, /format/);
    await bad({ format: 'csv', fields: [{ name: 'user_metadata' }] }, /whole user_metadata object cannot be exported/);
    await bad({ format: 'csv', fields: Array.from({ length: 31 }, (_, i) => ({ name: `user_metadata.f${i}` })) }, /at most 30 fields/);
    await bad({ format: 'json', fields: [{ name: 'password_hash' }] }, /PORTRAIT_EXPORT_PASSWORD_HASHES/);
    await bad({ format: 'json', limit: 0 }, /limit/);
    await bad({ format: 'json', extra: 1 }, /Additional properties not allowed: extra/);
    await bad({ connection_id: 'con_0000000000000000' }, /The connection does not exist/);
  });
});
