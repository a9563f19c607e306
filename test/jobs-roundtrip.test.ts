// Export from one Portrait server, import into another, through the official SDK: the users arrive with their
// profiles and their old password hashes (an imported bcrypt hash and a native argon2id one), which still
// verify the same passwords. Then a generated file of 100,000 users imports with the right summary.
import type { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../src/platform/passwords/index.ts';
import { dialects } from './support/databases.ts';
import { BCRYPT, connectionId, DB_CONNECTION, generateUsers, PASSWORD, usersFile, waitForJob } from './support/jobs.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { adminClient } from './support/users.ts';
import { PASSWORD_REALM_GRANT } from '../src/login/client-metadata.ts';
import { createApp } from './login-support.ts';

const NATIVE_PASSWORD = 'Native-Passw0rd!';

describe.each(dialects)('export from one server, import into another, on %s', (dialect) => {
  let source: TestServer;
  let target: TestServer;
  let from: ManagementClient;
  let to: ManagementClient;
  beforeAll(async () => {
    [source, target] = await Promise.all([
      startTestServer({ dialect, tls: true, env: { PORTRAIT_EXPORT_PASSWORD_HASHES: 'true' } }),
      startTestServer({ dialect, tls: true }),
    ]);
    from = adminClient(source);
    to = adminClient(target);
  });
  afterAll(async () => Promise.all([source?.close(), target?.close()]));

  it('carries profiles and password hashes across', async () => {
    const imported = await waitForJob(from, (await from.jobs.usersImports.create({
      users: { data: usersFile(generateUsers(300, { domain: 'move.test' })), filename: 'u.json' }, connection_id: await connectionId(from),
    })).id);
    expect(imported.summary?.inserted).toBe(300);
    const native = await from.users.create({ connection: DB_CONNECTION, email: 'native@move.test', password: NATIVE_PASSWORD, user_metadata: { lang: 'fr' } });

    const exported = await waitForJob(from, (await from.jobs.usersExports.create({
      format: 'json',
      fields: ['user_id', 'email', 'email_verified', 'given_name', 'family_name', 'user_metadata', 'app_metadata', 'password_hash', 'custom_password_hash'].map((name) => ({ name })),
    })).id);
    expect(exported.status).toBe('completed');
    const file = Buffer.from(await (await fetch(exported.location!)).arrayBuffer());
    // 300 imported, 1 native, and the dashboard's first administrator (an export covers every connection).
    expect(file.toString().split('\n').filter(Boolean)).toHaveLength(302);

    const moved = await waitForJob(to, (await to.jobs.usersImports.create({
      users: { data: file, filename: 'portrait-export.json' }, connection_id: await connectionId(to),
    })).id);
    expect(moved.summary).toEqual({ inserted: 302, updated: 0, failed: 0, total: 302 });

    // Same ids (the auth0| prefix is added back), same profile, same hashes, same passwords.
    const bcryptUser = await target.services.users.findLoginCandidate(DB_CONNECTION, 'user42@move.test');
    const original = (await source.services.users.getByEmail('user42@move.test'))[0];
    expect(bcryptUser?.user).toMatchObject({ user_id: original.user_id, given_name: 'Given42', email_verified: true, user_metadata: { theme: 'dark', n: 42 }, app_metadata: { plan: 'pro' } });
    expect(bcryptUser?.passwordHash).toEqual({ kind: 'bcrypt', hash: BCRYPT });
    expect((await verifyPassword(PASSWORD, bcryptUser!.passwordHash!)).ok).toBe(true);

    const nativeUser = await target.services.users.findLoginCandidate(DB_CONNECTION, 'native@move.test');
    const sourceHash = (await source.services.users.findLoginCandidate(DB_CONNECTION, 'native@move.test'))!.passwordHash;
    expect(sourceHash?.kind).toBe('argon2id');
    expect(nativeUser?.user).toMatchObject({ user_id: native.user_id, user_metadata: { lang: 'fr' } });
    expect(nativeUser?.passwordHash).toEqual({ kind: 'auth0-custom', spec: { algorithm: 'argon2', hash: { value: (sourceHash as { phc: string }).phc, encoding: 'utf8' } } });
    expect(await verifyPassword(NATIVE_PASSWORD, nativeUser!.passwordHash!)).toEqual({ ok: true, needsRehash: true });
    expect((await verifyPassword('wrong', nativeUser!.passwordHash!)).ok).toBe(false);

    // And a real sign-in on the target (password-realm grant): both old passwords work, and the first success
    // replaces the imported hash with a native argon2id one.
    const app = await createApp(target, { grant_types: ['authorization_code', PASSWORD_REALM_GRANT] });
    const login = (username: string, password: string) => fetch(`${target.url}oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: PASSWORD_REALM_GRANT, realm: DB_CONNECTION, username, password, scope: 'openid', client_id: app.clientId, client_secret: app.clientSecret! }),
    });
    expect((await login('user42@move.test', 'not-it')).status).toBe(403);
    expect((await login('user42@move.test', PASSWORD)).status).toBe(200);
    expect((await login('native@move.test', NATIVE_PASSWORD)).status).toBe(200);
    for (const email of ['user42@move.test', 'native@move.test']) {
      expect((await target.services.users.findLoginCandidate(DB_CONNECTION, email))?.passwordHash?.kind).toBe('argon2id');
    }
    expect((await login('user42@move.test', PASSWORD)).status).toBe(200);
  });

  it('imports a generated file of 100,000 users with the right summary', { timeout: 120_000 }, async () => {
    const started = Date.now();
    const created = await to.jobs.usersImports.create({
      users: { data: usersFile(generateUsers(100_000, { domain: 'bulk.test' })), filename: 'u.json' }, connection_id: await connectionId(to), upsert: true,
    });
    const job = await waitForJob(to, created.id, 90_000);
    expect(job).toMatchObject({ status: 'completed', percentage_done: 100, summary: { inserted: 100_000, updated: 0, failed: 0, total: 100_000 } });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await target.services.jobs.deps.usersBulk.count({ connection: DB_CONNECTION })).toBe(100_302);
  });
});
