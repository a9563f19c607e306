// /api/v2/client-grants through the official auth0 SDK over TLS, on both dialects: checkpoint paging as the SDK
// walks it, filters, scope changes that the next token reflects, and the Management API's scope list enforced.
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

describe.each(dialects)('/api/v2/client-grants on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  let audience: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    audience = `https://${sdkDomain(server)}/api/v2/`;
  });
  afterAll(async () => server?.close());

  const token = (clientId: string, clientSecret: string, aud = audience) =>
    fetch(`${server.url}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: aud }),
    });
  const machine = async (name: string) => {
    const c = await management.clients.create({ name, app_type: 'non_interactive' });
    return { id: c.client_id!, secret: c.client_secret! };
  };

  it('changes a grant\'s scopes, which the next token carries; deleting it closes the audience', async () => {
    const m = await machine('Scoped');
    const grant = await management.clientGrants.create({ client_id: m.id, audience, scope: ['read:connections', 'read:connections'] });
    expect(grant.scope).toEqual(['read:connections']);
    expect(await management.clientGrants.get(grant.id!)).toEqual(grant);

    const updated = await management.clientGrants.update(grant.id!, { scope: ['read:connections', 'create:connections'] });
    expect(updated.scope).toEqual(['read:connections', 'create:connections']);
    const res = await token(m.id, m.secret);
    expect((await res.json()).scope).toBe('read:connections create:connections');

    await management.clientGrants.delete(grant.id!);
    const refused = await token(m.id, m.secret);
    expect(refused.status).toBe(403);
    await expect(management.clientGrants.get(grant.id!)).rejects.toMatchObject({ statusCode: 404, body: { errorCode: 'inexistent_client_grant' } });
  });

  it('walks grants with checkpoint paging and filters by client and audience (either spelling)', async () => {
    const clients = await Promise.all(['P1', 'P2', 'P3'].map(machine));
    for (const c of clients) await management.clientGrants.create({ client_id: c.id, audience, scope: ['read:users'] });
    await management.resourceServers.create({ identifier: 'https://orders.example.com/', name: 'Orders', scopes: [{ value: 'read:orders' }] });
    await management.clientGrants.create({ client_id: clients[0].id, audience: 'https://orders.example.com/', scope: ['read:orders'] });

    const seen: string[] = [];
    for await (const g of await management.clientGrants.list({ take: 2 })) seen.push(g.id!);
    const all = await server.services.clients.listGrants();
    expect(seen).toEqual(all.map((g) => g.id));

    const mine = await management.clientGrants.list({ client_id: clients[0].id });
    expect(mine.data.map((g) => g.audience).sort()).toEqual([`${server.issuer}api/v2/`, 'https://orders.example.com/'].sort());
    const byAudience = await management.clientGrants.list({ audience, client_id: clients[1].id });
    expect(byAudience.data).toHaveLength(1);
    const orders = await management.clientGrants.list({ audience: 'https://orders.example.com/' });
    expect(orders.data.map((g) => g.client_id)).toEqual([clients[0].id]);

    // Another API's tokens carry its own audience and scopes.
    const res = await token(clients[0].id, clients[0].secret, 'https://orders.example.com/');
    expect(res.status).toBe(200);
    const payload = JSON.parse(Buffer.from((await res.json()).access_token.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ aud: 'https://orders.example.com/', scope: 'read:orders' });

    const admin = await server.managementToken();
    const offset = await (await fetch(`${server.url}api/v2/client-grants?include_totals=true&per_page=2&page=0`, { headers: { authorization: `Bearer ${admin}` } })).json();
    expect(offset).toMatchObject({ start: 0, limit: 2, total: all.length });
    expect(offset.client_grants).toHaveLength(2);
  });

  it('accepts only Management API scopes for the Management API, and one grant per client and audience', async () => {
    const m = await machine('Picky');
    await expect(management.clientGrants.create({ client_id: m.id, audience, scope: ['read:users', 'launch:rockets'] }))
      .rejects.toMatchObject({ statusCode: 400, body: { errorCode: 'invalid_body', message: expect.stringContaining('launch:rockets') } });
    const grant = await management.clientGrants.create({ client_id: m.id, audience, scope: ['read:users'] });
    await expect(management.clientGrants.update(grant.id!, { scope: ['read:users', 'fly:kites'] })).rejects.toMatchObject({ statusCode: 400 });
    // The canonical spelling names the same API: a second grant for it is a conflict.
    await expect(management.clientGrants.create({ client_id: m.id, audience: `${server.issuer}api/v2/`, scope: [] }))
      .rejects.toMatchObject({ statusCode: 409, body: { errorCode: 'conflict' } });
    await expect(management.clientGrants.create({ client_id: 'no-such-client', audience, scope: [] }))
      .rejects.toMatchObject({ statusCode: 404, body: { errorCode: 'inexistent_client' } });
  });
});
