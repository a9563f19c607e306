// First start: what a new Auth0 tenant already has — the database connection Username-Password-Authentication
// and a machine-to-machine client holding every Management API scope — plus the first signing key.
// Safe to run on every start and on many nodes at once.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BOOTSTRAP_METADATA_KEY, isBootstrapClient } from './clients/client-rules.ts';
import type { ClientsStore } from './clients/clients-store.ts';
import type { Config } from './config.ts';
import type { ConnectionsStore } from './connections/connections-store.ts';
import type { SigningKeys } from './keys/signing-keys.ts';
import type { ManagementAudience } from './management/access-tokens.ts';
import { MANAGEMENT_SCOPES } from './management/scopes.ts';
import type { Authz } from './authz/index.ts';

export interface BootstrapResult {
  adminClientId: string;
  /** Set only when this start generated the admin client's secret (it is printed once, then never again). */
  generatedSecret: string | null;
  adminClientFile: string | null;
}


/** Rewrites the audience in an existing admin-client.json of this client (the secret in it stays). */
function followAudience(file: string, clientId: string, audience: string): void {
  if (!existsSync(file)) return;
  let saved: { client_id?: unknown; audience?: unknown };
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return; // not ours to repair; the operator edited it
  }
  if (saved.client_id !== clientId || saved.audience === audience) return;
  writeFileSync(file, JSON.stringify({ ...saved, audience }, null, 2) + '\n', { mode: 0o600 });
}

export async function bootstrapTenant(deps: {
  config: Config;
  clients: ClientsStore;
  connections: ConnectionsStore;
  keys: SigningKeys;
  managementAudience: ManagementAudience;
  /** When given, audiences that client grants named before APIs were registered become APIs (authz README). */
  authz?: Pick<Authz, 'adoptGrantAudiences'>;
}): Promise<BootstrapResult> {
  const { config, clients, connections, keys, managementAudience } = deps;
  await keys.ensureKey();
  const connection = await connections.ensureDefaultDatabaseConnection();

  const wanted = config.bootstrapClient;
  let clientId: string;
  let generatedSecret: string | null = null;
  const existing = wanted
    ? await clients.get(wanted.id)
    : (await clients.list()).find((c) => isBootstrapClient(c));

  if (existing) {
    clientId = existing.client_id;
    // The variables are the source of truth: a changed secret takes effect on the next start.
    if (wanted && !(await clients.verifySecret(wanted.id, wanted.secret))) await clients.setSecret(wanted.id, wanted.secret);
  } else {
    const created = await clients.create({
      client_id: wanted?.id,
      client_secret: wanted?.secret,
      name: 'Portrait Management API (bootstrap)',
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_post',
      client_metadata: { [BOOTSTRAP_METADATA_KEY]: 'true' },
    });
    clientId = created.client.client_id;
    if (!wanted) generatedSecret = created.secret;
  }

  // When the issuer (or the port in the default issuer) changes, the grant follows it: grants of this client for
  // a former Management API audience are removed instead of piling up.
  for (const stale of await clients.listGrants({ client_id: clientId })) {
    if (stale.audience !== managementAudience.canonical && /\/api\/v2\/$/.test(stale.audience)) await clients.deleteGrant(stale.id);
  }
  const [grant] = await clients.listGrants({ client_id: clientId, audience: managementAudience.canonical });
  if (!grant) await clients.createGrant(clientId, managementAudience.canonical, [...MANAGEMENT_SCOPES]);
  else if (MANAGEMENT_SCOPES.some((s) => !grant.scope.includes(s))) {
    await clients.updateGrantScope(grant.id, [...new Set([...grant.scope, ...MANAGEMENT_SCOPES])]);
  }
  if (!connection.enabled_clients.includes(clientId)) await connections.enableClientEverywhere(clientId);
  await deps.authz?.adoptGrantAudiences(await clients.listGrants());

  let adminClientFile: string | null = null;
  followAudience(path.join(config.dataDir, 'admin-client.json'), clientId, managementAudience.canonical);
  if (generatedSecret) {
    adminClientFile = path.join(config.dataDir, 'admin-client.json');
    mkdirSync(config.dataDir, { recursive: true });
    if (!existsSync(adminClientFile)) {
      writeFileSync(
        adminClientFile,
        JSON.stringify({ client_id: clientId, client_secret: generatedSecret, audience: managementAudience.canonical }, null, 2) + '\n',
        { mode: 0o600 },
      );
      chmodSync(adminClientFile, 0o600);
    }
  }
  return { adminClientId: clientId, generatedSecret, adminClientFile };
}

