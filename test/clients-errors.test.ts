// Bad input to /api/v2/clients and /api/v2/client-grants: every malformed body, id and query answers a 4xx in
// Auth0's error shape (never a 500), and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

type Case = [label: string, method: string, path: string, body: unknown, status: number, errorCode: string, message?: RegExp];

const elevenKeys = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));

const CASES: Case[] = [
  ['no body fields', 'POST', 'clients', {}, 400, 'invalid_body', /name/],
  ['unknown property', 'POST', 'clients', { name: 'x', client_id: 'mine' }, 400, 'invalid_body', /Additional properties not allowed: client_id/],
  ['empty name', 'POST', 'clients', { name: '' }, 400, 'invalid_body'],
  ['markup in name', 'POST', 'clients', { name: '<script>' }, 400, 'invalid_body'],
  ['description over 140', 'POST', 'clients', { name: 'x', description: 'd'.repeat(141) }, 400, 'invalid_body'],
  ['unknown app_type', 'POST', 'clients', { name: 'x', app_type: 'box' }, 400, 'invalid_body'],
  ['unknown auth method', 'POST', 'clients', { name: 'x', token_endpoint_auth_method: 'private_key_jwt' }, 400, 'invalid_body'],
  ['relative callback', 'POST', 'clients', { name: 'x', callbacks: ['/cb'] }, 400, 'invalid_body', /callbacks\.0/],
  ['javascript callback', 'POST', 'clients', { name: 'x', callbacks: ['javascript:alert(1)'] }, 400, 'invalid_body'],
  ['callback with fragment', 'POST', 'clients', { name: 'x', callbacks: ['https://a.example.com/#x'] }, 400, 'invalid_body'],
  ['top-level wildcard', 'POST', 'clients', { name: 'x', allowed_logout_urls: ['https://*.com/'] }, 400, 'invalid_body', /allowed_logout_urls\.0/],
  ['web origin with path', 'POST', 'clients', { name: 'x', web_origins: ['https://a.example.com/app'] }, 400, 'invalid_body', /web_origins\.0/],
  ['too many callbacks', 'POST', 'clients', { name: 'x', callbacks: Array(201).fill('https://a.example.com/') }, 400, 'invalid_body'],
  ['unknown grant type', 'POST', 'clients', { name: 'x', grant_types: ['magic'] }, 400, 'invalid_body', /grant type/],
  ['client_credentials on a SPA', 'POST', 'clients', { name: 'x', app_type: 'spa', grant_types: ['client_credentials'] }, 400, 'invalid_body', /confidential/],
  ['HS256', 'POST', 'clients', { name: 'x', jwt_configuration: { alg: 'HS256' } }, 400, 'invalid_body', /HS256.*digest/],
  ['lifetime of zero', 'POST', 'clients', { name: 'x', jwt_configuration: { lifetime_in_seconds: 0 } }, 400, 'invalid_body'],
  ['eleven metadata keys', 'POST', 'clients', { name: 'x', client_metadata: elevenKeys }, 400, 'invalid_body'],
  ['metadata value over 255', 'POST', 'clients', { name: 'x', client_metadata: { a: 'v'.repeat(256) } }, 400, 'invalid_body'],
  ['metadata key with a dot', 'POST', 'clients', { name: 'x', client_metadata: { 'a.b': 'v' } }, 400, 'invalid_body'],
  ['reserved metadata key', 'POST', 'clients', { name: 'x', client_metadata: { portrait_bootstrap: 'true' } }, 400, 'invalid_body', /reserved/],
  ['short client_secret', 'POST', 'clients', { name: 'x', client_secret: 'short' }, 400, 'invalid_body'],
  ['logo javascript', 'POST', 'clients', { name: 'x', logo_uri: 'javascript://x' }, 400, 'invalid_body', /logo_uri/],
  ['array body', 'POST', 'clients', [{ name: 'x' }], 400, 'invalid_body'],
  ['invalid JSON', 'POST', 'clients', '{"name":', 400, 'invalid_body'],
  ['unknown client', 'GET', 'clients/nope', undefined, 404, 'inexistent_client', /The client does not exist/],
  ['long unknown client id', 'GET', `clients/${'x'.repeat(100)}`, undefined, 404, 'inexistent_client'],
  ['metadata value an object', 'POST', 'clients', { name: 'x', client_metadata: { a: { b: 'c' } } }, 400, 'invalid_body'],
  ['grant scope an object', 'POST', 'client-grants', { client_id: 'x', audience: 'https://a/', scope: { read: true } }, 400, 'invalid_body'],
  ['per_page over 100', 'GET', 'clients?per_page=1000', undefined, 400, 'invalid_query_string'],
  ['negative page', 'GET', 'clients?page=-1', undefined, 400, 'invalid_query_string'],
  ['page not a number', 'GET', 'clients?page=two', undefined, 400, 'invalid_query_string'],
  ['unknown query parameter', 'GET', 'clients?q=name:x', undefined, 400, 'invalid_query_string'],
  ['include_totals not a boolean', 'GET', 'clients?include_totals=maybe', undefined, 400, 'invalid_query_string'],
  ['PATCH unknown client', 'PATCH', 'clients/nope', { name: 'y' }, 404, 'inexistent_client'],
  ['PATCH unknown property', 'PATCH', 'clients/nope', { tenant: 'y' }, 400, 'invalid_body'],
  ['DELETE unknown client', 'DELETE', 'clients/nope', undefined, 404, 'inexistent_client'],
  ['rotate unknown client', 'POST', 'clients/nope/rotate-secret', undefined, 404, 'inexistent_client'],
  ['grant without audience', 'POST', 'client-grants', { client_id: 'x', scope: [] }, 400, 'invalid_body'],
  ['grant scope with a space', 'POST', 'client-grants', { client_id: 'x', audience: 'https://a/', scope: ['read:users write:users'] }, 400, 'invalid_body'],
  ['grant for unknown client', 'POST', 'client-grants', { client_id: 'nope', audience: 'https://a/', scope: [] }, 404, 'inexistent_client'],
  ['grant with organizations', 'POST', 'client-grants', { client_id: 'x', audience: 'https://a/', organization_usage: 'allow' }, 400, 'invalid_body'],
  ['unknown grant', 'GET', 'client-grants/cgr_0000000000000000', undefined, 404, 'inexistent_client_grant'],
  ['PATCH unknown grant', 'PATCH', 'client-grants/cgr_0000000000000000', { scope: [] }, 404, 'inexistent_client_grant'],
  ['PATCH grant audience', 'PATCH', 'client-grants/cgr_0000000000000000', { audience: 'x' }, 400, 'invalid_body'],
  ['DELETE unknown grant', 'DELETE', 'client-grants/cgr_0000000000000000', undefined, 404, 'inexistent_client_grant'],
  ['checkpoint from nowhere', 'GET', 'client-grants?from=cgr_nope&take=5', undefined, 400, 'invalid_paging'],
  ['take of zero', 'GET', 'client-grants?take=0', undefined, 400, 'invalid_query_string'],
];

describe.each(dialects)('bad input to clients and grants on %s', (dialect) => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    token = await server.managementToken();
  });
  afterAll(async () => server?.close());

  it.each(CASES)('%s', async (_label, method, path, body, status, errorCode, message) => {
    const before = JSON.stringify([await server.services.clients.list(), await server.services.clients.listGrants()]);
    const res = await fetch(`${server.url}api/v2/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const answer = await res.json();
    expect(answer).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String), errorCode });
    expect(res.status).toBe(status);
    if (message) expect(answer.message).toMatch(message);
    expect(JSON.stringify([await server.services.clients.list(), await server.services.clients.listGrants()])).toBe(before);
  });

  it('refuses a grant of unknown scopes for the Management API in either spelling of its audience', async () => {
    for (const audience of [`${server.issuer}api/v2/`, `${server.issuer.replace('http:', 'https:')}api/v2/`]) {
      const res = await fetch(`${server.url}api/v2/client-grants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: server.admin.clientId, audience, scope: ['read:everything'] }),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).message).toContain('read:everything');
    }
  });

  it('answers a malformed Basic header at /oauth/token with an OAuth 4xx, not 500', async () => {
    const res = await fetch(`${server.url}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('%E0%A4%A:secret').toString('base64')}` },
      body: JSON.stringify({ grant_type: 'client_credentials', audience: `${server.issuer}api/v2/` }),
    });
    // The OpenID provider's answer: the header's credentials are not properly form-encoded (RFC 6749 §2.3.1).
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('describes the routes in the OpenAPI document, with their scopes', async () => {
    const doc = await (await fetch(`${server.url}api/v2/openapi.json`)).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/clients', '/clients/{id}', '/clients/{id}/rotate-secret', '/client-grants', '/client-grants/{id}']));
    expect(doc.paths['/clients/{id}/rotate-secret'].post.description).toContain('update:client_keys');
  });
});
