// Builds one oidc-provider instance configured to behave like Auth0's Authentication API: Auth0's paths, RS256
// ID tokens of 36000 s with the profile claims in them, `audience` as resource indicator, no consent screen for
// first-party apps, PKCE for public clients, rotating refresh tokens, storage in the database.
import Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { JWK } from 'jose';
import type { ClientsStore } from '../clients/clients-store.ts';
import type { ConnectionsStore } from '../connections/connections-store.ts';
import type { AccessTokens, ManagementAudience } from '../management/access-tokens.ts';
import type { Authz } from '../authz/index.ts';
import type { BruteForceGuard } from './brute-force.ts';
import { SCOPE_CLAIMS } from './claims.ts';
import { allowedOrigins, ClientAdapter } from './client-metadata.ts';
import { auth0InteractionPolicy, keepOfflineAccess, loadOrGrowGrant } from './grant-policy.ts';
import type { LoginSettings } from './login-settings.ts';
import type { OidcPayloads } from './oidc-payloads.ts';
import { PAGE_HEADERS } from './pages/layout.ts';
import { logoutPage, messagePage } from './pages/login-pages.ts';
import { legacyLogout, sameLogoutUrl } from './legacy-logout.ts';
import { registerPasswordGrants } from './password-realm-grant.ts';
import type { CredentialsExchangeHook } from './action-hooks.ts';
import type { LoginStates, PostLoginHook } from './post-login.ts';
import { resourceIndicatorsFeature } from './resource-servers.ts';
import { auth0AccessTokenShape, extraTokenClaimsWith, findAccountWith, keepCustomClaims } from './token-claims.ts';
import { auth0TokenErrors, limitTokenRequests, normalizeTokenRequest } from './token-request.ts';
import type { RateLimiter } from '../management/rate-limits.ts';
import { answerUnservedMethods } from './unserved-methods.ts';
import { protectProviderPages } from './provider-page-headers.ts';
import { userinfoForJwtAccessTokens } from './userinfo-jwt.ts';
import type { LoginUsersPort } from './users-port.ts';

/** The API's token_lifetime (resource-servers.ts puts it on the token's resource server); 24 h otherwise, as Auth0. */
const apiLifetime = (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? 86400;

/** Auth0's lifetimes: ID token 10 h, API access token from the API (24 h by default), refresh token 30 days (absolute). */
export const TTL = {
  IdToken: 36000,
  AccessToken: apiLifetime,
  ClientCredentials: apiLifetime,
  AuthorizationCode: 600,
  RefreshToken: 30 * 86400,
  Interaction: 3600,
  Session: 14 * 86400,
  Grant: 365 * 86400,
};

export interface ProviderDeps {
  issuer: string;
  clients: ClientsStore;
  users: LoginUsersPort;
  payloads: OidcPayloads;
  loginStates: LoginStates;
  settings: LoginSettings;
  managementAudience: ManagementAudience;
  /** The tenant's APIs, roles and permissions: what a token for an API may carry. */
  authz: Authz;
  connections: ConnectionsStore;
  bruteForce: BruteForceGuard;
  tokens: AccessTokens;
  /** Read at each login and refresh, so the Actions engine can be plugged in after start-up. */
  postLogin: () => PostLoginHook;
  credentialsExchange: () => CredentialsExchangeHook;
  /** The per-IP limit of POST /oauth/token (off when absent or its limit is 0). */
  tokenRateLimits?: RateLimiter;
}

export async function createProvider(deps: ProviderDeps, keys: { jwks: JWK[]; cookieKeys: string[] }): Promise<Provider> {
  const { issuer, clients, users, payloads, loginStates, settings, managementAudience } = deps;
  const clientAdapter = new ClientAdapter(clients);
  const clientMetadata = async (clientId: string) => (await clients.get(clientId))?.client_metadata;
  const connectionByName = async (name: string) => {
    const connection = await deps.connections.getByName(name);
    return connection ? { id: connection.id, name: connection.name, strategy: connection.strategy, metadata: connection.metadata } : null;
  };
  const claimsDeps = {
    users, loginStates, issuer, managementAudience: managementAudience.canonical, credentialsExchange: deps.credentialsExchange, clientMetadata, authz: deps.authz,
    postLogin: deps.postLogin, connectionByName,
  };
  const findAccount = findAccountWith(claimsDeps);
  const resources = resourceIndicatorsFeature({ clients, authz: deps.authz });
  const cookie = { httpOnly: true, sameSite: 'lax', signed: true, secure: issuer.startsWith('https:') };

  const provider = new Provider(issuer, {
    adapter: (name: string) => (name === 'Client' ? clientAdapter : payloads.adapterFor(name)),
    jwks: { keys: keys.jwks },
    cookies: {
      keys: keys.cookieKeys,
      long: cookie,
      short: cookie,
      names: { session: 'portrait_session', interaction: 'portrait_interaction', resume: 'portrait_resume', state: 'portrait_state' },
    },
    routes: {
      authorization: '/authorize',
      token: '/oauth/token',
      userinfo: '/userinfo',
      jwks: '/.well-known/jwks.json',
      revocation: '/oauth/revoke',
      end_session: '/oidc/logout',
      introspection: '/oauth/introspect',
      pushed_authorization_request: '/oauth/par',
      code_verification: '/activate',
      device_authorization: '/oauth/device/code',
      registration: '/oidc/register',
      backchannel_authentication: '/bc-authorize',
    },
    scopes: ['openid', 'offline_access', ...Object.keys(SCOPE_CLAIMS).filter((s) => s !== 'openid')],
    claims: { ...SCOPE_CLAIMS, openid: ['sub'] },
    // Auth0 puts the scope's profile claims (picture among them) in the ID token even when an access token is issued.
    conformIdTokenClaims: false,
    findAccount,
    extraTokenClaims: extraTokenClaimsWith(claimsDeps),
    formats: { customizers: { jwt: auth0AccessTokenShape(issuer) } },
    loadExistingGrant: loadOrGrowGrant,
    interactions: {
      policy: auth0InteractionPolicy(),
      url: (ctx: KoaContextWithOIDC, interaction: { uid: string }) => {
        const page = ctx.oidc.params?.screen_hint === 'signup' ? 'signup' : 'login';
        return `/u/${page}?state=${encodeURIComponent(interaction.uid)}`;
      },
    },
    extraParams: ['audience', 'connection', 'screen_hint', 'organization', 'invitation'],
    extraClientMetadata: { properties: ['web_origins', 'allowed_origins', 'is_first_party'] },
    clientBasedCORS: (_ctx: unknown, origin: string, client: { redirectUris?: string[]; web_origins?: string[]; allowed_origins?: string[] }) =>
      allowedOrigins({ web_origins: client.web_origins, allowed_origins: client.allowed_origins, redirect_uris: client.redirectUris }).has(origin),
    pkce: { required: (_ctx: unknown, client: { clientAuthMethod: string }) => client.clientAuthMethod === 'none' },
    responseTypes: ['code'],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256'],
      userinfoSigningAlgValues: ['RS256'],
      requestObjectSigningAlgValues: ['RS256', 'PS256', 'ES256'],
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(g: string): boolean }, code: { scopes: Set<string>; resource?: unknown }) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access') && (await resources.allowsOfflineAccess(code.resource)),
    ttl: TTL,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      introspection: { enabled: false },
      resourceIndicators: resources,
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.set(PAGE_HEADERS);
          ctx.body = logoutPage(await settings.theme(), form, ctx.oidc.client?.clientName);
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.set(PAGE_HEADERS);
          ctx.body = messagePage(await settings.theme(), 'Logged out', 'You are logged out.');
        },
      },
    },
    renderError: async (ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) => {
      ctx.set(PAGE_HEADERS);
      ctx.body = messagePage(await settings.theme(), 'Something went wrong', `${out.error}: ${out.error_description ?? ''}`, { alert: true });
    },
  });
  // The forwarded headers it reads are the issuer's own, set by issuerOriginHook before any request reaches it.
  provider.proxy = true;

  // Presented secrets are hashed and compared with the stored SHA-256 digest by the clients domain.
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientId: string }, presented: string) {
    return clients.verifySecret(this.clientId, presented);
  };
  // /oidc/logout matches post_logout_redirect_uri as /v2/logout matches returnTo: a registered
  // `http://localhost:4000/` allows `http://localhost:4000` (express-openid-connect's idpLogout sends the bare origin).
  const exactLogoutUri = provider.Client.prototype.postLogoutRedirectUriAllowed;
  provider.Client.prototype.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(this: { postLogoutRedirectUris?: string[] }, uri: string) {
    return exactLogoutUri.call(this, uri) || (this.postLogoutRedirectUris ?? []).some((allowed) => sameLogoutUrl(allowed, uri));
  };
  keepCustomClaims(provider);
  registerPasswordGrants(provider, { ...deps, resources, findAccount, clientMetadata });
  // Steps in front of the provider's routes, in order.
  provider.use(protectProviderPages);
  provider.use(answerUnservedMethods);
  provider.use(limitTokenRequests(deps.tokenRateLimits));
  provider.use(auth0TokenErrors);
  provider.use(normalizeTokenRequest({ clients, managementAudience }));
  provider.use(keepOfflineAccess);
  provider.use(userinfoForJwtAccessTokens({ tokens: deps.tokens, users, issuer }));
  provider.use(legacyLogout({ clients, settings }));
  return provider;
}
