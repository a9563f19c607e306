// /api/v2/connections through the official auth0 SDK over TLS, on both dialects: the default database
// connection, checkpoint paging as the SDK does it, options replaced whole, and client mistakes as 4xx.
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

describe.each(dialects)('/api/v2/connections on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    token = await server.managementToken();
  });
  afterAll(async () => server?.close());

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}api/v2/${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

  it('lists the default database connection through the SDK', async () => {
    const page = await management.connections.list();
    const names = page.data.map((c) => c.name);
    expect(names).toContain('Username-Password-Authentication');
    const db = page.data.find((c) => c.name === 'Username-Password-Authentication')!;
    expect(db).toMatchObject({ strategy: 'auth0', enabled_clients: [server.admin.clientId] });
    expect(db.id).toMatch(/^con_[A-Za-z0-9]{16}$/);
  });

  it('creates, reads, updates (options replaced whole) and deletes a database connection', async () => {
    const created = await management.connections.create({ name: 'members-db', strategy: 'auth0', options: { requires_username: true, passwordPolicy: 'excellent' } });
    expect(created).toMatchObject({ name: 'members-db', strategy: 'auth0', options: { requires_username: true, passwordPolicy: 'excellent' } });
    const got = await management.connections.get(created.id!);
    expect(got.name).toBe('members-db');

    const updated = await management.connections.update(created.id!, { options: { disable_signup: true, set_user_root_attributes: 'on_first_login' } });
    expect(updated.options).toEqual({ disable_signup: true, set_user_root_attributes: 'on_first_login' });

    await management.connections.delete(created.id!);
    await expect(management.connections.get(created.id!)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('pages with from/take as the SDK does, and with page/per_page/include_totals', async () => {
    for (let i = 0; i < 3; i++) await management.connections.create({ name: `paging-${i}`, strategy: 'auth0' });
    const first = await (await api('connections?take=2')).json();
    expect(first.connections).toHaveLength(2);
    expect(first.next).toEqual(expect.any(String));
    const second = await (await api(`connections?take=2&from=${first.next}`)).json();
    expect(second.connections[0].id).toBe(first.next);
    const totals = await (await api('connections?per_page=1&page=1&include_totals=true')).json();
    // Username-Password-Authentication, the dashboard's Portrait-Admins, and the three made here.
    expect(totals).toMatchObject({ total: 5, start: 1, limit: 1 });
    expect(totals.connections).toHaveLength(1);
    const only = await (await api('connections?strategy=auth0&fields=name&include_fields=true&per_page=1')).json();
    expect(only).toEqual([{ name: 'Username-Password-Authentication' }]);
  });

  it.each([
    ['POST', 'connections', { strategy: 'auth0' }, 400, 'invalid_body'],
    ['POST', 'connections', { name: 'bad name!', strategy: 'auth0' }, 400, 'invalid_body'],
    ['POST', 'connections', { name: 'x', strategy: 'auth0', surprise: true }, 400, 'invalid_body'],
    ['POST', 'connections', { name: 'x', strategy: 'auth0', options: { passwordPolicy: 'weakest' } }, 400, 'invalid_body'],
    ['POST', 'connections', { name: 'x', strategy: 'auth0', enabled_clients: 'one' }, 400, 'invalid_body'],
    ['POST', 'connections', { name: 'Username-Password-Authentication', strategy: 'auth0' }, 409, 'conflict'],
    ['POST', 'connections', { name: 'social', strategy: 'made-up' }, 400, 'bad_request'],
    ['PATCH', 'connections/con_0000000000000000', { display_name: 'x' }, 404, 'inexistent_connection'],
    ['GET', 'connections/con_0000000000000000', undefined, 404, 'inexistent_connection'],
    ['DELETE', 'connections/con_0000000000000000', undefined, 404, 'inexistent_connection'],
    ['GET', 'connections?take=0', undefined, 400, 'invalid_query_string'],
    ['GET', 'connections?per_page=101', undefined, 400, 'invalid_query_string'],
    ['GET', 'connections?from=nothing-like-this&take=1', undefined, 400, 'invalid_paging'],
    ['GET', `connections/${'x'.repeat(2000)}`, undefined, 414, 'uri_too_long'],
    ['GET', 'connections/%E0%A4%A', undefined, 400, 'invalid_uri'],
  ])('%s /%s %j → %i %s', async (method, path, body, status, errorCode) => {
    const res = await api(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ statusCode: status, errorCode });
  });

  it('refuses to rename or change the strategy of a connection', async () => {
    const [db] = (await management.connections.list({ name: 'Username-Password-Authentication' })).data;
    const res = await api(`connections/${db.id}`, { method: 'PATCH', body: JSON.stringify({ name: 'renamed' }) });
    expect(res.status).toBe(400);
    expect((await management.connections.get(db.id!)).name).toBe('Username-Password-Authentication');
  });
});
