// The long-lived parts of one Portrait process, built once from the configuration and shared by the routes.
import type { ActionsService } from './actions/actions-service.ts';
import type { ActionsLogger } from './actions/run-flow.ts';
import { createActionsService } from './actions/create-actions-service.ts';
import { SignInTriggers } from './actions/sign-in-triggers.ts';
import { ClientsStore } from './clients/clients-store.ts';
import { ConfigError, type Config } from './config.ts';
import { ConnectionsStore } from './connections/connections-store.ts';
import pino from 'pino';
import { SigningKeys } from './keys/signing-keys.ts';
import { SecretsKeyMismatch, secretsCipherFor } from './platform/secrets-cipher.ts';
import { SignIn } from './login/index.ts';
import { AccessTokens, managementAudience, type ManagementAudience } from './management/access-tokens.ts';
import { allMigrations } from './migrations.ts';
import { RevokedTokens } from './management/revoked-tokens.ts';
import { openDatabase, type DatabaseHandle } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrations.ts';
import type { BlobStore } from './platform/blobs/blob-store.ts';
import { createBlobStore } from './platform/blobs/create-blob-store.ts';
import { GravatarProxy } from './pictures/gravatar-proxy.ts';
import { outboundAddressPolicy } from './platform/outbound/address-policy.ts';
import { createGuardedFetch } from './platform/outbound/guarded-fetch.ts';
import { PictureUploadService } from './pictures/picture-upload-service.ts';
import { PictureUploadsStore } from './pictures/picture-uploads-store.ts';
import { makeDefaultPictureResolver } from './pictures/default-picture-resolver.ts';
import { TenantSettingsStore } from './tenant/tenant-settings-store.ts';
import { UserIdentities } from './users/identities.ts';
import type { User } from './users/index.ts';
import { UsersStore } from './users/users-store.ts';
import { UsersBulk } from './users/bulk.ts';
import { createJobsService, type JobsService } from './jobs/jobs-service.ts';
import { wireEmail } from './email/wire-email.ts';
import type { EmailService } from './email/index.ts';
import { Authz } from './authz/index.ts';

export interface Services {
  config: Config;
  db: DatabaseHandle;
  /** Uploaded pictures (job files stream through jobs/job-files.ts instead). */
  blobs: BlobStore;
  keys: SigningKeys;
  tokens: AccessTokens;
  /** The Management API's token blacklist (/api/v2/blacklists/tokens). */
  revokedTokens: RevokedTokens;
  clients: ClientsStore;
  connections: ConnectionsStore;
  users: UsersStore;
  /** Federated sign-ins and account linking (identities[]). */
  identities: UserIdentities;
  /** Bulk import/export jobs and this node's job runner (started by buildApp, stopped when the app closes). */
  jobs: JobsService;
  managementAudience: ManagementAudience;
  tenantSettings: TenantSettingsStore;
  gravatarProxy: GravatarProxy;
  /** Picture uploads: processing, storage, and the user's picture pointing at them. */
  pictures: PictureUploadService<User>;
  /** The Authentication API (oidc-provider), hosted login pages and brute-force protection. */
  signIn: SignIn;
  /** Actions: the engine, the store, and `runTrigger`/`loadBoundActions` for the login flow. */
  actions: ActionsService;
  /** Mail: the outbox and this node's sender (started by buildApp, stopped when the app closes), templates, tickets. */
  email: EmailService;
  /** APIs (resource servers), roles and permissions. */
  authz: Authz;
  close(): Promise<void>;
}

export interface ServicesOptions {
  migrate?: boolean;
  /** Where the Actions engine and the triggers log (default: pino at the configured level); tests read it. */
  actionsLogger?: ActionsLogger;
}

export async function createServices(config: Config, options: ServicesOptions = {}): Promise<Services> {
  const db = openDatabase(config.database);
  try {
    if (options.migrate !== false) await migrateToLatest(db, allMigrations);
  } catch (error) {
    await db.close();
    throw error;
  }
  // One cipher for every secret at rest (Action secrets, private signing keys).
  const cipher = secretsCipherFor(config);
  const keys = new SigningKeys(db, cipher);
  // Every request the server sends to another host goes through one guard (platform/outbound).
  const addressPolicy = outboundAddressPolicy(config.allowPrivateOutbound);
  const outboundFetch = createGuardedFetch({ addressPolicy, timeoutMs: config.upstreamTimeoutMs });
  let actions: ActionsService;
  try {
    actions = await createActionsService(db, config, {
      cipher,
      engine: { fetch: { addressPolicy }, flowTimeoutMs: config.actionsTimeoutMs, memoryLimitMb: config.actionsMemoryMb, ...(options.actionsLogger ? { logger: options.actionsLogger } : {}) },
    });
    await encryptSigningKeysAtRest(keys);
  } catch (error) {
    await db.close();
    throw error;
  }
  const connections = new ConnectionsStore(db);
  const tenantSettings = new TenantSettingsStore(db);
  // Loaded before the first request: the default-picture resolver reads it synchronously.
  await tenantSettings.refresh();
  const tokens = new AccessTokens(keys, config.issuer);
  const clients = new ClientsStore(db);
  const usersDeps = {
    connections,
    issuer: config.issuer,
    maxProfileBytes: config.maxProfileBytes,
    // Default pictures are computed when a profile is read, from the tenant's current picture settings.
    resolveDefaultPicture: makeDefaultPictureResolver(tenantSettings, config.issuer),
  };
  const users = new UsersStore(db, usersDeps);
  const audience = managementAudience(config.issuer);
  const identities = new UserIdentities(db);
  const authz = new Authz(db, audience);
  // A deleted user leaves no role or permission behind; a deleted API takes its client grants with it.
  users.deletions.on(({ userId }) => authz.forgetUser(userId));
  authz.apiDeletions.on(({ identifier }) => clients.deleteGrantsForAudience(identifier));
  const signIn = new SignIn({
    config, db, keys, tokens, clients, connections, users, identities, managementAudience: audience, authz, outboundFetch,
    tenantName: () => tenantSettings.current().friendly_name || undefined,
    sessionLifetimes: () => tenantSettings.current(),
  });
  const actionsLogger = options.actionsLogger ?? pino({ level: config.logLevel, name: 'actions' });
  wireActionsIntoSignIn({ signIn, users, connections, actions, audience, issuer: config.issuer, logger: actionsLogger, authz });
  const blobs = createBlobStore(config.blobStore);
  const pictures = new PictureUploadService({
    blobs,
    uploads: new PictureUploadsStore(db),
    users,
    issuer: config.issuer,
    limits: { maxBytes: config.maxUploadBytes, maxPixels: config.maxUploadPixels },
  });
  users.deletions.on(({ userId }) => pictures.forgetUser(userId));
  const jobs = createJobsService(config, db, connections, new UsersBulk(db, usersDeps));
  const email = wireEmail({ config, db, users, connections, clients, signIn, tenantSettings, jobs });
  return {
    config,
    db,
    blobs,
    keys,
    tokens,
    revokedTokens: new RevokedTokens(db),
    clients,
    connections,
    users,
    identities,
    jobs,
    email,
    managementAudience: audience,
    signIn,
    actions,
    authz,
    tenantSettings,
    gravatarProxy: new GravatarProxy({ baseUrl: config.gravatarBaseUrl, fetch: outboundFetch }),
    pictures,
    close: async () => {
      signIn.close();
      actions.engine.close();
      await db.close();
    },
  };
}

/**
 * Start-up step: private signing keys still in plaintext (rows from before encryption) or under
 * PORTRAIT_SECRETS_KEY_PREVIOUS are re-encrypted with the current key. A key that opens none of them stops the
 * start, naming the setting.
 */
async function encryptSigningKeysAtRest(keys: SigningKeys): Promise<void> {
  try {
    await keys.encryptAtRest();
  } catch (error) {
    if (error instanceof SecretsKeyMismatch) throw new ConfigError('PORTRAIT_SECRETS_KEY', error.message);
    throw error;
  }
}

/**
 * The Actions triggers in sign-in, registration and password changes. Sign-in exposes slots, the users domain a
 * listener list; neither imports actions. A password changed through the Management API also lifts the user's
 * brute-force blocks, as on Auth0.
 */
function wireActionsIntoSignIn(deps: {
  signIn: SignIn; users: UsersStore; connections: ConnectionsStore; actions: ActionsService; audience: ManagementAudience; issuer: string; logger: ActionsLogger; authz: Authz;
}) {
  const { signIn, users, connections, actions, audience, issuer, logger, authz } = deps;
  const triggers = new SignInTriggers({
    actions,
    users,
    connectionByName: (name) => connections.getByName(name),
    isManagementAudience: (aud) => audience.accepted.includes(aud),
    roleNamesOf: (userId) => authz.roleNamesOf(userId),
    tenantId: new URL(issuer).hostname,
    logger,
  });
  signIn.postLoginHook = triggers.postLogin;
  signIn.registrationHooks = triggers.registration;
  signIn.credentialsExchangeHook = triggers.credentialsExchange;
  users.passwordChanges.on((change) => signIn.clearLoginBlocks(change.user.user_id));
  users.passwordChanges.on(triggers.passwordChanged);
}
