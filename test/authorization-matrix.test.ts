// The authorization matrix (issue #11): every operation of the Management API's OpenAPI document — its scopes read
// from the operation's security requirement — crossed with every kind of bad credential, each expected to be
// refused with the right status and Auth0's error body. Prints the number of cases tried and the failures.
import { SignJWT, exportSPKI, type JWK, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_CONTEXT_SCOPES, MANAGEMENT_SCOPES } from '../src/management/scopes.ts';
import { userContextToken } from './support/picture-fixtures.ts';
import { fillPath } from './support/sweep-cases.ts';
import { rawRequest } from './support/raw-https.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

interface MatrixOperation {
  method: string;
  template: string;
  scopes: string[];
}
interface Expected {
  status: 401 | 403;
  errorCode: string;
}
interface Case {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  expected: Expected;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const INVALID: Expected = { status: 401, errorCode: 'invalid_token' };
const INSUFFICIENT: Expected = { status: 403, errorCode: 'insufficient_scope' };

describe('the authorization matrix', () => {
  let server: TestServer;
  let operations: MatrixOperation[];
  let tokens: Record<string, string>;
  let self: { userId: string; token: string };
  let otherUserId: string;

  beforeAll(async () => {
    server = await startTestServer({ tls: true });
    const doc = (await (await fetch(`${server.url}api/v2/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: { bearerAuth?: string[] }[] }>>;
    };
    operations = Object.entries(doc.paths).flatMap(([template, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), template, scopes: op.security?.[0]?.bearerAuth ?? [] })),
    );

    const key = await server.services.keys.current();
    const audience = `${server.issuer}api/v2/`;
    const sign = (claims: Record<string, unknown>, edit: (jwt: SignJWT) => SignJWT = (j) => j) =>
      edit(new SignJWT({ scope: MANAGEMENT_SCOPES.join(' '), gty: 'client-credentials', azp: server.admin.clientId, ...claims })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
        .setIssuer(server.issuer).setAudience(audience).setSubject(`${server.admin.clientId}@clients`).setIssuedAt().setExpirationTime('1h'))
        .sign(key.privateKey);

    /** A machine client holding every scope, whose token is taken before the client or its grant is removed. */
    const machine = async () => {
      const { client } = await server.services.clients.create({ name: 'matrix machine', app_type: 'non_interactive', grant_types: ['client_credentials'] });
      const grant = await server.services.clients.createGrant(client.client_id, server.services.managementAudience.canonical, [...MANAGEMENT_SCOPES]);
      const { token } = await server.services.tokens.issueForClient({ clientId: client.client_id, audience, scopes: [...MANAGEMENT_SCOPES] });
      return { clientId: client.client_id, grantId: grant.id, token };
    };
    const deletedClient = await machine();
    await server.services.clients.delete(deletedClient.clientId);
    const removedGrant = await machine();
    await server.services.clients.deleteGrant(removedGrant.grantId);

    const publicPem = await exportSPKI((await importJWK(key.publicJwk as JWK, 'RS256', { extractable: true })) as CryptoKey);
    const hs256 = await new SignJWT({ scope: MANAGEMENT_SCOPES.join(' '), gty: 'client-credentials' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid })
      .setIssuer(server.issuer).setAudience(audience).setSubject(`${server.admin.clientId}@clients`).setIssuedAt().setExpirationTime('1h')
      .sign(new TextEncoder().encode(publicPem));
    const now = Math.floor(Date.now() / 1000);
    const none = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ iss: server.issuer, aud: audience, sub: `${server.admin.clientId}@clients`, gty: 'client-credentials', scope: MANAGEMENT_SCOPES.join(' '), iat: now, exp: now + 3600 })}.`;

    tokens = {
      malformed: 'not.a-jwt',
      expired: await sign({}, (j) => j.setIssuedAt(now - 7200).setExpirationTime(now - 3600)),
      'wrong issuer': await sign({}, (j) => j.setIssuer('https://evil.example/')),
      'wrong audience': await sign({}, (j) => j.setAudience('https://evil.example/api/v2/')),
      'alg none': none,
      'HS256 signed with the public key': hs256,
      'deleted client': deletedClient.token,
      'removed grant': removedGrant.token,
    };
    const users = server.services.users;
    const me = await users.create({ connection: 'Username-Password-Authentication', email: 'me@example.com', password: 'Matrix-Password-1' });
    otherUserId = (await users.create({ connection: 'Username-Password-Authentication', email: 'other@example.com', password: 'Matrix-Password-1' })).user_id;
    self = { userId: me.user_id, token: await userContextToken(server, me.user_id, [...USER_CONTEXT_SCOPES]) };
  });
  afterAll(async () => server?.close());

  /** A path for the operation; user-context cases name `userId` wherever a user id goes. */
  const pathOf = (op: MatrixOperation, userId = otherUserId) =>
    `/api/v2${fillPath(op.template, (name, template) => (template.startsWith('/users/') || template.startsWith('/user-blocks/') ? (name === 'id' ? userId : 'x') : 'matrix-id'))}`;
  const bodyOf = (op: MatrixOperation) => (op.method === 'GET' || op.method === 'DELETE' ? undefined : JSON.stringify(op.template === '/users/{id}' ? { user_metadata: { colour: 'teal' } } : {}));

  function casesFor(op: MatrixOperation): Case[] {
    const label = `${op.method} ${op.template}`;
    const path = pathOf(op);
    const body = bodyOf(op);
    const json: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
    const out: Case[] = [
      { label: `${label}: no token`, method: op.method, path, headers: json, body, expected: { status: 401, errorCode: 'missing_authentication' } },
      ...Object.entries(tokens).map(([kind, token]) => ({ label: `${label}: ${kind}`, method: op.method, path, headers: { ...json, authorization: `Bearer ${token}` }, body, expected: INVALID })),
    ];
    return out;
  }

  /** Cases that need a live token of the right kind: the scope it lacks, a user acting on someone else. */
  async function scopedCasesFor(op: MatrixOperation): Promise<Case[]> {
    const label = `${op.method} ${op.template}`;
    const body = bodyOf(op);
    const json: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
    const others = MANAGEMENT_SCOPES.filter((s) => !op.scopes.includes(s));
    const out: Case[] = [
      { label: `${label}: a token missing the scope`, method: op.method, path: pathOf(op), headers: { ...json, authorization: `Bearer ${await server.managementToken(others)}` }, body, expected: INSUFFICIENT },
    ];
    const userAdmitted = op.scopes.some((s) => USER_CONTEXT_SCOPES.includes(s));
    const namesAUser = op.template.startsWith('/users/{id}');
    out.push({
      label: `${label}: a user token for another user`,
      method: op.method, path: pathOf(op, otherUserId), headers: { ...json, authorization: `Bearer ${self.token}` }, body,
      expected: userAdmitted && namesAUser ? { status: 403, errorCode: 'forbidden' } : INSUFFICIENT,
    });
    if (op.method === 'PATCH' && op.template === '/users/{id}') {
      out.push({
        label: `${label}: a user token touching app_metadata`,
        method: op.method, path: pathOf(op, self.userId), headers: { 'content-type': 'application/json', authorization: `Bearer ${self.token}` },
        body: JSON.stringify({ app_metadata: { role: 'admin' } }), expected: INSUFFICIENT,
      });
    }
    return out;
  }

  it('refuses every bad credential on every Management API operation with the right status in Auth0 shape', async () => {
    expect(operations.length).toBeGreaterThan(40);
    const unscoped = operations.filter((op) => op.scopes.length === 0).map((op) => `${op.method} ${op.template}`);
    expect(unscoped).toEqual([]);
    const cases: Case[] = [];
    for (const op of operations) cases.push(...casesFor(op), ...(await scopedCasesFor(op)));

    const failures: string[] = [];
    for (const c of cases) {
      const res = await rawRequest(server.url, { method: c.method, path: c.path, headers: c.headers, body: c.body });
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(res.text) as Record<string, unknown>;
      } catch {
        // not JSON: reported below
      }
      const shaped = body.statusCode === c.expected.status && body.errorCode === c.expected.errorCode
        && body.error === (c.expected.status === 401 ? 'Unauthorized' : 'Forbidden') && typeof body.message === 'string';
      if (res.status !== c.expected.status || !shaped) failures.push(`${c.label}: expected ${c.expected.status} ${c.expected.errorCode}, got ${res.status} ${res.text.slice(0, 200)}`);
    }
    console.log(`[authorization-matrix] ${operations.length} operations, ${cases.length} cases tried, ${failures.length} failures`);
    for (const f of failures.slice(0, 40)) console.log(`  ${f}`);
    expect(failures).toEqual([]);
  });
});
