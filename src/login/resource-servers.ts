// Auth0's `audience` is RFC 8707's resource indicator. Which APIs exist and what a token for each may carry come
// from the authz domain's registry: an unknown audience is "Service not found", as on Auth0. Machine tokens carry
// their client grant's scopes; a user's token carries the API scopes asked for — under the API's RBAC
// (`enforce_policies`) only those the user holds — decided at the token endpoint (code exchange and every
// refresh), so a role removed is gone from the next refreshed token. The Management API gives users the
// current-user scopes only. Without an audience the access token is opaque and good only for /userinfo.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { machineTokenScopes, scopeValues, tokenLifetime, userTokenScopes, type Authz, type ResourceServer } from '../authz/index.ts';
import type { ClientsStore } from '../clients/clients-store.ts';
import { USER_CONTEXT_SCOPES } from '../management/scopes.ts';

/** As on Auth0, a user's API access token also lists the OIDC scopes granted (and `openid` makes it good at /userinfo). */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/** Auth0's access-token lifetime for the Management API's user tokens (token_lifetime 86400 s). */
export const API_ACCESS_TOKEN_SECONDS = 86400;

/** Auth0 answers an unknown or ungranted audience with 403 access_denied and says which. */
function accessDenied(description: string): Error {
  return Object.assign(new errors.CustomOIDCProviderError('access_denied', description), { status: 403, statusCode: 403 });
}

export interface ResourceServerDeps {
  clients: ClientsStore;
  authz: Authz;
}

const heldThisRequest = new WeakMap<object, Map<string, Promise<string[]>>>();

/** The user's permissions for one API, read once per request (the resource check and the claims both ask). */
export function heldPermissions(ctx: object, authz: Authz, userId: string, identifier: string): Promise<string[]> {
  let memo = heldThisRequest.get(ctx);
  if (!memo) heldThisRequest.set(ctx, (memo = new Map()));
  const key = `${userId}\u0000${identifier}`;
  let held = memo.get(key);
  if (!held) memo.set(key, (held = authz.permissionsOf(userId, identifier)));
  return held;
}

/** At the token endpoint the user is known (the code's or the refresh token's); at /authorize the grant takes the ceiling. */
function tokenEndpointAccount(ctx: KoaContextWithOIDC): string | undefined {
  if (ctx.oidc.route !== 'token') return undefined;
  const entities = ctx.oidc.entities ?? {};
  return entities.AuthorizationCode?.accountId ?? entities.RefreshToken?.accountId;
}

function jwtResourceServer(audience: string, scope: Iterable<string>, ttl: number) {
  return { audience, scope: [...new Set(scope)].join(' '), accessTokenFormat: 'jwt' as const, accessTokenTTL: ttl, jwt: { sign: { alg: 'RS256' as const } } };
}

export function resourceIndicatorsFeature(deps: ResourceServerDeps) {
  const { clients, authz } = deps;
  const notAuthorized = (indicator: string) =>
    accessDenied(`Client is not authorized to access "${indicator}". You need to create a "client-grant" associated to this API.`);
  const apiOrDenied = async (indicator: string) => (await authz.findApi(indicator)) ?? Promise.reject(accessDenied(`Service not found: ${indicator}`));

  /** What a token for this user (or, before the user is known, any user) may carry for the API. */
  async function forUser(ctx: object, api: ResourceServer, clientId: string, accountId: string | undefined) {
    if (api.is_system) {
      // A user reaches the Management API only through the current-user scopes (guard.ts enforces their reach).
      return jwtResourceServer(api.identifier, [...OIDC_SCOPES, ...USER_CONTEXT_SCOPES], API_ACCESS_TOKEN_SECONDS);
    }
    let scopes = scopeValues(api);
    if (accountId) scopes = userTokenScopes(api, scopes, api.enforce_policies ? await heldPermissions(ctx, authz, accountId, api.identifier) : []);
    const browserApp = (await clients.get(clientId))?.app_type === 'spa';
    // Without offline access the token does not claim `offline_access` (no refresh token comes with it either).
    const oidcScopes = [...OIDC_SCOPES].filter((s) => s !== 'offline_access' || api.allow_offline_access);
    return jwtResourceServer(api.identifier, [...oidcScopes, ...scopes], tokenLifetime(api, browserApp));
  }

  return {
    enabled: true,
    /** Auth0 clients name the API with `audience`; the token request normalizer maps it to `resource` too. */
    async defaultResource(ctx: KoaContextWithOIDC, _client: unknown, oneOf?: string[]) {
      if (oneOf) return oneOf[0];
      const audience = ctx.oidc.params?.audience;
      return typeof audience === 'string' && audience ? audience : undefined;
    },
    /** Refresh and code exchanges keep the audience chosen at /authorize. */
    async useGrantedResource() {
      return true;
    },
    async getResourceServerInfo(ctx: KoaContextWithOIDC, indicator: string, client: { clientId: string }) {
      const api = await apiOrDenied(indicator);
      if (ctx.oidc.params?.grant_type === 'client_credentials') {
        const [grant] = await clients.listGrants({ client_id: client.clientId, audience: api.identifier });
        if (!grant) throw notAuthorized(indicator);
        return jwtResourceServer(api.identifier, machineTokenScopes(api, grant.scope), api.token_lifetime);
      }
      return forUser(ctx, api, client.clientId, tokenEndpointAccount(ctx));
    },
    /** The password grants know the user before they build the token. */
    async userResourceServerInfo(ctx: object, indicator: string, clientId: string, accountId: string) {
      return forUser(ctx, await apiOrDenied(indicator), clientId, accountId);
    },
    /** Auth0 issues refresh tokens for an API only where it allows offline access (the Management API keeps Portrait's behaviour). */
    async allowsOfflineAccess(resource: unknown): Promise<boolean> {
      if (typeof resource !== 'string') return true;
      const api = await authz.findApi(resource);
      return !api || api.is_system || api.allow_offline_access;
    },
  };
}
