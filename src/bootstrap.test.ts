// The first start on both databases: migrations, the default connection, the admin client and its grant,
// idempotent on every later start, whether the client comes from the variables or is generated.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, dialects, type TestDatabase } from '../test/support/databases.ts';
import { bootstrapTenant } from './bootstrap.ts';
import { loadConfig, type Env } from './config.ts';
import { DEFAULT_DATABASE_CONNECTION } from './connections/connections-store.ts';
import { MANAGEMENT_SCOPES } from './management/scopes.ts';
import { ID_PATTERNS } from './platform/ids.ts';
import { createServices } from './services.ts';

describe.each(dialects)('bootstrapTenant on %s', (dialect) => {
  let database: TestDatabase;
  let dataDir: string;
  afterEach(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function startOnce(env: Env = {}) {
    const config = { ...loadConfig({ PORTRAIT_DATA_DIR: dataDir, ...env }), database: database.config };
    const services = await createServices(config);
    try {
      const result = await bootstrapTenant(services);
      const clients = await services.clients.list();
      const connections = await services.connections.list();
      const grants = await services.clients.listGrants();
      const keys = await services.keys.jwks();
      return { result, clients, connections, grants, keys, services };
    } finally {
      await services.close();
    }
  }

  it('creates the tenant defaults once and generates the admin secret only on the first start', async () => {
    database = await createTestDatabase(dialect);
    dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-boot-'));
    const first = await startOnce();
    expect(first.connections.map((c) => c.name)).toEqual([DEFAULT_DATABASE_CONNECTION]);
    expect(first.connections[0].id).toMatch(ID_PATTERNS.connection);
    expect(first.connections[0].enabled_clients).toEqual([first.result.adminClientId]);
    expect(first.clients).toHaveLength(1);
    expect(first.grants).toHaveLength(1);
    expect(first.grants[0]).toMatchObject({ audience: 'http://localhost:3000/api/v2/', scope: [...MANAGEMENT_SCOPES] });
    expect(first.keys.keys).toHaveLength(1);
    expect(first.result.generatedSecret).toBeTruthy();

    const file = path.join(dataDir, 'admin-client.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written).toEqual({ client_id: first.result.adminClientId, client_secret: first.result.generatedSecret, audience: 'http://localhost:3000/api/v2/' });

    const second = await startOnce();
    expect(second.result.generatedSecret).toBeNull();
    expect(second.result.adminClientId).toBe(first.result.adminClientId);
    expect(second.clients).toHaveLength(1);
    expect(second.connections).toHaveLength(1);
    expect(second.grants).toHaveLength(1);
    expect(second.keys.keys).toHaveLength(1);
  });

  it('takes the admin client from the bootstrap variables, idempotently, and follows a changed secret', async () => {
    database = await createTestDatabase(dialect);
    dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-boot-'));
    const env = { PORTRAIT_BOOTSTRAP_CLIENT_ID: 'ops-admin-client', PORTRAIT_BOOTSTRAP_CLIENT_SECRET: 's'.repeat(40) };
    const first = await startOnce(env);
    expect(first.result).toEqual({ adminClientId: 'ops-admin-client', generatedSecret: null, adminClientFile: null });
    await startOnce(env);
    const changed = await startOnce({ ...env, PORTRAIT_BOOTSTRAP_CLIENT_SECRET: 't'.repeat(40) });
    expect(changed.clients).toHaveLength(1);
    const config = { ...loadConfig({ PORTRAIT_DATA_DIR: dataDir }), database: database.config };
    const services = await createServices(config);
    try {
      expect(await services.clients.verifySecret('ops-admin-client', 't'.repeat(40))).toBe(true);
      expect(await services.clients.verifySecret('ops-admin-client', 's'.repeat(40))).toBe(false);
    } finally {
      await services.close();
    }
  });

  it('moves the admin grant and admin-client.json to the new audience when the issuer or port changes', async () => {
    database = await createTestDatabase(dialect);
    dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-boot-'));
    const first = await startOnce();
    const moved = await startOnce({ PORT: '4000' });
    expect(moved.grants).toEqual([expect.objectContaining({ audience: 'http://localhost:4000/api/v2/', scope: [...MANAGEMENT_SCOPES] })]);
    const renamed = await startOnce({ PORTRAIT_ISSUER: 'https://id.example.com/' });
    expect(renamed.grants.map((g) => g.audience)).toEqual(['https://id.example.com/api/v2/']);
    const written = JSON.parse(readFileSync(path.join(dataDir, 'admin-client.json'), 'utf8'));
    expect(written).toEqual({ client_id: first.result.adminClientId, client_secret: first.result.generatedSecret, audience: 'https://id.example.com/api/v2/' });
  });

  it('turns the audiences that client grants named before APIs existed into APIs, once', async () => {
    database = await createTestDatabase(dialect);
    dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-boot-'));
    const first = await startOnce();
    // A grant written before the registry existed (the store does not check audiences; the routes do).
    const config = { ...loadConfig({ PORTRAIT_DATA_DIR: dataDir }), database: database.config };
    const services = await createServices(config);
    try {
      await services.clients.createGrant(first.result.adminClientId, 'https://legacy.example/', ['read:things', 'write:things']);
    } finally {
      await services.close();
    }
    const second = await startOnce();
    const reopened = await createServices(config);
    try {
      const api = await reopened.authz.findApi('https://legacy.example/');
      expect(api).toMatchObject({ identifier: 'https://legacy.example/', name: 'https://legacy.example/', is_system: false, enforce_policies: false });
      expect(api!.scopes.map((s) => s.value)).toEqual(['read:things', 'write:things']);
      expect(second.grants).toHaveLength(2);
      await bootstrapTenant(reopened);
      expect(await reopened.authz.resourceServers.list()).toHaveLength(1);
    } finally {
      await reopened.close();
    }
  });
});
