// Malformed bodies, queries and paths against /api/v2/users on both dialects: every one answers a 4xx in
// Auth0's error shape, never a 500, and the server keeps answering afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { api, DB_CONNECTION, STRONG_PASSWORD } from './support/users.ts';

type Case = { name: string; method: string; path: string; body?: string; type?: string; status?: number; code?: string; message?: string | RegExp };

const valid = { connection: DB_CONNECTION, email: 'valid@example.com', password: STRONG_PASSWORD };
const withBody = (extra: Record<string, unknown>) => JSON.stringify({ ...valid, ...extra });
const nested = (depth: number) => `{"connection":"${DB_CONNECTION}","email":"n@example.com","password":"${STRONG_PASSWORD}","user_metadata":` +
   '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + '}';
const q = (value: string) => `/users?q=${encodeURIComponent(value)}`;

const CASES: Case[] = [
  { name: 'invalid JSON', method: 'POST', path: '/users', body: '{"connection":', code: 'invalid_body' },
  { name: 'JSON array body', method: 'POST', path: '/users', body: '[]', code: 'invalid_body' },
  { name: 'JSON null body', method: 'POST', path: '/users', body: 'null', code: 'invalid_body' },
  { name: 'JSON string body', method: 'POST', path: '/users', body: '"hello"', code: 'invalid_body' },
  { name: 'empty JSON body', method: 'POST', path: '/users', body: '', code: 'invalid_body' },
  { name: 'unknown property', method: 'POST', path: '/users', body: withBody({ foo: 1 }), message: "Payload validation error: 'Additional properties not allowed: foo'." },
  { name: 'missing connection', method: 'POST', path: '/users', body: '{"email":"a@b.co"}', message: "Payload validation error: 'Missing required property: connection'." },
  { name: 'boolean as string', method: 'POST', path: '/users', body: withBody({ email_verified: 'sure' }), code: 'invalid_body' },
  { name: 'metadata as string', method: 'POST', path: '/users', body: withBody({ user_metadata: 'x' }), message: /Expected type object but found type string' on property user_metadata/ },
  { name: 'metadata as array', method: 'POST', path: '/users', body: withBody({ app_metadata: [1] }), code: 'invalid_body' },
  { name: 'metadata key with $', method: 'POST', path: '/users', body: withBody({ user_metadata: { $where: 1 } }), code: 'invalid_body' },
  { name: 'metadata nested 1000 deep', method: 'POST', path: '/users', body: nested(1000), code: 'invalid_body' },
  { name: 'metadata of 400,000 nested arrays', method: 'POST', path: '/users', body: withBody({}).replace(/}$/, `,"user_metadata":{"a":${'['.repeat(400_000)}${']'.repeat(400_000)}}}`), code: 'invalid_body' },
  // Found by the robustness sweep: bodies this deep overflowed the stack in JSON.stringify (connection options,
  // identities) or in the copy into the Actions sandbox, and answered 500.
  { name: 'connection options nested 10,000 deep', method: 'POST', path: '/connections', body: `{"name":"deep","strategy":"auth0","options":{"validation":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`, message: 'Payload validation error: JSON nested more than 64 levels deep.' },
  { name: 'identity user_id nested 10,000 deep', method: 'POST', path: '/users/auth0%7Cnobody/identities', body: `{"provider":"auth0","user_id":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, code: 'invalid_body' },
  { name: 'metadata nested 50 deep', method: 'POST', path: '/users', body: withBody({ user_metadata: JSON.parse(nested(50)).user_metadata }), code: 'invalid_body' },
  { name: '__proto__ key', method: 'POST', path: '/users', body: '{"connection":"x","__proto__":{"admin":true}}', status: 400 },
  { name: 'email too long', method: 'POST', path: '/users', body: withBody({ email: `${'a'.repeat(60)}@${'b'.repeat(200)}.com` }), code: 'invalid_body' },
  { name: 'bad email', method: 'POST', path: '/users', body: withBody({ email: 'a@@b' }), code: 'invalid_body' },
  { name: 'user_id with whitespace', method: 'POST', path: '/users', body: withBody({ user_id: 'a b' }), code: 'invalid_body' },
  { name: 'unknown connection', method: 'POST', path: '/users', body: withBody({ connection: 'nope' }), message: 'Connection does not exist.' },
  { name: 'body over 1 MB', method: 'POST', path: '/users', body: withBody({ name: 'x'.repeat(1_100_000) }), status: 413 },
  { name: 'text/plain body', method: 'POST', path: '/users', body: 'hello', type: 'text/plain', code: 'invalid_body' },
  { name: 'unknown content type', method: 'POST', path: '/users', body: 'hello', type: 'application/x-unknown', status: 415 },
  { name: 'form body with bad types', method: 'POST', path: '/users', body: 'connection=x&user_metadata=oops', type: 'application/x-www-form-urlencoded', code: 'invalid_body' },
  { name: 'bad percent-encoding in path', method: 'GET', path: '/users/%E0%A4%A', status: 400 },
  { name: 'id of 600 characters', method: 'GET', path: `/users/auth0|${'a'.repeat(594)}`, code: 'invalid_uri' },
  { name: 'id of 2000 characters', method: 'GET', path: `/users/${'a'.repeat(2000)}`, status: 414 },
  { name: 'unknown id', method: 'GET', path: '/users/auth0%7Cnobody', status: 404, code: 'inexistent_user' },
  { name: 'id full of SQL', method: 'GET', path: `/users/${encodeURIComponent("x' OR '1'='1")}`, status: 404 },
  { name: 'bad fields on one user', method: 'GET', path: '/users/auth0%7Cnobody?fields=password', code: 'invalid_query_string' },
  { name: 'unknown query parameter', method: 'GET', path: '/users?foo=bar', code: 'invalid_query_string' },
  { name: 'per_page too big', method: 'GET', path: '/users?per_page=101', message: /Value 101 is greater than maximum 100' on property per_page/ },
  { name: 'per_page not a number', method: 'GET', path: '/users?per_page=abc', code: 'invalid_query_string' },
  { name: 'negative page', method: 'GET', path: '/users?page=-1', code: 'invalid_query_string' },
  { name: 'past the 1000th result', method: 'GET', path: '/users?page=10&per_page=100', code: 'invalid_paging' },
  { name: 'include_totals not a boolean', method: 'GET', path: '/users?include_totals=maybe', code: 'invalid_query_string' },
  { name: 'sort without direction', method: 'GET', path: '/users?sort=name', code: 'invalid_query_string' },
  { name: 'sort by metadata', method: 'GET', path: '/users?sort=user_metadata.plan:1', code: 'invalid_query_string' },
  { name: 'sort with SQL', method: 'GET', path: `/users?sort=${encodeURIComponent('name;DROP TABLE users:1')}`, code: 'invalid_query_string' },
  { name: 'search_engine v4', method: 'GET', path: '/users?search_engine=v4', code: 'invalid_query_string' },
  { name: 'search_engine v1', method: 'GET', path: '/users?search_engine=v1', message: 'You are not allowed to use search_engine=v1.' },
  { name: 'q too long', method: 'GET', path: q('a'.repeat(5000)), code: 'invalid_query_string' },
  { name: 'q with a syntax error', method: 'GET', path: q('name:"unterminated'), code: 'invalid_query_string' },
  { name: 'q with field groups', method: 'GET', path: q('name:(a OR b)'), code: 'invalid_query_string' },
  { name: 'q with a regex', method: 'GET', path: q('name:/.*/'), code: 'invalid_query_string' },
  { name: 'q with a bad range', method: 'GET', path: q('logins_count:[a TO b]'), code: 'invalid_query_string' },
  { name: 'q with a bad date', method: 'GET', path: q('created_at:[2025-13-45 TO *]'), code: 'invalid_query_string' },
  { name: 'q with a short leading wildcard', method: 'GET', path: q('email:*om'), code: 'invalid_query_string' },
  { name: 'q with 2000 parentheses', method: 'GET', path: q(`${'('.repeat(1000)}a${')'.repeat(1000)}`), status: 200 },
  { name: 'q with too many terms', method: 'GET', path: q(Array.from({ length: 100 }, (_, i) => `t${i}`).join(' OR ')), code: 'invalid_query_string' },
  { name: 'q with control characters', method: 'GET', path: q('user_metadata.a\u0000b:1'), code: 'invalid_query_string' },
  { name: 'users-by-email without email', method: 'GET', path: '/users-by-email', message: "Query validation error: 'Missing required property: email'." },
  { name: 'PATCH unknown user', method: 'PATCH', path: '/users/auth0%7Cnobody', body: '{"name":"x"}', code: 'inexistent_user' },
  { name: 'PATCH with an object for name', method: 'PATCH', path: '/users/auth0%7Cnobody', body: '{"name":{}}', message: /Expected type string,null but found type object' on property name/ },
  { name: 'PATCH with unknown property', method: 'PATCH', path: '/users/auth0%7Cnobody', body: '{"logins_count":5}', code: 'invalid_body' },
  { name: 'PATCH with a JSON array', method: 'PATCH', path: '/users/auth0%7Cnobody', body: '[{"name":"x"}]', code: 'invalid_body' },
  { name: 'PATCH password and email', method: 'PATCH', path: '/users/auth0%7Cnobody', body: `{"password":"${STRONG_PASSWORD}","email":"a@b.co"}`, message: 'Cannot update password and email simultaneously.' },
  { name: 'DELETE without id', method: 'DELETE', path: '/users/', code: 'invalid_uri' },
];

describe.each(dialects)('malformed requests on %s', (dialect) => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    token = await server.managementToken();
  });
  afterAll(async () => server?.close());

  it.each(CASES)('$name → 4xx in Auth0’s shape', async (c) => {
    const answer = await api(server, token, c.method, c.path, c.body, c.type);
    if (c.status === 200) {
      expect(answer.status).toBe(200);
      return;
    }
    expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    if (c.status) expect(answer.status).toBe(c.status);
    const body = answer.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['error', 'errorCode', 'message', 'statusCode']);
    expect(body.statusCode).toBe(answer.status);
    if (c.code) expect(body.errorCode).toBe(c.code);
    if (typeof c.message === 'string') expect(body.message).toBe(c.message);
    else if (c.message) expect(body.message).toMatch(c.message);
  });

  it('still answers and still holds its users afterwards', async () => {
    const created = await api(server, token, 'POST', '/users', JSON.stringify(valid));
    expect(created.status).toBe(201);
    const list = await api(server, token, 'GET', '/users?include_totals=true');
    expect(list.status).toBe(200);
    // The one user created here, beside the dashboard's first administrator (a Portrait-Admins user).
    expect((list.body as { total: number }).total).toBe(2);
  });
});
