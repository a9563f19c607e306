// Management API tokens do not outlive their client, their grant or the grant's scopes, and a blacklisted jti is
// refused (issue #11, item 3) — on the node that made the change at once, and on a second node sharing the
// database within the one-second lookup TTL. Real HTTP on both dialects; tokens from the client-credentials grant.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { LOOKUP_TTL_MS } from '../src/management/revoked-tokens.ts';
import { createServices, type Services } from '../src/services.ts';
import { dialects } from './support/databases.ts';
import { userContextToken } from './support/picture-fixtures.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/** Past the TTL of every cached lookup the guard makes (clients, grants, blacklist). */
const afterTtl = () => new Promise((resolve) => setTimeout(resolve, LOOKUP_TTL_MS + 150));

describe.each(dialects)('management token standing on %s', (dialect) => {
  let server: TestServer;
  let second: { services: Services; app: FastifyInstance; url: string };
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    // A second node on the same database: its own caches, its own process state.
    const services = await createServices(server.config, { migrate: false });
    const app = await buildApp(services, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    second = { services, app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}/` };
    admin = await server.managementToken();
  });
  afterAll(async () => {
    await second?.app.close();
    await second?.services.close();
    await server?.close();
  });

  const call = (base: string, token: string, path = 'connections', init: RequestInit = {}) =>
    fetch(`${base}api/v2/${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
  const statusOn = async (token: string, path = 'connections') => [(await call(server.url, token, path)).status, (await call(second.url, token, path)).status];

  let n = 0;
  async function machine(scopes: string[]) {
    const { client, secret } = await server.services.clients.create({
      name: `machine ${++n}`, app_type: 'non_interactive', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post',
    });
    const grant = await server.services.clients.createGrant(client.client_id, server.services.managementAudience.canonical, scopes);
    const res = await fetch(`${server.url}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: secret, audience: `${server.url}api/v2/` }),
    });
    expect(res.status).toBe(200);
    const token = (await res.json()).access_token as string;
    expect(await statusOn(token)).toEqual([200, 200]);
    return { clientId: client.client_id, grantId: grant.id, token };
  }

  it('refuses the token of a deleted client on both nodes', async () => {
    const m = await machine(['read:connections']);
    expect((await call(server.url, admin, `clients/${m.clientId}`, { method: 'DELETE' })).status).toBe(204);
    const res = await call(server.url, m.token);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'The client this token was issued to does not exist.', errorCode: 'invalid_token' });
    await afterTtl();
    expect(await statusOn(m.token)).toEqual([401, 401]);
  });

  it('refuses the token of a removed grant, and narrows a token to its narrowed grant', async () => {
    const removed = await machine(['read:connections']);
    const narrowed = await machine(['read:connections', 'read:clients']);
    expect((await call(server.url, admin, `client-grants/${removed.grantId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(server.url, admin, `client-grants/${narrowed.grantId}`, { method: 'PATCH', body: JSON.stringify({ scope: ['read:clients'] }) })).status).toBe(200);
    await afterTtl();
    expect(await statusOn(removed.token)).toEqual([401, 401]);
    // The scopes a token holds are those it was issued with AND its grant still holds.
    expect(await statusOn(narrowed.token, 'connections')).toEqual([403, 403]);
    expect(await statusOn(narrowed.token, 'clients')).toEqual([200, 200]);
  });

  it('refuses a validly signed token whose sub names no client', async () => {
    const { token } = await server.services.tokens.issueForClient({ clientId: 'no-such-client', audience: server.services.managementAudience.canonical, scopes: ['read:connections'] });
    expect(await statusOn(token)).toEqual([401, 401]);
  });

  it('blacklists a jti through /api/v2/blacklists/tokens; the token is refused everywhere, others keep working', async () => {
    const victim = await machine(['read:connections']);
    const bystander = await machine(['read:connections']);
    const { jti, azp } = JSON.parse(Buffer.from(victim.token.split('.')[1], 'base64url').toString());
    expect(typeof jti).toBe('string');
    const added = await call(server.url, admin, 'blacklists/tokens', { method: 'POST', body: JSON.stringify({ aud: azp, jti }) });
    expect(added.status).toBe(201);
    expect((await call(server.url, victim.token)).status).toBe(401);
    await afterTtl();
    expect(await statusOn(victim.token)).toEqual([401, 401]);
    expect(await statusOn(bystander.token)).toEqual([200, 200]);

    const listed = await call(server.url, admin, `blacklists/tokens?aud=${encodeURIComponent(azp)}`);
    expect(await listed.json()).toEqual([{ aud: azp, jti }]);
    expect(await (await call(server.url, admin, 'blacklists/tokens?aud=other')).json()).toEqual([]);
    // An entry for another audience does not refuse the token.
    const other = await machine(['read:connections']);
    const otherJti = JSON.parse(Buffer.from(other.token.split('.')[1], 'base64url').toString()).jti;
    await call(server.url, admin, 'blacklists/tokens', { method: 'POST', body: JSON.stringify({ aud: 'some-other-client', jti: otherJti }) });
    expect((await call(server.url, other.token)).status).toBe(200);

    const missing = await call(server.url, admin, 'blacklists/tokens', { method: 'POST', body: JSON.stringify({ aud: 'x' }) });
    expect(missing.status).toBe(400);
    const noScope = await call(server.url, await server.managementToken(['read:users']), 'blacklists/tokens');
    expect(await noScope.json()).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope', message: 'Insufficient scope, expected any of: blacklist:tokens' });
  });

  it('keeps user-context tokens working', async () => {
    const user = await server.services.users.create({ connection: 'Username-Password-Authentication', email: `self.${dialect}@example.com`, password: 'Self-Password-2026' });
    const token = await userContextToken(server, user.user_id, ['read:current_user']);
    expect(await statusOn(token, `users/${encodeURIComponent(user.user_id)}`)).toEqual([200, 200]);
  });
});
