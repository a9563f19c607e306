// The sign-in domain: Auth0's Authentication API on oidc-provider, the hosted login pages, password logins with
// brute-force protection, and its Management API routes (signing keys, user blocks).
import type { GuardedFetch } from '../platform/outbound/guarded-fetch.ts';
import type { FastifyInstance } from 'fastify';
import type { ClientsStore } from '../clients/clients-store.ts';
import type { Config } from '../config.ts';
import type { ConnectionsStore } from '../connections/connections-store.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import type { AccessTokens, ManagementAudience } from '../management/access-tokens.ts';
import type { Authz } from '../authz/index.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { Upstreams } from '../connections/upstream.ts';
import { noCredentialsExchangeActions, noRegistrationActions, type CredentialsExchangeHook, type RegistrationHooks } from './action-hooks.ts';
import { BruteForceGuard } from './brute-force.ts';
import { CsrfTokens } from './csrf.ts';
import { brandingRoutes } from './branding-routes.ts';
import { dbconnectionsSignupRoutes } from './dbconnections-signup.ts';
import { FederatedSignIn, type FederatedUsersPort } from './federated-login.ts';
import { CALLBACK_PATH, federatedRoutes } from './federated-routes.ts';
import { loginRoutes } from './login-routes.ts';
import { LoginSettings } from './login-settings.ts';
import { signInManagementRoutes } from './management-routes.ts';
import { OidcPayloads } from './oidc-payloads.ts';
import { LoginStates, noPostLoginActions, type PostLoginHook } from './post-login.ts';
import { ProviderHost } from './provider-host.ts';
import { issuerOriginHook } from './issuer-origin.ts';
import { RateLimiter } from '../management/rate-limits.ts';
import { providerRoutes } from './provider-routes.ts';
import type { LoginUsersPort } from './users-port.ts';
import { SessionRecords } from './session-records.ts';
import { sessionRoutes } from './session-routes.ts';
import { refreshSettingsOf, sessionEnd, type SessionLifetimes } from './token-lifetimes.ts';

import { prepareDecoyHash } from './password-login.ts';
import { Listeners } from '../platform/listeners.ts';
import type { SignedUp } from './sign-up.ts';

export { bruteForceMigrations, type NewBlock } from './brute-force.ts';
export type { SignedUp } from './sign-up.ts';
export { loginSettingsMigrations } from './login-settings.ts';
export { oidcPayloadsMigrations } from './oidc-payloads.ts';
export type { PostLoginEvent, PostLoginHook, PostLoginOutcome } from './post-login.ts';
export type { PostLoginClaims } from './claims.ts';
export type {
  ActionRequest, CredentialsExchangeEvent, CredentialsExchangeHook, CredentialsExchangeOutcome, PreRegistrationOutcome, RegistrationEvent, RegistrationHooks,
} from './action-hooks.ts';

export interface SignInDeps {
  config: Config;
  db: DatabaseHandle;
  keys: SigningKeys;
  tokens: AccessTokens;
  clients: ClientsStore;
  connections: ConnectionsStore;
  users: LoginUsersPort;
  /** Federated users: find by identity, create, sync root attributes (the users domain's UserIdentities). */
  identities: FederatedUsersPort;
  managementAudience: ManagementAudience;
  /** APIs, roles and permissions (the authz domain). */
  authz: Authz;
  /** The tenant's display name (tenant settings' `friendly_name`), shown on the hosted pages. */
  tenantName?: () => string | undefined;
  /** The tenant's session lifetimes (hours), read synchronously; Auth0's defaults when not given. */
  sessionLifetimes?: () => SessionLifetimes;
  /** The server's guarded outbound fetch (platform/outbound): every request to an upstream IdP. */
  outboundFetch: GuardedFetch;
}

export class SignIn {
  readonly settings: LoginSettings;
  readonly bruteForce: BruteForceGuard;
  readonly payloads: OidcPayloads;
  readonly loginStates: LoginStates;
  readonly host: ProviderHost;
  /** Sessions, refresh tokens and grants as the Management API shows them. */
  readonly records: SessionRecords;
  /** Social and enterprise connections' round trips. */
  readonly federated: FederatedSignIn;
  /** The Actions engine sets this (post-login trigger); until then logins carry no custom claims. */
  postLoginHook: PostLoginHook = noPostLoginActions;
  /** pre-/post-user-registration on /dbconnections/signup and /u/signup; the Actions engine sets it. */
  registrationHooks: RegistrationHooks = noRegistrationActions;
  /** credentials-exchange on the client-credentials grant; the Actions engine sets it. */
  credentialsExchangeHook: CredentialsExchangeHook = noCredentialsExchangeActions;
  /** A database sign-up succeeded (hosted page or /dbconnections/signup): the email domain sends verify_email. */
  readonly signUps = new Listeners<SignedUp>('sign-up');

  constructor(readonly deps: SignInDeps) {
    this.settings = new LoginSettings(deps.db, deps.tenantName);
    this.bruteForce = new BruteForceGuard(deps.db);
    prepareDecoyHash();
    this.payloads = new OidcPayloads(deps.db);
    this.loginStates = new LoginStates(this.payloads);
    const sessionLifetimes = deps.sessionLifetimes ?? (() => ({ idle_session_lifetime: 72, session_lifetime: 168 }));
    this.host = new ProviderHost({
      issuer: deps.config.issuer,
      clients: deps.clients,
      connections: deps.connections,
      users: deps.users,
      keys: deps.keys,
      tokens: deps.tokens,
      payloads: this.payloads,
      loginStates: this.loginStates,
      settings: this.settings,
      bruteForce: this.bruteForce,
      managementAudience: deps.managementAudience,
      authz: deps.authz,
      postLogin: () => this.postLoginHook,
      credentialsExchange: () => this.credentialsExchangeHook,
      tokenRateLimits: new RateLimiter(deps.db, deps.config.tokenRateLimit),
      sessionLifetimes,
      allowPrivateOutbound: deps.config.allowPrivateOutbound,
    });
    this.records = new SessionRecords(
      deps.db,
      (loginTs) => sessionEnd(sessionLifetimes(), loginTs),
      async (clientId) => refreshSettingsOf((await deps.clients.get(clientId)) ?? undefined).rotation_type === 'rotating',
    );
    this.federated = new FederatedSignIn({
      clients: deps.clients,
      connections: deps.connections,
      users: deps.users,
      identities: deps.identities,
      upstreams: new Upstreams({ callbackUrl: `${deps.config.issuer}${CALLBACK_PATH.slice(1)}`, timeoutMs: deps.config.upstreamTimeoutMs, fetch: deps.outboundFetch }),
      payloads: this.payloads,
      loginStates: this.loginStates,
      postLogin: () => this.postLoginHook,
    });
  }

  /** Unblocks a user everywhere; the users domain calls this when the password changes (Auth0 does the same). */
  clearLoginBlocks(userId: string): Promise<void> {
    return this.bruteForce.clearUser(userId);
  }

  /** Ends the user's sessions and their grants' refresh tokens (a password reset does this). */
  revokeSessions(userId: string): Promise<void> {
    return this.payloads.revokeAccount(userId);
  }

  /** The public routes: the provider's paths, the hosted pages, /dbconnections/signup. */
  async registerRoutes(app: FastifyInstance): Promise<void> {
    const secrets = await this.settings.secrets();
    const { issuer } = this.deps.config;
    // One scope for every route that reaches the provider or builds a URL: they all see the issuer's origin.
    await app.register(async (signIn) => {
      signIn.addHook('onRequest', issuerOriginHook(issuer));
      await signIn.register(providerRoutes, { host: this.host, settings: this.settings });
      await signIn.register(loginRoutes, {
        host: this.host,
        clients: this.deps.clients,
        connections: this.deps.connections,
        users: this.deps.users,
        bruteForce: this.bruteForce,
        settings: this.settings,
        csrf: new CsrfTokens(secrets.csrfKey, issuer.startsWith('https:')),
        postLogin: () => this.postLoginHook,
        registration: () => this.registrationHooks,
        loginStates: this.loginStates,
        federated: this.federated,
        signUps: this.signUps,
      });
      await signIn.register(federatedRoutes, { host: this.host, federated: this.federated, settings: this.settings, issuer });
    });
    await app.register(dbconnectionsSignupRoutes, {
      clients: this.deps.clients, connections: this.deps.connections, users: this.deps.users, registration: () => this.registrationHooks,
      signUps: this.signUps,
    });
  }

  /** Routes inside the guarded /api/v2 scope. */
  async registerManagementRoutes(api: FastifyInstance): Promise<void> {
    await api.register(signInManagementRoutes, { keys: this.deps.keys, host: this.host, bruteForce: this.bruteForce, users: this.deps.users });
    await api.register(brandingRoutes, { settings: this.settings });
    await api.register(sessionRoutes, { records: this.records, host: this.host, users: this.deps.users });
  }

  close(): void {
    this.host.close();
  }
}
// The hosted pages' frame and the password-policy wording, shared with the email domain's account pages.
export { checkPasswordPolicy, describePasswordPolicy, MAX_PASSWORD_LENGTH } from './password-policy.ts';
export { layout, PAGE_HEADERS } from './pages/layout.ts';
export { html } from './pages/html.ts';
export type { LoginTheme } from './login-settings.ts';
