import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../test/support/databases.ts';
import { ApiError } from '../platform/errors.ts';
import { verifyPassword } from '../platform/passwords/index.ts';
import { openUsersTestDb, TEST_ISSUER, type UsersTestDb } from './testing/users-test-db.ts';

const STRONG = 'Correct-Horse-9';

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe.each(dialects)('UsersStore on %s', (dialect) => {
  let db: UsersTestDb;
  beforeAll(async () => {
    db = await openUsersTestDb(dialect);
  });
  afterAll(async () => db?.close());
  const create = (email: string, extra: Record<string, unknown> = {}) =>
    db.users.create({ connection: 'Username-Password-Authentication', email, password: STRONG, ...extra });

  it('creates a database user with Auth0 defaults and an argon2id password hash', async () => {
    const user = await create('John3.Doe@Example.com');
    expect(user.user_id).toMatch(/^auth0\|[0-9a-f]{24}$/);
    expect(user).toMatchObject({
      email: 'john3.doe@example.com',
      email_verified: false,
      name: 'john3.doe@example.com',
      nickname: 'john3.doe',
      identities: [{ connection: 'Username-Password-Authentication', user_id: user.user_id.slice(6), provider: 'auth0', isSocial: false }],
      user_metadata: {},
      app_metadata: {},
    });
    expect(user.picture).toMatch(/^https:\/\/s\.gravatar\.com\/avatar\/[0-9a-f]{32}\?s=480&r=pg&d=https%3A%2F%2Fportrait\.test%2Favatars%2Fjo\.png$/);
    expect(user).not.toHaveProperty('password');
    expect(user).not.toHaveProperty('password_hash');
    expect(await db.users.get(user.user_id)).toEqual(user);

    const candidate = await db.users.findLoginCandidate('Username-Password-Authentication', 'JOHN3.doe@example.com');
    expect(candidate?.user.user_id).toBe(user.user_id);
    expect(candidate?.passwordHash).toMatchObject({ kind: 'argon2id' });
    expect((await verifyPassword(STRONG, candidate!.passwordHash!)).ok).toBe(true);
  });

  it('keeps an explicit user_id (prefixed) and answers 409 user_exists on a duplicate email', async () => {
    const user = await create('dup@example.com', { user_id: 'abc123' });
    expect(user.user_id).toBe('auth0|abc123');
    const error = await apiError(create('DUP@example.com'));
    expect([error.statusCode, error.errorCode, error.message]).toEqual([409, 'user_exists', 'The user already exists.']);
  });

  it('validates as Auth0 does', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ connection: 'nope', email: 'a@b.co', password: STRONG }, 'bad_request', 'Connection does not exist.'],
      [{ email: 'not-an-email' }, 'invalid_body', "Payload validation error: 'Object didn't pass validation for format email: not-an-email' on property email (The user's email)."],
      [{ email: `${'a'.repeat(65)}@b.co` }, 'invalid_body', "Payload validation error: 'String is too long (65 chars), maximum 64 (local part)' on property email (The user's email)."],
      [{ email: 'x@y.co', password: undefined }, 'invalid_body', "Payload validation error: 'Missing required property: password'."],
      [{ email: 'x@y.co', password: 'short' }, 'invalid_body', 'PasswordStrengthError: Password is too weak'],
      [{ email: 'x@y.co', username: 'johnny' }, 'bad_request', 'Cannot set username for connection without requires_username.'],
      [{ email: 'x@y.co', phone_number: '0612345678' }, 'invalid_body', "Payload validation error: 'String does not match pattern ^\\+[0-9]{1,15}$: 0612345678' on property phone_number (The user's phone number (following the E.164 recommendation))."],
      [{ email: 'x@y.co', name: 'n'.repeat(301) }, 'invalid_body', "Payload validation error: 'String is too long (301 chars), maximum 300' on property name (The user's full name)."],
      [{ email: 'x@y.co', picture: 'javascript:alert(1)' }, 'invalid_body', "Payload validation error: 'Object didn't pass validation for format strict-uri: javascript:alert(1)' on property picture (A URI pointing to the user's picture)."],
      [{ email: 'x@y.co', user_metadata: { 'a.b': 1 } }, 'invalid_body', `Payload validation error: 'Invalid key, field names cannot contain "." or "$": a.b' on property user_metadata (Data related to the user that does not affect the application's core functionality).`],
      [{ email: 'x@y.co', app_metadata: { email: 'x' } }, 'invalid_body', `Payload validation error: 'Invalid key, the key "email" is reserved in app_metadata' on property app_metadata (Data related to the user that does affect the application's core functionality).`],
    ];
    for (const [input, code, message] of cases) {
      const error = await apiError(db.users.create({ connection: 'Username-Password-Authentication', email: 'x@y.co', password: STRONG, ...input } as never));
      expect([error.errorCode, error.message]).toEqual([code, message]);
    }
    const big = await apiError(create('big@example.com', { user_metadata: { blob: 'x'.repeat(11 * 1024) } }));
    expect(big.statusCode).toBe(400);
    expect(big.message).toContain('10240 bytes');
  });

  it('merges metadata at the top level: null deletes, {} empties, nested objects are replaced', async () => {
    const user = await create('meta@example.com', { user_metadata: { a: 1, prefs: { x: 1, y: 2 }, keep: true } });
    let after = await db.users.update(user.user_id, { user_metadata: { b: 'two', prefs: { z: 3 }, a: null } });
    expect(after.user_metadata).toEqual({ keep: true, b: 'two', prefs: { z: 3 } });
    after = await db.users.update(user.user_id, { user_metadata: { nested: { n: null, list: [1, 'x', null] } } });
    expect(after.user_metadata.nested).toEqual({ n: null, list: [1, 'x', null] });
    after = await db.users.update(user.user_id, { app_metadata: { plan: 'gold' } });
    expect(after.app_metadata).toEqual({ plan: 'gold' });
    expect(after.user_metadata.keep).toBe(true);
    after = await db.users.update(user.user_id, { user_metadata: {} });
    expect(after.user_metadata).toEqual({});
    expect(after.app_metadata).toEqual({ plan: 'gold' });
    expect(await db.users.get(user.user_id)).toEqual(after);
  });

  it('stores keys that need quoting in JSON paths exactly', async () => {
    const user = await create('keys@example.com');
    const keys = ['with space', 'quote"d', 'back\\slash', 'ünïcødé', '[0]', "it's", 'tab\there'];
    const after = await db.users.update(user.user_id, { user_metadata: Object.fromEntries(keys.map((k, i) => [k, i])) });
    expect(after.user_metadata).toEqual(Object.fromEntries(keys.map((k, i) => [k, i])));
    const removed = await db.users.update(user.user_id, { user_metadata: Object.fromEntries(keys.map((k) => [k, null])) });
    expect(removed.user_metadata).toEqual({});
  });

  it('keeps all 200 keys of 200 concurrent metadata PATCHes of one user', async () => {
    const user = await create('race@example.com');
    await Promise.all(Array.from({ length: 200 }, (_, i) => db.users.update(user.user_id, { user_metadata: { [`k${i}`]: i } })));
    const after = await db.users.get(user.user_id);
    expect(Object.keys(after!.user_metadata)).toHaveLength(200);
    expect(after!.user_metadata.k199).toBe(199);
  });

  it('refuses a PATCH that would pass the profile size limit, and changes nothing', async () => {
    const user = await create('size@example.com', { user_metadata: { a: 'x'.repeat(6000) } });
    const error = await apiError(db.users.update(user.user_id, { user_metadata: { b: 'y'.repeat(5000) }, name: 'Changed' }));
    expect([error.statusCode, error.errorCode]).toEqual([400, 'invalid_body']);
    expect(error.message).toContain('10240');
    const after = await db.users.get(user.user_id);
    expect(after!.user_metadata).toEqual({ a: 'x'.repeat(6000) });
    expect(after!.name).toBe('size@example.com');
    // Making room in the same PATCH is fine.
    expect((await db.users.update(user.user_id, { user_metadata: { a: null, b: 'y'.repeat(5000) } })).user_metadata).toEqual({ b: 'y'.repeat(5000) });
  });

  it('replaces root attributes, removes them with null, and re-derives the picture', async () => {
    const user = await create('root@example.com', { given_name: 'Ann', picture: 'https://img.example/a.png' });
    expect(user.picture).toBe('https://img.example/a.png');
    let after = await db.users.update(user.user_id, { name: 'Ann Lee', given_name: null, picture: null, blocked: true });
    expect(after).toMatchObject({ name: 'Ann Lee', blocked: true });
    expect(after).not.toHaveProperty('given_name');
    expect(after.picture).toContain('avatars%2Fal.png');
    after = await db.users.update(user.user_id, { email: 'New@Example.com', email_verified: true });
    expect(after).toMatchObject({ email: 'new@example.com', email_verified: true });
    after = await db.users.update(user.user_id, { email: 'newer@example.com' });
    expect(after.email_verified).toBe(false);
    expect(after.updated_at >= user.updated_at).toBe(true);
  });

  it('answers Auth0’s messages for the PATCH combinations it refuses, and 404 for an unknown user', async () => {
    const user = await create('combo@example.com');
    const cases: [Record<string, unknown>, string][] = [
      [{ password: STRONG, email: 'a@b.co' }, 'Cannot update password and email simultaneously.'],
      [{ password: STRONG, email_verified: true }, 'Cannot update password and email_verified simultaneously.'],
      [{ username: 'abc', email: 'a@b.co' }, 'Cannot update username and email simultaneously.'],
      [{ username: 'abc', email_verified: true }, 'Cannot update username and email_verified simultaneously.'],
      [{ username: 'abc', password: STRONG }, 'Cannot update username and password simultaneously.'],
      [{ username: 'abc' }, 'Cannot set username for connection without requires_username.'],
      [{ connection: 'nope' }, 'Connection does not exist.'],
    ];
    for (const [patch, message] of cases) {
      const error = await apiError(db.users.update(user.user_id, patch));
      expect([error.statusCode, error.message]).toEqual([400, message]);
    }
    const missing = await apiError(db.users.update('auth0|nobody', { name: 'x' }));
    expect(missing.toBody()).toEqual({ statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' });
  });

  it('changes the password (argon2id, policy checked) and lets sign-in replace an imported hash', async () => {
    const user = await create('pw@example.com');
    await db.users.update(user.user_id, { password: 'An0ther-Strong' });
    let candidate = await db.users.findLoginCandidate('Username-Password-Authentication', 'pw@example.com');
    expect((await verifyPassword('An0ther-Strong', candidate!.passwordHash!)).ok).toBe(true);
    expect((await apiError(db.users.update(user.user_id, { password: 'weak' }))).message).toBe('PasswordStrengthError: Password is too weak');
    await db.users.setPasswordHash(user.user_id, { kind: 'bcrypt', hash: '$2b$10$abcdefghijklmnopqrstuu' });
    candidate = await db.users.findLoginCandidate('Username-Password-Authentication', 'pw@example.com');
    expect(candidate!.passwordHash).toEqual({ kind: 'bcrypt', hash: '$2b$10$abcdefghijklmnopqrstuu' });
  });

  it('counts concurrent logins in single statements', async () => {
    const user = await create('login@example.com');
    await Promise.all(Array.from({ length: 50 }, () => db.users.recordLogin(user.user_id, { ip: '203.0.113.9' })));
    const after = await db.users.get(user.user_id);
    expect(after).toMatchObject({ logins_count: 50, last_ip: '203.0.113.9' });
    expect(after!.last_login).toBe(after!.updated_at);
  });

  it('finds users by exact email, and deletes them', async () => {
    const user = await create('Find.Me@example.com');
    expect((await db.users.getByEmail('find.me@example.com')).map((u) => u.user_id)).toEqual([user.user_id]);
    expect(await db.users.getByEmail('Find.Me@example.com')).toEqual([]);
    expect(await db.users.delete(user.user_id)).toBe(true);
    expect(await db.users.delete(user.user_id)).toBe(false);
    expect(await db.users.get(user.user_id)).toBeNull();
  });

  it('lets a user-context actor change only user_metadata', async () => {
    const user = await create('self@example.com');
    expect((await db.users.update(user.user_id, { user_metadata: { theme: 'dark' } }, { userContext: true })).user_metadata).toEqual({ theme: 'dark' });
    const error = await apiError(db.users.update(user.user_id, { name: 'x' }, { userContext: true }));
    expect(error.statusCode).toBe(403);
  });

  it('refuses to change the synced root attributes of a federated user whose connection syncs at each login', async () => {
    await db.connections.create({ name: 'google-oauth2', strategy: 'google-oauth2', enabled_clients: ['test-client'] });
    const user = await db.users.createFederated({
      connection: 'google-oauth2', provider: 'google-oauth2', isSocial: true, providerUserId: '1035', email: 'Gina@Gmail.com',
      name: 'Gina G', picture: 'https://lh4.googleusercontent.com/photo.jpg', attributes: { locale: 'fr' },
    });
    expect(user).toMatchObject({ user_id: 'google-oauth2|1035', email: 'Gina@Gmail.com', picture: 'https://lh4.googleusercontent.com/photo.jpg', locale: 'fr' });
    const error = await apiError(db.users.update(user.user_id, { picture: 'https://x.example/p.png', given_name: 'G', family_name: 'H', user_metadata: { a: 1 } }));
    expect(error.toBody()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message:
        "The following user attributes cannot be updated: family_name, given_name, picture. The connection (google-oauth2) must either be a database connection (using the Auth0 store), a passwordless connection (email or sms) or has disabled 'Sync user profile attributes at each login'. For more information, see https://auth0.com/docs/dashboard/guides/connections/configure-connection-sync",
      errorCode: 'operation_not_supported',
    });
    expect((await db.users.get(user.user_id))!.user_metadata).toEqual({});
    expect((await apiError(db.users.update(user.user_id, { email: 'x@y.co' }))).message).toBe('Cannot update email for non-database user.');
    // Metadata and blocked stay editable; with sync on first login only, the root attributes are too.
    expect((await db.users.update(user.user_id, { user_metadata: { a: 1 }, blocked: true })).blocked).toBe(true);
    const connection = await db.connections.getByName('google-oauth2');
    await db.connections.update(connection!.id, { options: { set_user_root_attributes: 'on_first_login' } });
    expect((await db.users.update(user.user_id, { given_name: 'G' })).given_name).toBe('G');
  });

  it('refuses users in connections that cannot hold them, or that are disabled', async () => {
    const social = await apiError(db.users.create({ connection: 'google-oauth2', email: 'a@b.co' }));
    expect(social.message).toBe('Connection does not support user creation through the API. It must either be a database or passwordless connection.');
    await db.connections.create({ name: 'closed-db', strategy: 'auth0' });
    expect((await apiError(db.users.create({ connection: 'closed-db', email: 'a@b.co', password: STRONG }))).message).toBe('Connection is disabled.');
  });

  it('applies the connection’s username rules when it requires usernames', async () => {
    await db.connections.create({
      name: 'with-usernames', strategy: 'auth0', enabled_clients: ['test-client'],
      options: { requires_username: true, validation: { username: { min: 3, max: 8 } }, passwordPolicy: 'low' },
    });
    const input = { connection: 'with-usernames', email: 'u@example.com', password: 'sixsix' };
    expect((await apiError(db.users.create(input))).message).toBe("Payload validation error: 'Missing required property: username'.");
    expect((await apiError(db.users.create({ ...input, username: 'waytoolongname' }))).message).toContain("'String is too long (14 chars), maximum 8' on property username");
    expect((await apiError(db.users.create({ ...input, username: 'a b' }))).message).toContain('String does not match pattern');
    const user = await db.users.create({ ...input, username: 'JoeB' });
    expect(user.username).toBe('joeb');
    expect((await db.users.findLoginCandidate('with-usernames', 'JOEB'))?.user.user_id).toBe(user.user_id);
    expect((await apiError(db.users.create({ ...input, email: 'other@example.com', username: 'joeb' }))).statusCode).toBe(409);
  });

  it('resolves the default picture at read time, so a changed tenant default applies to existing users', async () => {
    const user = await create('pic@example.com');
    const { UsersStore } = await import('./users-store.ts');
    const noGravatar = new UsersStore(db.handle, {
      connections: db.connections, issuer: TEST_ISSUER, maxProfileBytes: 10240,
      resolveDefaultPicture: () => `${TEST_ISSUER}avatars/custom.png`,
    });
    expect((await noGravatar.get(user.user_id))!.picture).toBe(`${TEST_ISSUER}avatars/custom.png`);
  });
});
