// /api/v2/users through the official auth0 SDK v7 over TLS, on SQLite and PostgreSQL: create, read, list and
// search, metadata merge, delete, Auth0's error bodies, and scopes (client tokens and user-context tokens).
import { ManagementError, type ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { adminClient, api, clientWithScopes, DB_CONNECTION, STRONG_PASSWORD, userToken } from './support/users.ts';

async function sdkError(promise: Promise<unknown>): Promise<{ statusCode: number; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ManagementError) return { statusCode: error.statusCode!, body: error.body };
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe.each(dialects)('users API on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    management = adminClient(server);
  });
  afterAll(async () => server?.close());

  const create = (email: string, extra: Record<string, unknown> = {}) =>
    management.users.create({ connection: DB_CONNECTION, email, password: STRONG_PASSWORD, ...extra });

  it('creates a user (201) and reads it back, with fields selection', async () => {
    const created = await create('Alice.Smith@Example.com', { given_name: 'Alice', family_name: 'Smith', name: 'Alice Smith', user_metadata: { plan: 'free' } });
    expect(created).toMatchObject({
      email: 'alice.smith@example.com', email_verified: false, name: 'Alice Smith', nickname: 'alice.smith',
      identities: [{ connection: DB_CONNECTION, provider: 'auth0', isSocial: false }], user_metadata: { plan: 'free' }, app_metadata: {},
    });
    expect(created.picture).toContain('https://s.gravatar.com/avatar/');
    expect(created).not.toHaveProperty('password');
    const read = await management.users.get(created.user_id!);
    expect(read).toEqual(created);
    const some = await management.users.get(created.user_id!, { fields: 'email,user_id', include_fields: true });
    expect(some).toEqual({ email: 'alice.smith@example.com', user_id: created.user_id });
    const rest = await management.users.get(created.user_id!, { fields: 'identities,app_metadata,user_metadata', include_fields: false });
    expect(rest).not.toHaveProperty('identities');
    expect(rest).toHaveProperty('email');
    const raw = await api(server, await server.managementToken(['create:users']), 'POST', '/users', JSON.stringify({ connection: DB_CONNECTION, email: 'raw@example.com', password: STRONG_PASSWORD }));
    expect(raw.status).toBe(201);
  });

  it('merges metadata through PATCH: keys merge, null deletes, {} empties', async () => {
    const user = await create('meta@example.com', { user_metadata: { a: 1, prefs: { x: 1 } }, app_metadata: { plan: 'gold' } });
    let updated = await management.users.update(user.user_id!, { user_metadata: { b: 2, prefs: { y: 2 }, a: null } as never });
    expect(updated.user_metadata).toEqual({ b: 2, prefs: { y: 2 } });
    updated = await management.users.update(user.user_id!, { app_metadata: {} });
    expect(updated.app_metadata).toEqual({});
    expect(updated.user_metadata).toEqual({ b: 2, prefs: { y: 2 } });
    updated = await management.users.update(user.user_id!, { name: 'Meta Person', blocked: true });
    expect(updated).toMatchObject({ name: 'Meta Person', blocked: true });
  });

  it('keeps every key of 200 concurrent PATCHes of one user', async () => {
    const user = await create('race@example.com');
    const token = await server.managementToken(['update:users', 'read:users']);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => api(server, token, 'PATCH', `/users/${encodeURIComponent(user.user_id!)}`, JSON.stringify({ user_metadata: { [`k${i}`]: i } }))),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const after = await management.users.get(user.user_id!);
    expect(Object.keys(after.user_metadata!)).toHaveLength(200);
  });

  it('lists with the include_totals envelope the SDK expects, pages, sorts and searches', async () => {
    for (const [email, name, logins] of [['zed@search.test', 'Zed Alpha', 0], ['amy@search.test', 'Amy Beta', 0], ['bob@other.test', 'Bob Gamma', 0]] as const) {
      const u = await create(email, { name, app_metadata: { team: email.startsWith('b') ? 'blue' : 'red' } });
      void logins;
      void u;
    }
    const page = await management.users.list({ q: 'email.domain:"search.test"', search_engine: 'v3', sort: 'email:1' });
    expect(page.data.map((u) => u.email)).toEqual(['amy@search.test', 'zed@search.test']);
    expect(page.response).toMatchObject({ start: 0, limit: 50, length: 2, total: 2 });
    const byName = await management.users.list({ q: 'name:"amy beta"' });
    expect(byName.data.map((u) => u.email)).toEqual(['amy@search.test']);
    const meta = await management.users.list({ q: 'app_metadata.team:blue' });
    expect(meta.data.map((u) => u.email)).toEqual(['bob@other.test']);
    const wildcard = await management.users.list({ q: 'name:amy* OR name:bob*', sort: 'name:-1' });
    expect(wildcard.data.map((u) => u.name)).toEqual(['Bob Gamma', 'Amy Beta']);
    const paged = await management.users.list({ per_page: 1, page: 1, sort: 'email:1', q: 'email.domain:"search.test"' });
    expect(paged.data.map((u) => u.email)).toEqual(['zed@search.test']);
    const plain = await api(server, await server.managementToken(['read:users']), 'GET', '/users?q=email:%22amy@search.test%22&fields=email');
    expect(plain).toEqual({ status: 200, body: [{ email: 'amy@search.test' }] });
    const byEmail = await management.users.listUsersByEmail({ email: 'amy@search.test' });
    expect(byEmail.map((u) => u.name)).toEqual(['Amy Beta']);
    expect(await management.users.listUsersByEmail({ email: 'AMY@search.test' })).toEqual([]);
  });

  it('answers Auth0’s 1000-result, search-engine and 404 errors', async () => {
    expect(await sdkError(management.users.list({ page: 20, per_page: 50 }))).toEqual({
      statusCode: 400,
      body: { statusCode: 400, error: 'Bad Request', message: 'You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation.', errorCode: 'invalid_paging' },
    });
    expect((await sdkError(management.users.list({ search_engine: 'v1' }))).body).toMatchObject({ message: 'You are not allowed to use search_engine=v1.' });
    expect((await sdkError(management.users.list({ search_engine: 'v2' }))).body).toMatchObject({ message: 'You are not allowed to use search_engine=v2. Use search_engine=v3 instead.' });
    expect(await sdkError(management.users.get('auth0|000000000000000000000000'))).toEqual({
      statusCode: 404, body: { statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' },
    });
    expect((await sdkError(management.users.create({ connection: DB_CONNECTION, email: 'meta@example.com', password: STRONG_PASSWORD }))).body).toEqual({
      statusCode: 409, error: 'Conflict', message: 'The user already exists.', errorCode: 'user_exists',
    });
    const extra = await sdkError(management.users.create({ connection: DB_CONNECTION, email: 'x@example.com', password: STRONG_PASSWORD, foo: 1 } as never));
    expect(extra.body).toEqual({ statusCode: 400, error: 'Bad Request', message: "Payload validation error: 'Additional properties not allowed: foo'.", errorCode: 'invalid_body' });
    const type = await api(server, await server.managementToken(), 'POST', '/users', JSON.stringify({ connection: DB_CONNECTION, email: 'x@example.com', password: STRONG_PASSWORD, blocked: 'yes' }));
    expect(type.body).toMatchObject({ message: "Payload validation error: 'Expected type boolean but found type string' on property blocked (Whether this user was blocked by an administrator (true) or not (false))." });
  });

  it('deletes a user (204), idempotently', async () => {
    const user = await create('gone@example.com');
    await management.users.delete(user.user_id!);
    expect((await sdkError(management.users.get(user.user_id!))).statusCode).toBe(404);
    const again = await api(server, await server.managementToken(['delete:users']), 'DELETE', `/users/${encodeURIComponent(user.user_id!)}`);
    expect(again.status).toBe(204);
  });

  it('checks scopes: 403 without update:users; update:users_app_metadata changes app_metadata only', async () => {
    const user = await create('scoped@example.com');
    const reader = await clientWithScopes(server, ['read:users']);
    const denied = await sdkError(reader.users.update(user.user_id!, { name: 'x' }));
    expect(denied.statusCode).toBe(403);
    expect(denied.body).toMatchObject({ errorCode: 'insufficient_scope', message: expect.stringMatching(/^Insufficient scope, expected any of: update:users,/) });
    const appOnly = await clientWithScopes(server, ['update:users_app_metadata']);
    expect((await appOnly.users.update(user.user_id!, { app_metadata: { role: 'admin' } })).app_metadata).toEqual({ role: 'admin' });
    expect((await sdkError(appOnly.users.update(user.user_id!, { name: 'x' }))).body).toMatchObject({ statusCode: 403, message: 'Insufficient scope, expected any of: update:users' });
    expect((await sdkError(reader.users.delete(user.user_id!))).statusCode).toBe(403);
  });

  it('lets a user-context token read and change only its own user_metadata', async () => {
    const self = await create('self@example.com', { app_metadata: { role: 'user' } });
    const other = await create('other@example.com');
    const token = await userToken(server, self.user_id!);
    const path = (u: { user_id?: string }) => `/users/${encodeURIComponent(u.user_id!)}`;
    expect((await api(server, token, 'GET', path(self))).status).toBe(200);
    const patched = await api(server, token, 'PATCH', path(self), JSON.stringify({ user_metadata: { theme: 'dark' } }));
    expect(patched.status).toBe(200);
    expect((patched.body as { user_metadata: unknown }).user_metadata).toEqual({ theme: 'dark' });
    expect((await api(server, token, 'GET', path(other))).status).toBe(403);
    expect((await api(server, token, 'PATCH', path(other), JSON.stringify({ user_metadata: { x: 1 } }))).status).toBe(403);
    const appMeta = await api(server, token, 'PATCH', path(self), JSON.stringify({ app_metadata: { role: 'admin' } }));
    expect(appMeta.status).toBe(403);
    expect((await api(server, token, 'PATCH', path(self), JSON.stringify({ name: 'Mallory' }))).status).toBe(403);
    expect((await api(server, token, 'GET', '/users')).status).toBe(403);
    expect((await api(server, token, 'DELETE', path(self))).status).toBe(403);
    expect((await management.users.get(self.user_id!)).app_metadata).toEqual({ role: 'user' });
    // create-only: new keys yes, changing an existing key no.
    const createOnly = await userToken(server, self.user_id!, 'create:current_user_metadata');
    expect((await api(server, createOnly, 'PATCH', path(self), JSON.stringify({ user_metadata: { lang: 'fr' } }))).status).toBe(200);
    expect((await api(server, createOnly, 'PATCH', path(self), JSON.stringify({ user_metadata: { theme: 'light' } }))).status).toBe(403);
  });
});
