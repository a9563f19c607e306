// The tenant the robustness sweep and the fuzzer aim at: a user (and another), a client, connections, a grant, a
// deployed action, an export job, through the Management API; with a real id for every path parameter and
// known-good values by property name, so that generated requests get past the first checks and reach deep.
import { rawRequest } from './raw-https.ts';
import type { FieldSamples } from './sweep-cases.ts';
import type { TestServer } from './test-server.ts';

export const DB_CONNECTION = 'Username-Password-Authentication';
export const STRONG_PASSWORD = 'Correct-Horse-9';

export interface Seed { userId: string; otherUserId: string; clientId: string; connectionId: string; dbConnectionId: string; grantId: string; actionId: string; versionId: string; jobId: string; kid: string }

export interface SweepTenant {
  seed: Seed;
  /** A real id for a path parameter, from the segment before it. */
  fill(name: string, template: string): string;
  samples: FieldSamples;
}

export async function seedSweepTenant(server: TestServer, token: string): Promise<SweepTenant> {
  let unique = 0;
  async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await rawRequest(server.url, {
      method, path: `/api/v2${path}`,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status >= 300) throw new Error(`seeding ${method} ${path}: ${res.status} ${res.text}`);
    return JSON.parse(res.text) as Record<string, unknown>;
  }

  const user = await call('POST', '/users', { connection: DB_CONNECTION, email: 'seed@example.com', password: STRONG_PASSWORD });
  const other = await call('POST', '/users', { connection: DB_CONNECTION, email: 'other@example.com', password: STRONG_PASSWORD });
  const client = await call('POST', '/clients', { name: 'Sweep client' });
  const connection = await call('POST', '/connections', { name: 'sweep-db', strategy: 'auth0' });
  const db = (await call('GET', `/connections?name=${DB_CONNECTION}`)) as unknown as Array<{ id: string }>;
  const grant = await call('POST', '/client-grants', { client_id: client.client_id, audience: server.services.managementAudience.canonical, scope: ['read:users'] });
  const action = await call('POST', '/actions/actions', { name: 'sweep-action', supported_triggers: [{ id: 'post-login', version: 'v3' }], code: 'exports.onExecutePostLogin = async () => {};' });
  const deployed = await call('POST', `/actions/actions/${action.id}/deploy`);
  const job = await call('POST', '/jobs/users-exports', { format: 'json' });
  const keys = (await call('GET', '/keys/signing')) as unknown as Array<{ kid: string }>;
  const seed: Seed = {
    userId: String(user.user_id), otherUserId: String(other.user_id), clientId: String(client.client_id), connectionId: String(connection.id),
    dbConnectionId: db[0].id, grantId: String(grant.id), actionId: String(action.id), versionId: String(deployed.id), jobId: String(job.id), kid: keys[0].kid,
  };

  function fill(name: string, template: string): string {
    const before = template.split('/').at(template.split('/').indexOf(`{${name}}`) - 1) ?? '';
    if (name === 'triggerId') return 'post-login';
    if (name === 'kid') return seed.kid;
    if (name === 'provider') return 'auth0';
    if (name === 'user_id') return seed.otherUserId.replace(/^auth0\|/, '');
    if (before === 'versions') return seed.versionId;
    const byCollection: Record<string, string> = {
      users: seed.userId, 'user-blocks': seed.userId, clients: seed.clientId, connections: seed.connectionId,
      'client-grants': seed.grantId, actions: seed.actionId, jobs: seed.jobId,
    };
    return byCollection[before] ?? 'sweep';
  }

  const samples: FieldSamples = {
    connection: () => DB_CONNECTION,
    email: () => `sweep${++unique}@example.com`,
    password: () => STRONG_PASSWORD,
    name: () => `sweep-${++unique}`,
    strategy: () => 'auth0',
    client_id: () => seed.clientId,
    audience: () => server.services.managementAudience.canonical,
    scope: () => ['read:users'],
    code: () => 'exports.onExecutePostLogin = async (event, api) => {};',
    supported_triggers: () => [{ id: 'post-login', version: 'v3' }],
    bindings: () => [{ ref: { type: 'action_id', value: seed.actionId }, display_name: 'sweep' }],
    connection_id: () => seed.dbConnectionId,
    provider: () => 'auth0',
    format: () => 'json',
    payload: () => ({}),
  };
  return { seed, fill, samples };
}
