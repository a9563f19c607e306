// The long-lived parts of one Portrait process, built once from the configuration and shared by the routes.
import type { ActionsService } from './actions/actions-service.ts';
import { createActionsService } from './actions/create-actions-service.ts';
import { ClientsStore } from './clients/clients-store.ts';
import type { Config } from './config.ts';
import { ConnectionsStore } from './connections/connections-store.ts';
import { SigningKeys } from './keys/signing-keys.ts';
import { SignIn } from './login/index.ts';
import { AccessTokens, managementAudience, type ManagementAudience } from './management/access-tokens.ts';
import { allMigrations } from './migrations.ts';
import { openDatabase, type DatabaseHandle } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrations.ts';
import type { BlobStore } from './platform/blobs/blob-store.ts';
import { createBlobStore } from './platform/blobs/create-blob-store.ts';
import { UsersStore } from './users/users-store.ts';
import { UsersBulk } from './users/bulk.ts';
import { createJobsService, type JobsService } from './jobs/jobs-service.ts';

export interface Services {
  config: Config;
  db: DatabaseHandle;
  /** Uploaded pictures and export files. */
  blobs: BlobStore;
  keys: SigningKeys;
  tokens: AccessTokens;
  clients: ClientsStore;
  connections: ConnectionsStore;
  users: UsersStore;
  /** Bulk import/export jobs and this node's job runner (started by buildApp, stopped when the app closes). */
  jobs: JobsService;
  managementAudience: ManagementAudience;
  /** The Authentication API (oidc-provider), hosted login pages and brute-force protection. */
  signIn: SignIn;
  /** Actions: the engine, the store, and `runTrigger`/`loadBoundActions` for the login flow. */
  actions: ActionsService;
  close(): Promise<void>;
}

export async function createServices(config: Config, options: { migrate?: boolean } = {}): Promise<Services> {
  const db = openDatabase(config.database);
  try {
    if (options.migrate !== false) await migrateToLatest(db, allMigrations);
  } catch (error) {
    await db.close();
    throw error;
  }
  const keys = new SigningKeys(db);
  let actions: ActionsService;
  try {
    actions = await createActionsService(db, config);
  } catch (error) {
    await db.close();
    throw error;
  }
  const connections = new ConnectionsStore(db);
  const usersDeps = { connections, issuer: config.issuer, maxProfileBytes: config.maxProfileBytes };
  const tokens = new AccessTokens(keys, config.issuer);
  const clients = new ClientsStore(db);
  const users = new UsersStore(db, usersDeps);
  const audience = managementAudience(config.issuer);
  const signIn = new SignIn({ config, db, keys, tokens, clients, connections, users, managementAudience: audience });
  return {
    config,
    db,
    blobs: createBlobStore(config.blobStore),
    keys,
    tokens,
    clients,
    connections,
    users,
    jobs: createJobsService(config, db, connections, new UsersBulk(db, usersDeps)),
    managementAudience: audience,
    signIn,
    actions,
    close: async () => {
      signIn.close();
      actions.engine.close();
      await db.close();
    },
  };
}
