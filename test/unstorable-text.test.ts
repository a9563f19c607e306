// NUL characters and unpaired surrogates, wherever a client can put them: every one answers a 400 (in the shape
// of the API it reached), never a 500, on both dialects, and nothing is written. Before the text guard these
// answered 500 on PostgreSQL (`invalid byte sequence for encoding "UTF8": 0x00`, jsonb's "unsupported Unicode
// escape sequence") and were stored on SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_REALM_GRANT } from '../src/login/client-metadata.ts';
import { dialects } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { api, DB_CONNECTION, STRONG_PASSWORD } from './support/users.ts';
import { Browser, CALLBACK, createApp, hiddenInputs } from './login-support.ts';

const isAuth0Error = (status: number, body: unknown) => {
  const b = body as Record<string, unknown>;
  expect(Object.keys(b).sort()).toEqual(['error', 'errorCode', 'message', 'statusCode']);
  expect(b.statusCode).toBe(status);
};

describe.each(dialects)('text that cannot be stored, on %s', (dialect) => {
  let server: TestServer;
  let token: string;
  let userId: string;
  let app: Awaited<ReturnType<typeof createApp>>;
  const userCount = async () => ((await api(server, token, 'GET', '/users?include_totals=true&per_page=1')).body as { total: number }).total;

  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    token = await server.managementToken();
    const created = await api(server, token, 'POST', '/users', JSON.stringify({ connection: DB_CONNECTION, email: 'kept@example.com', password: STRONG_PASSWORD, name: 'Kept' }));
    userId = (created.body as { user_id: string }).user_id;
    app = await createApp(server, { grant_types: ['authorization_code', PASSWORD_REALM_GRANT] });
  });
  afterAll(async () => server?.close());

  const managementCases: Array<[string, string, string, unknown?, string?]> = [
    ['q naming a NUL', 'GET', `/users?q=${encodeURIComponent('email:"\u0000"')}`, undefined, 'invalid_query_string'],
    // (A URL cannot carry a lone surrogate: UTF-8 has no encoding for one.)
    ['q naming a NUL in metadata', 'GET', `/users?q=${encodeURIComponent('user_metadata.a:"x\u0000"')}`, undefined, 'invalid_query_string'],
    ['an id ending in %00', 'GET', '/users/auth0%7Ca%00', undefined, 'invalid_uri'],
    ['users-by-email with %00', 'GET', '/users-by-email?email=a%00b@x.com', undefined, 'invalid_query_string'],
    ['PATCH name with a NUL', 'PATCH', '{id}', { name: 'a\u0000b' }, 'invalid_body'],
    ['PATCH user_metadata with a NUL', 'PATCH', '{id}', { user_metadata: { a: 'a\u0000b' } }, 'invalid_body'],
    ['PATCH user_metadata with a NUL in a key', 'PATCH', '{id}', { user_metadata: { 'a\u0000': 1 } }, 'invalid_body'],
    ['PATCH user_metadata with a lone surrogate', 'PATCH', '{id}', { user_metadata: { a: ['\ud800'] } }, 'invalid_body'],
    ['PATCH app_metadata with a lone low surrogate', 'PATCH', '{id}', { app_metadata: { a: '\udc00x' } }, 'invalid_body'],
    ['POST a user whose name has a NUL', 'POST', '/users', { connection: DB_CONNECTION, email: 'nul@example.com', password: STRONG_PASSWORD, name: 'a\u0000' }, 'invalid_body'],
    ['POST a connection named with a lone surrogate', 'POST', '/connections', { name: 'x\ud800', strategy: 'auth0' }, 'invalid_body'],
  ];

  it.each(managementCases)('%s → 400 in Auth0’s shape, nothing written', async (_name, method, path, body, code) => {
    const before = await userCount();
    const answer = await api(server, token, method, path.replace('{id}', `/users/${encodeURIComponent(userId)}`), body === undefined ? undefined : JSON.stringify(body));
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    isAuth0Error(400, answer.body);
    expect((answer.body as { errorCode: string }).errorCode).toBe(code);
    expect(await userCount()).toBe(before);
    const user = (await api(server, token, 'GET', `/users/${encodeURIComponent(userId)}`)).body as Record<string, unknown>;
    expect(user.name).toBe('Kept');
    expect(user.user_metadata ?? {}).toEqual({});
  });

  it('the hosted login page refuses such a username with a 400, not a 500', async () => {
    const browser = new Browser();
    const authorize = `${server.url}authorize?${new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', state: 's', nonce: 'n' })}`;
    const page = await browser.follow(authorize, server.url);
    expect(page.res.status).toBe(200);
    const form = new URLSearchParams({ ...hiddenInputs(await page.res.text()), username: 'kept\u0000@example.com', password: STRONG_PASSWORD });
    const res = await browser.fetch(`${server.url}u/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect(res.status).toBe(400);
  });

  it('the password-realm grant refuses such a username with invalid_request', async () => {
    // (A form body cannot carry a lone surrogate: URL encoding is UTF-8, which turns it into U+FFFD.)
    for (const username of ['kept\u0000@example.com', '\u0000']) {
      const res = await fetch(`${server.url}oauth/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: PASSWORD_REALM_GRANT, realm: DB_CONNECTION, username, password: STRONG_PASSWORD, client_id: app.clientId, client_secret: app.clientSecret! }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('the token endpoint answers a client_id with a NUL with a 4xx (the database check stops it)', async () => {
    const res = await fetch(`${server.url}oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'a\u0000b', client_secret: 'x' }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('/dbconnections/signup refuses such an email in its own error shape, and creates nobody', async () => {
    const before = await userCount();
    const res = await fetch(`${server.url}dbconnections/signup`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: app.clientId, connection: DB_CONNECTION, email: 'new\u0000@example.com', password: STRONG_PASSWORD }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ name: 'BadRequestError', code: 'invalid_signup', statusCode: 400 });
    expect(await userCount()).toBe(before);
  });
});
