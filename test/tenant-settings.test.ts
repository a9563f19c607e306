// GET/PATCH /api/v2/tenants/settings through the official SDK and raw HTTP, on both dialects: defaults, merge
// of top-level fields and of the picture block, validation, scopes, and what other processes see.
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDefaultPictureResolver } from '../src/pictures/default-picture-resolver.ts';
import { TenantSettingsStore } from '../src/tenant/tenant-settings-store.ts';
import { dialects } from './support/databases.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

describe.each(dialects)('tenant settings on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    management = new ManagementClient({ domain: sdkDomain(server), token: await server.managementToken() });
  });
  afterAll(async () => server?.close());

  const patch = async (body: unknown, scopes?: string[]) =>
    fetch(`${server.url}api/v2/tenants/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await server.managementToken(scopes)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it("starts as Auth0 does: Gravatar on, no default_url, Auth0's session lifetimes (72 h idle, 168 h in all)", async () => {
    const settings = await management.tenants.settings.get();
    expect(settings).toEqual({ picture: { gravatar: 'on', default_url: null }, idle_session_lifetime: 72, session_lifetime: 168 });
  });

  it('changes the session lifetimes, refuses out-of-range ones, and null brings back the defaults', async () => {
    expect(await management.tenants.settings.update({ idle_session_lifetime: 0.5, session_lifetime: 24 } as never)).toMatchObject({ idle_session_lifetime: 0.5, session_lifetime: 24 });
    for (const body of [{ session_lifetime: 0 }, { idle_session_lifetime: 9000 }, { session_lifetime: '24' }]) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await management.tenants.settings.get()).toMatchObject({ idle_session_lifetime: 0.5, session_lifetime: 24 });
    expect(await management.tenants.settings.update({ idle_session_lifetime: null, session_lifetime: null } as never)).toMatchObject({ idle_session_lifetime: 72, session_lifetime: 168 });
  });

  it('merges top-level fields and the picture block through the SDK', async () => {
    const first = await management.tenants.settings.update({
      friendly_name: 'Acme',
      support_email: 'help@acme.test',
      picture_url: 'https://acme.test/logo.png',
      picture: { gravatar: 'off' },
    } as never);
    expect(first).toEqual({
      friendly_name: 'Acme',
      support_email: 'help@acme.test',
      picture_url: 'https://acme.test/logo.png',
      picture: { gravatar: 'off', default_url: null },
      idle_session_lifetime: 72,
      session_lifetime: 168,
    });
    // A later PATCH of other fields keeps these, and `picture` merges field by field.
    const second = await management.tenants.settings.update({
      support_url: 'https://acme.test/help',
      picture: { default_url: 'https://cdn.acme.test/person.png' },
    } as never);
    expect(second).toMatchObject({
      friendly_name: 'Acme',
      support_url: 'https://acme.test/help',
      picture: { gravatar: 'off', default_url: 'https://cdn.acme.test/person.png' },
    });
    // null clears a field.
    const third = await management.tenants.settings.update({ support_url: null, picture: { default_url: null } } as never);
    expect(third).not.toHaveProperty('support_url');
    expect((third as { picture: unknown }).picture).toEqual({ gravatar: 'off', default_url: null });
    expect(await management.tenants.settings.get()).toEqual(third);
    const some = await management.tenants.settings.get({ fields: 'friendly_name', include_fields: true });
    expect(some).toEqual({ friendly_name: 'Acme' });
    await management.tenants.settings.update({ picture: { gravatar: 'on' } } as never);
  });

  it('refuses bad values with 400 invalid_body and changes nothing', async () => {
    const before = await management.tenants.settings.get();
    const bad = [
      { picture: { gravatar: 'sometimes' } },
      { picture: { default_url: 'javascript:alert(1)' } },
      { picture: { default_url: '/relative.png' } },
      { picture: { default_url: 'ftp://files.test/a.png' } },
      { picture: { unknown: true } },
      { picture_url: 'not a url' },
      { support_email: 'nobody' },
      { flags: { enable_client_connections: false } },
      { friendly_name: 42 },
    ];
    for (const body of bad) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = await res.json();
      expect(error).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
    }
    expect(await management.tenants.settings.get()).toEqual(before);
  });

  it('checks the tenant_settings scopes', async () => {
    const read = await fetch(`${server.url}api/v2/tenants/settings`, { headers: { authorization: `Bearer ${await server.managementToken(['read:users'])}` } });
    expect(read.status).toBe(403);
    expect((await read.json()).message).toBe('Insufficient scope, expected any of: read:tenant_settings');
    const write = await patch({ friendly_name: 'x' }, ['read:tenant_settings']);
    expect(write.status).toBe(403);
    expect((await write.json()).message).toBe('Insufficient scope, expected any of: update:tenant_settings');
  });

  it('reaches other processes within the cache lifetime, and this process at once', async () => {
    // A second store on the same database stands for another node.
    let clock = 0;
    const otherNode = new TenantSettingsStore(server.services.db, () => clock);
    await otherNode.refresh();
    const resolveHere = makeDefaultPictureResolver(server.services.tenantSettings, server.issuer);
    const resolveThere = makeDefaultPictureResolver(otherNode, server.issuer);
    const user = { email: 'ann@example.com', name: 'Ann Lee' };
    expect(resolveThere(user)).toMatch(/^https:\/\/s\.gravatar\.com\/avatar\//);

    await management.tenants.settings.update({ picture: { gravatar: 'off', default_url: 'https://cdn.acme.test/p.png' } } as never);
    expect(resolveHere(user)).toBe('https://cdn.acme.test/p.png');
    // The other node still holds its copy until it is 5 s old, then reloads in the background.
    expect(resolveThere(user)).toMatch(/^https:\/\/s\.gravatar\.com\//);
    clock += 5_000;
    resolveThere(user);
    await otherNode.refresh();
    expect(resolveThere(user)).toBe('https://cdn.acme.test/p.png');

    await management.tenants.settings.update({ picture: { default_url: null } } as never);
    expect(resolveHere(user)).toBe(`${server.issuer}avatars/al.png`);
    await management.tenants.settings.update({ picture: { gravatar: 'on' } } as never);
  });

  it('keeps concurrent PATCHes of different fields', async () => {
    await Promise.all([
      patch({ friendly_name: 'Concurrent' }),
      patch({ support_email: 'c@acme.test' }),
      patch({ picture: { default_url: 'https://c.acme.test/x.png' } }),
      patch({ picture: { gravatar: 'proxy' } }),
    ]);
    expect(await management.tenants.settings.get()).toMatchObject({
      friendly_name: 'Concurrent',
      support_email: 'c@acme.test',
      picture: { gravatar: 'proxy', default_url: 'https://c.acme.test/x.png' },
    });
  });
});
