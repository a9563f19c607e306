// APIs (/resource-servers), roles and permissions through the official auth0 SDK over TLS, on both dialects:
// the Management API listed as the system API, every refusal in Auth0's error shape, paging as the SDK walks it,
// and the clean-up when a role, a user or an API goes.
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

const refusal = (statusCode: number, errorCode: string, message?: string) => ({
  statusCode,
  body: { statusCode, errorCode, ...(message ? { message: expect.stringContaining(message) } : {}) },
});

describe.each(dialects)('APIs, roles and permissions on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
  });
  afterAll(async () => server?.close());

  const all = async <T>(page: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const item of page) out.push(item);
    return out;
  };
  const newUser = (email: string) =>
    management.users.create({ connection: 'Username-Password-Authentication', email, password: 'Correct-Horse-9' }).then((u) => u.user_id!);

  it('lists the Management API as a system API that cannot be changed or deleted', async () => {
    const apis = await management.resourceServers.list();
    const system = apis.data.find((a) => a.is_system);
    expect(system).toMatchObject({ name: 'Auth0 Management API', identifier: `${server.issuer}api/v2/`, is_system: true, signing_alg: 'RS256' });
    expect(system!.scopes!.map((s) => s.value)).toContain('read:roles');
    expect(await management.resourceServers.get(system!.id!)).toMatchObject({ is_system: true });
    await expect(management.resourceServers.update(system!.id!, { name: 'Mine now' })).rejects.toMatchObject(refusal(400, 'operation_not_supported', 'system API'));
    await expect(management.resourceServers.delete(system!.id!)).rejects.toMatchObject(refusal(400, 'operation_not_supported', 'system API'));
    await expect(management.resourceServers.create({ identifier: `${server.issuer}api/v2/`, name: 'Copy' })).rejects.toMatchObject(refusal(409, 'conflict'));
  });

  it('creates, reads (by id or identifier), changes and deletes an API with Auth0\'s fields and defaults', async () => {
    const created = await management.resourceServers.create({ identifier: 'https://notes.example.com/', name: 'Notes', scopes: [{ value: 'read:notes', description: 'Read notes' }] });
    expect(created).toMatchObject({
      name: 'Notes', identifier: 'https://notes.example.com/', is_system: false, signing_alg: 'RS256', token_lifetime: 86400, token_lifetime_for_web: 7200,
      allow_offline_access: false, skip_consent_for_verifiable_first_party_clients: true, enforce_policies: false, token_dialect: 'access_token',
    });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created).not.toHaveProperty('signing_secret');
    expect(await management.resourceServers.get('https://notes.example.com/')).toEqual(created);

    const updated = await management.resourceServers.update(created.id!, {
      name: 'Notes API', enforce_policies: true, token_dialect: 'access_token_authz', token_lifetime: 3600, token_lifetime_for_web: 600,
      scopes: [{ value: 'read:notes', description: 'Read notes' }, { value: 'write:notes' }],
      // Not in the SDK v7's request type (Auth0's newer document leaves it out); older clients still send it.
    } as Parameters<typeof management.resourceServers.update>[1]);
    expect(updated).toMatchObject({ name: 'Notes API', identifier: 'https://notes.example.com/', enforce_policies: true, token_dialect: 'access_token_authz', token_lifetime: 3600 });
    expect(updated.scopes).toEqual([{ value: 'read:notes', description: 'Read notes' }, { value: 'write:notes' }]);

    await management.resourceServers.delete(created.id!);
    await expect(management.resourceServers.get(created.id!)).rejects.toMatchObject(refusal(404, 'inexistent_resource_server'));
  });

  it('refuses duplicate identifiers, a changed identifier, other signing algorithms and bad lifetimes, changing nothing', async () => {
    const api = await management.resourceServers.create({ identifier: 'https://strict.example.com/', name: 'Strict' });
    await expect(management.resourceServers.create({ identifier: 'https://strict.example.com/', name: 'Again' })).rejects.toMatchObject(refusal(409, 'conflict'));
    await expect(management.resourceServers.update(api.id!, { identifier: 'https://other.example.com/' } as never)).rejects.toMatchObject(refusal(400, 'invalid_body', 'identifier'));
    await expect(management.resourceServers.create({ identifier: 'https://hs.example.com/', signing_alg: 'HS256' })).rejects.toMatchObject(refusal(400, 'invalid_body', 'RS256'));
    await expect(management.resourceServers.update(api.id!, { signing_alg: 'PS256' })).rejects.toMatchObject(refusal(400, 'invalid_body', 'PS256'));
    await expect(management.resourceServers.update(api.id!, { token_lifetime: 60, token_lifetime_for_web: 120 } as never)).rejects.toMatchObject(refusal(400, 'invalid_body', 'token_lifetime_for_web'));
    await expect(management.resourceServers.update(api.id!, { scopes: [{ value: 'a' }, { value: 'a' }] })).rejects.toMatchObject(refusal(400, 'invalid_body', 'twice'));
    await expect(management.resourceServers.create({ identifier: 'https://dialect.example.com/', token_dialect: 'jwe' as never })).rejects.toMatchObject(refusal(400, 'invalid_body'));
    expect(await management.resourceServers.get(api.id!)).toEqual(api);
    await expect(management.resourceServers.get('0123456789abcdef01234567')).rejects.toMatchObject(refusal(404, 'inexistent_resource_server'));
    await expect(management.resourceServers.get('https://hs.example.com/')).rejects.toMatchObject(refusal(404, 'inexistent_resource_server'));
  });

  it('lets client grants name only existing APIs and their scopes; deleting an API removes its grants', async () => {
    const machine = await management.clients.create({ name: 'Orders worker', app_type: 'non_interactive' });
    await expect(management.clientGrants.create({ client_id: machine.client_id!, audience: 'https://nowhere.example.com/', scope: [] }))
      .rejects.toMatchObject(refusal(404, 'inexistent_resource_server'));
    const api = await management.resourceServers.create({ identifier: 'https://orders.example.net/', scopes: [{ value: 'read:orders' }] });
    await expect(management.clientGrants.create({ client_id: machine.client_id!, audience: api.identifier!, scope: ['write:orders'] }))
      .rejects.toMatchObject(refusal(400, 'invalid_body', 'write:orders'));
    const grant = await management.clientGrants.create({ client_id: machine.client_id!, audience: api.identifier!, scope: ['read:orders'] });
    await management.resourceServers.delete(api.id!);
    await expect(management.clientGrants.get(grant.id!)).rejects.toMatchObject(refusal(404, 'inexistent_client_grant'));
  });

  it('manages roles with their permissions and refuses unknown ids, duplicate names and undefined scopes', async () => {
    const api = await management.resourceServers.create({ identifier: 'https://docs.example.com/', name: 'Docs', scopes: [{ value: 'read:docs', description: 'Read' }, { value: 'write:docs' }] });
    const editor = await management.roles.create({ name: 'Editor', description: 'Writes docs' });
    expect(editor.id).toMatch(/^rol_[A-Za-z0-9]{16}$/);
    expect(await management.roles.get(editor.id!)).toEqual(editor);
    await expect(management.roles.create({ name: 'Editor' })).rejects.toMatchObject(refusal(409, 'conflict'));
    const reader = await management.roles.create({ name: 'Reader' });
    await expect(management.roles.update(reader.id!, { name: 'Editor' })).rejects.toMatchObject(refusal(409, 'conflict'));
    expect(await management.roles.update(reader.id!, { description: 'Reads docs' })).toEqual({ id: reader.id, name: 'Reader', description: 'Reads docs' });
    const filtered = await management.roles.list({ name_filter: 'edit' });
    expect(filtered.data.map((r) => r.name)).toEqual(['Editor']);

    await management.roles.permissions.add(editor.id!, {
      permissions: [{ resource_server_identifier: api.identifier!, permission_name: 'read:docs' }, { resource_server_identifier: api.identifier!, permission_name: 'write:docs' }],
    });
    const permissions = await management.roles.permissions.list(editor.id!);
    expect(permissions.data).toEqual([
      { resource_server_identifier: api.identifier, permission_name: 'read:docs', resource_server_name: 'Docs', description: 'Read' },
      { resource_server_identifier: api.identifier, permission_name: 'write:docs', resource_server_name: 'Docs' },
    ]);
    await expect(management.roles.permissions.add(editor.id!, { permissions: [{ resource_server_identifier: api.identifier!, permission_name: 'delete:docs' }] }))
      .rejects.toMatchObject(refusal(400, 'invalid_body', 'delete:docs'));
    await expect(management.roles.permissions.add(editor.id!, { permissions: [{ resource_server_identifier: 'https://none.example.com/', permission_name: 'x' }] }))
      .rejects.toMatchObject(refusal(404, 'inexistent_resource_server'));
    await expect(management.roles.permissions.add('rol_0000000000000000', { permissions: [{ resource_server_identifier: api.identifier!, permission_name: 'read:docs' }] }))
      .rejects.toMatchObject(refusal(404, 'inexistent_role'));
    await management.roles.permissions.delete(editor.id!, { permissions: [{ resource_server_identifier: api.identifier!, permission_name: 'write:docs' }] });
    expect((await management.roles.permissions.list(editor.id!)).data.map((p) => p.permission_name)).toEqual(['read:docs']);

    // A scope removed from the API is removed from the roles that carried it.
    await management.resourceServers.update(api.id!, { scopes: [{ value: 'write:docs' }] });
    expect((await management.roles.permissions.list(editor.id!)).data).toEqual([]);

    await management.roles.delete(reader.id!);
    await expect(management.roles.get(reader.id!)).rejects.toMatchObject(refusal(404, 'inexistent_role'));
    await expect(management.roles.delete(reader.id!)).rejects.toMatchObject(refusal(404, 'inexistent_role'));
  });

  it('assigns roles and direct permissions to users, pages members by checkpoint, and cleans links when a role, user or API goes', async () => {
    const api = await management.resourceServers.create({ identifier: 'https://crm.example.com/', name: 'CRM', scopes: [{ value: 'read:leads' }, { value: 'export:leads' }] });
    const sales = await management.roles.create({ name: 'Sales' });
    const ids = await Promise.all(['s1', 's2', 's3', 's4', 's5'].map((n) => newUser(`${n}@crm.example.com`)));
    await management.roles.users.assign(sales.id!, { users: ids });
    await management.roles.users.assign(sales.id!, { users: [ids[0]] });
    await expect(management.roles.users.assign(sales.id!, { users: ['auth0|nobody'] })).rejects.toMatchObject(refusal(404, 'inexistent_user'));

    // The SDK walks the members by checkpoint (take, then from=next).
    const members = await all(await management.roles.users.list(sales.id!, { take: 2 }));
    expect(members.map((m) => m.user_id).sort()).toEqual([...ids].sort());
    expect(members[0]).toMatchObject({ email: expect.stringContaining('@crm.example.com') });
    const admin = await server.managementToken();
    const get = (path: string) => fetch(`${server.url}api/v2/${path}`, { headers: { authorization: `Bearer ${admin}` } }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const offset = await get(`roles/${sales.id}/users?per_page=2&page=1&include_totals=true`);
    expect(offset.body).toMatchObject({ start: 2, limit: 2, total: 5 });
    expect(offset.body.users).toHaveLength(2);
    expect((await get(`roles/${sales.id}/users?from=auth0%7Cnot-a-member&take=2`)).body).toMatchObject({ statusCode: 400, errorCode: 'invalid_paging' });

    const [first, second] = ids;
    const manager = await management.roles.create({ name: 'Sales manager' });
    await management.users.roles.assign(first, { roles: [manager.id!] });
    expect((await management.users.roles.list(first)).data.map((r) => r.name).sort()).toEqual(['Sales', 'Sales manager']);
    await expect(management.users.roles.assign(first, { roles: ['rol_0000000000000000'] })).rejects.toMatchObject(refusal(404, 'inexistent_role'));
    await expect(management.users.roles.assign('auth0|nobody', { roles: [manager.id!] })).rejects.toMatchObject(refusal(404, 'inexistent_user'));
    await management.users.roles.delete(first, { roles: [manager.id!] });
    expect((await management.users.roles.list(first)).data.map((r) => r.name)).toEqual(['Sales']);

    await management.users.permissions.create(second, { permissions: [{ resource_server_identifier: api.identifier!, permission_name: 'export:leads' }] });
    expect((await management.users.permissions.list(second)).data).toEqual([
      { resource_server_identifier: api.identifier, permission_name: 'export:leads', resource_server_name: 'CRM' },
    ]);
    await expect(management.users.permissions.create(second, { permissions: [{ resource_server_identifier: api.identifier!, permission_name: 'fly' }] }))
      .rejects.toMatchObject(refusal(400, 'invalid_body', 'fly'));
    await management.roles.permissions.add(sales.id!, { permissions: [{ resource_server_identifier: api.identifier!, permission_name: 'read:leads' }] });
    expect(await server.services.authz.permissionsOf(second, api.identifier!)).toEqual(['export:leads', 'read:leads']);
    await management.users.permissions.delete(second, { permissions: [{ resource_server_identifier: api.identifier!, permission_name: 'export:leads' }] });
    expect(await server.services.authz.permissionsOf(second, api.identifier!)).toEqual(['read:leads']);

    // A deleted user leaves the role; a deleted role leaves its users; a deleted API leaves no permission.
    await management.users.delete(ids[4]);
    expect((await all(await management.roles.users.list(sales.id!, { take: 50 }))).map((m) => m.user_id)).not.toContain(ids[4]);
    await management.users.permissions.create(first, { permissions: [{ resource_server_identifier: api.identifier!, permission_name: 'export:leads' }] });
    await management.roles.delete(sales.id!);
    expect((await management.users.roles.list(first)).data).toEqual([]);
    expect(await server.services.authz.permissionsOf(first, api.identifier!)).toEqual(['export:leads']);
    await management.resourceServers.delete(api.id!);
    expect((await management.users.permissions.list(first)).data).toEqual([]);
  });

  it('checks the scopes Auth0 names for each route', async () => {
    const readOnly = await server.managementToken(['read:roles']);
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}api/v2/${path}`, {
        method, headers: { authorization: `Bearer ${readOnly}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
      });
    expect((await call('GET', 'roles')).status).toBe(200);
    const refused = await call('POST', 'roles', { name: 'Sneaky' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ errorCode: 'insufficient_scope' });
    expect((await call('GET', 'resource-servers')).status).toBe(403);
    expect((await call('POST', 'users/auth0%7Cx/roles', { roles: ['rol_0000000000000000'] })).status).toBe(403);
  });
});
