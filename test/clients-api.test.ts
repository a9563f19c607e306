// /api/v2/clients through the official auth0 SDK over TLS, on both dialects: a machine client made through the
// API gets a token that does exactly what its grant allows; the secret is shown at creation and rotation only;
// deleting a client takes its grants with it.
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

describe.each(dialects)('/api/v2/clients on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  let audience: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    // What the SDK and Auth0 users write: https://<domain>/api/v2/.
    audience = `https://${sdkDomain(server)}/api/v2/`;
  });
  afterAll(async () => server?.close());

  const requestToken = (clientId: string, clientSecret: string) =>
    fetch(`${server.url}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience }),
    });
  const tokenFor = async (clientId: string, clientSecret: string) => {
    const res = await requestToken(clientId, clientSecret);
    expect(res.status).toBe(200);
    return (await res.json()) as { access_token: string; scope: string };
  };
  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${server.url}api/v2/${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
    });

  it('makes a machine client whose token does exactly what its grant allows', async () => {
    const created = await management.clients.create({ name: 'Connection reader', app_type: 'non_interactive' });
    expect(created).toMatchObject({ name: 'Connection reader', app_type: 'non_interactive', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', global: false });
    expect(created.client_secret).toEqual(expect.any(String));
    const grant = await management.clientGrants.create({ client_id: created.client_id!, audience, scope: ['read:connections'] });
    expect(grant).toMatchObject({ client_id: created.client_id, audience: `${server.issuer}api/v2/`, scope: ['read:connections'] });
    expect(grant.id).toMatch(/^cgr_[A-Za-z0-9]{16}$/);

    const { access_token: token, scope } = await tokenFor(created.client_id!, created.client_secret!);
    expect(scope).toBe('read:connections');
    expect((await api('connections', token)).status).toBe(200);
    const write = await api('connections', token, { method: 'POST', body: JSON.stringify({ name: 'other-db', strategy: 'auth0' }) });
    expect(write.status).toBe(403);
    expect(await write.json()).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: create:connections', errorCode: 'insufficient_scope' });
    expect((await api('clients', token)).status).toBe(403);

    // The SDK, given the new client's credentials, gets its own token and meets the same limits.
    const reader = new ManagementClient({ domain: sdkDomain(server), clientId: created.client_id!, clientSecret: created.client_secret! });
    await expect(reader.connections.list()).resolves.toBeDefined();
    await expect(reader.clients.list()).rejects.toMatchObject({ statusCode: 403 });
  });

  it('shows the secret when creating and rotating, never otherwise; the old secret stops working', async () => {
    const created = await management.clients.create({ name: 'Rotating', app_type: 'regular_web', callbacks: ['https://app.example.com/callback'] });
    const first = created.client_secret!;
    await management.clientGrants.create({ client_id: created.client_id!, audience, scope: ['read:connections'] });
    await tokenFor(created.client_id!, first);

    const fetched = await management.clients.get(created.client_id!);
    expect(fetched).not.toHaveProperty('client_secret');
    expect(fetched.callbacks).toEqual(['https://app.example.com/callback']);
    const patched = await management.clients.update(created.client_id!, { description: 'renamed' });
    expect(patched).not.toHaveProperty('client_secret');
    expect(patched.description).toBe('renamed');
    const admin = await server.managementToken();
    for (const path of ['clients', 'clients?include_totals=true', `clients/${created.client_id}`]) {
      const text = await (await api(path, admin)).text();
      expect(text).not.toContain('"client_secret"');
      expect(text).not.toContain(first);
    }

    const rotated = await management.clients.rotateSecret(created.client_id!);
    expect(rotated.client_id).toBe(created.client_id);
    expect(rotated.client_secret).toEqual(expect.any(String));
    expect(rotated.client_secret).not.toBe(first);
    const old = await requestToken(created.client_id!, first);
    expect(old.status).toBe(401);
    await tokenFor(created.client_id!, rotated.client_secret!);
    expect(await (await api(`clients/${created.client_id}`, admin)).text()).not.toContain(rotated.client_secret!);

    const patchSecret = await api(`clients/${created.client_id}`, admin, { method: 'PATCH', body: JSON.stringify({ client_secret: 'x'.repeat(48) }) });
    expect(patchSecret.status).toBe(400);
    expect(await patchSecret.json()).toMatchObject({ errorCode: 'invalid_body', message: expect.stringContaining('rotate-secret') });
    await tokenFor(created.client_id!, rotated.client_secret!);
  });

  it('gives each app_type its defaults and checks URLs against it', async () => {
    const spa = await management.clients.create({ name: 'SPA', app_type: 'spa', callbacks: ['https://*.example.com/cb'], web_origins: ['https://app.example.com'] });
    expect(spa).toMatchObject({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'implicit', 'refresh_token'] });
    expect(spa).not.toHaveProperty('client_secret');
    const native = await management.clients.create({ name: 'Phone', app_type: 'native', callbacks: ['com.example.phone://callback'] });
    expect(native.callbacks).toEqual(['com.example.phone://callback']);
    const web = await management.clients.create({ name: 'Web' });
    expect(web).toMatchObject({ app_type: 'regular_web', token_endpoint_auth_method: 'client_secret_post', jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000 } });

    // Switching the native app to a SPA would leave it a callback a browser app cannot have.
    await expect(management.clients.update(native.client_id!, { app_type: 'spa' })).rejects.toMatchObject({ statusCode: 400 });
    // A public client has no secret to rotate until it becomes confidential.
    await expect(management.clients.rotateSecret(spa.client_id!)).rejects.toMatchObject({ statusCode: 400 });
    await management.clients.update(spa.client_id!, { token_endpoint_auth_method: 'client_secret_post' });
    expect((await management.clients.rotateSecret(spa.client_id!)).client_secret).toEqual(expect.any(String));
  });

  it('lists with Auth0 paging: the SDK walks every page; include_totals answers the envelope', async () => {
    const seen: string[] = [];
    for await (const client of await management.clients.list({ per_page: 2 })) seen.push(client.client_id!);
    const admin = await server.managementToken();
    const bare = (await (await api('clients?per_page=100', admin)).json()) as { client_id: string }[];
    expect(Array.isArray(bare)).toBe(true);
    expect(seen).toEqual(bare.map((c) => c.client_id));
    expect(seen).toContain(server.admin.clientId);

    const envelope = await (await api('clients?include_totals=true&per_page=1&page=1', admin)).json();
    expect(envelope).toMatchObject({ start: 1, limit: 1, total: bare.length });
    expect(envelope.clients).toHaveLength(1);
    const trimmed = await (await api('clients?fields=client_id,name&include_fields=true', admin)).json();
    expect(Object.keys(trimmed[0]).sort()).toEqual(['client_id', 'name']);
    const spas = (await (await api('clients?app_type=spa,native', admin)).json()) as { app_type: string }[];
    expect(spas.every((c) => ['spa', 'native'].includes(c.app_type))).toBe(true);
    expect(await (await api('clients?is_global=true', admin)).json()).toEqual([]);
  });

  it('deletes a client with its grants and its place in connections; its credentials stop working', async () => {
    const created = await management.clients.create({ name: 'Short-lived', app_type: 'non_interactive' });
    const id = created.client_id!;
    await management.clientGrants.create({ client_id: id, audience, scope: ['read:connections'] });
    await tokenFor(id, created.client_secret!);
    const database = () => server.services.connections.getByName('Username-Password-Authentication');
    expect((await database())!.enabled_clients).toContain(id);

    await management.clients.delete(id);
    const grants = await management.clientGrants.list({ client_id: id });
    expect(grants.data).toEqual([]);
    expect(await server.services.clients.listGrants({ client_id: id })).toEqual([]);
    expect((await database())!.enabled_clients).not.toContain(id);
    expect((await requestToken(id, created.client_secret!)).status).toBe(401);
    await expect(management.clients.get(id)).rejects.toMatchObject({ statusCode: 404, body: { errorCode: 'inexistent_client' } });
  });

  it('refuses to delete the bootstrap client, and a client deleting itself', async () => {
    await expect(management.clients.delete(server.admin.clientId)).rejects.toMatchObject({ statusCode: 400, body: { errorCode: 'operation_not_supported' } });
    const janitor = await management.clients.create({ name: 'Janitor', app_type: 'non_interactive' });
    await management.clientGrants.create({ client_id: janitor.client_id!, audience, scope: ['delete:clients'] });
    const { access_token: token } = await tokenFor(janitor.client_id!, janitor.client_secret!);
    const self = await api(`clients/${janitor.client_id}`, token, { method: 'DELETE' });
    expect(self.status).toBe(400);
    expect((await self.json()).message).toContain('cannot delete itself');
    const victim = await management.clients.create({ name: 'Victim' });
    expect((await api(`clients/${victim.client_id}`, token, { method: 'DELETE' })).status).toBe(204);
    // The bootstrap client keeps its mark and its way in whatever a PATCH says.
    const kept = await management.clients.update(server.admin.clientId, { client_metadata: { team: 'ops' } });
    expect(kept.client_metadata).toEqual({ team: 'ops', portrait_bootstrap: 'true' });
    await expect(management.clients.update(server.admin.clientId, { grant_types: ['authorization_code'] })).rejects.toMatchObject({ statusCode: 400 });
  });
});
