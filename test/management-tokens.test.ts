// Management API tokens through real HTTP and the official auth0 SDK: the client-credentials grant, and the
// guard's answers to missing, forged, expired and under-scoped tokens.
import { ManagementClient } from 'auth0';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

describe.each(dialects)('management tokens on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
  });
  afterAll(async () => server?.close());

  const token = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('issues an RS256 token for the Management API with the client grant scopes (JSON and form, body and Basic)', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: server.admin.clientId, client_secret: server.admin.clientSecret, audience: `${server.url}api/v2/` });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 86400 });
    expect(body.scope.split(' ')).toContain('read:users');
    const [header, payload] = body.access_token.split('.').slice(0, 2).map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header.alg).toBe('RS256');
    expect(payload).toMatchObject({ iss: server.issuer, aud: `${server.issuer}api/v2/`, sub: `${server.admin.clientId}@clients`, gty: 'client-credentials' });
    expect(payload.exp - payload.iat).toBe(86400);

    const basic = Buffer.from(`${server.admin.clientId}:${server.admin.clientSecret}`).toString('base64');
    const form = await fetch(`${server.url}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', audience: `${server.url}api/v2/`, scope: 'read:users' }),
    });
    expect(form.status).toBe(200);
    expect((await form.json()).scope).toBe('read:users');
  });

  it('refuses a wrong secret, an unknown audience and an unsupported grant with OAuth errors', async () => {
    const wrong = await token({ grant_type: 'client_credentials', client_id: server.admin.clientId, client_secret: 'nope', audience: `${server.url}api/v2/` });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'access_denied' });
    const audience = await token({ grant_type: 'client_credentials', client_id: server.admin.clientId, client_secret: server.admin.clientSecret, audience: 'https://elsewhere/' });
    expect(audience.status).toBe(403);
    const grant = await token({ grant_type: 'magic' });
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('lets the official SDK obtain its own token with client id and secret', async () => {
    const management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    // Any guarded call proves the SDK's token was accepted; a 404 for an unknown route would throw differently.
    await expect(management.connections.list()).resolves.toBeDefined();
  });
});

describe('the Management API guard', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  const call = (auth?: string) => fetch(`${server.url}api/v2/connections`, { headers: auth ? { authorization: auth } : {} });

  it('answers 401 in Auth0 shape without a token, with a malformed header, a forged or expired token', async () => {
    const missing = await call();
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication', errorCode: 'missing_authentication' });
    expect((await call('Token abc')).status).toBe(401);

    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ scope: 'read:connections', gty: 'client-credentials' })
      .setProtectedHeader({ alg: 'RS256', kid: (await server.services.keys.current()).kid })
      .setIssuer(server.issuer).setAudience(`${server.issuer}api/v2/`).setSubject('x@clients').setIssuedAt().setExpirationTime('1h')
      .sign(privateKey);
    const forgedRes = await call(`Bearer ${forged}`);
    expect(forgedRes.status).toBe(401);
    expect((await forgedRes.json()).message).toBe('Invalid signature received for JSON Web Token validation');

    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ scope: 'read:connections', gty: 'client-credentials', sub: 'x@clients', iss: server.issuer, aud: `${server.issuer}api/v2/`, exp: 9999999999 })).toString('base64url')}.`;
    expect((await call(`Bearer ${none}`)).status).toBe(401);

    // HS256 signed with the public key as the secret: the classic algorithm-confusion forgery.
    const publicJwk = (await server.services.keys.jwks()).keys[0];
    const hs = await new SignJWT({ scope: 'read:connections', gty: 'client-credentials' })
      .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid })
      .setIssuer(server.issuer).setAudience(`${server.issuer}api/v2/`).setSubject('x@clients').setIssuedAt().setExpirationTime('1h')
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    expect((await call(`Bearer ${hs}`)).status).toBe(401);

    const expired = await server.services.tokens.issueForClient({ clientId: server.admin.clientId, audience: `${server.issuer}api/v2/`, scopes: ['read:connections'], lifetimeSeconds: -10 });
    const expiredRes = await call(`Bearer ${expired.token}`);
    expect(expiredRes.status).toBe(401);
  });

  it('answers 403 insufficient_scope naming the scopes the route expects', async () => {
    const res = await call(`Bearer ${await server.managementToken(['read:users'])}`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: read:connections',
      errorCode: 'insufficient_scope',
    });
  });

  it('keeps a rotated-out key valid for the tokens it signed, and publishes both keys', async () => {
    const before = await server.managementToken(['read:connections']);
    await server.services.keys.rotate();
    expect((await (await fetch(`${server.url}.well-known/jwks.json`)).json()).keys).toHaveLength(2);
    expect((await call(`Bearer ${before}`)).status).toBe(200);
    expect((await call(`Bearer ${await server.managementToken(['read:connections'])}`)).status).toBe(200);
  });
});
