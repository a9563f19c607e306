// Auth0's `audience` is RFC 8707's resource indicator. Which APIs exist and what a token for each may carry:
// the Management API (client grants decide machine scopes; users get the current-user scopes), and every other
// API some client grant names. Access tokens for an API are RS256 JWTs; without an audience the access token is
// opaque and good only for /userinfo, as with Auth0.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { ClientsStore } from '../clients/clients-store.ts';
import type { ManagementAudience } from '../management/access-tokens.ts';
import { MANAGEMENT_TOKEN_LIFETIME_SECONDS } from '../management/access-tokens.ts';
import { USER_CONTEXT_SCOPES } from '../management/scopes.ts';
import { CONSOLE_CLIENT_ID, CONSOLE_TOKEN_SECONDS, consoleManagementScopes } from '../console/index.ts';
import type { LoginUser } from './users-port.ts';

/** As on Auth0, a user's API access token also lists the OIDC scopes granted (and `openid` makes it good at /userinfo). */
const OIDC_SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'];

/** Auth0's default access-token lifetime for APIs (token_lifetime 86400 s). */
export const API_ACCESS_TOKEN_SECONDS = 86400;

/** Auth0 answers an unknown or ungranted audience with 403 access_denied and says which. */
function accessDenied(description: string): Error {
  return Object.assign(new errors.CustomOIDCProviderError('access_denied', description), { status: 403, statusCode: 403 });
}

export interface ResourceServerDeps {
  clients: ClientsStore;
  managementAudience: ManagementAudience;
  users: { get(userId: string): Promise<LoginUser | null> };
}

/** The user this request is for: the session's at /authorize, the code's or refresh token's at /oauth/token. */
function accountOf(ctx: KoaContextWithOIDC): string | undefined {
  const entities = ctx.oidc.entities ?? {};
  return entities.AuthorizationCode?.accountId ?? entities.RefreshToken?.accountId ?? entities.Grant?.accountId ?? ctx.oidc.session?.accountId ?? undefined;
}

/** Scopes of this request: its `scope` parameter, or at the token endpoint those of the code or refresh token. */
function requestedScopes(ctx: KoaContextWithOIDC): string[] {
  const entities = ctx.oidc.entities ?? {};
  const sources: unknown[] = [ctx.oidc.params?.scope, entities.AuthorizationCode?.scope, entities.RefreshToken?.scope];
  return [...new Set(sources.flatMap((s) => (typeof s === 'string' ? s.split(' ') : [])).filter(Boolean))];
}

function jwtResourceServer(audience: string, scope: string[], ttl: number) {
  return { audience, scope: scope.join(' '), accessTokenFormat: 'jwt', accessTokenTTL: ttl, jwt: { sign: { alg: 'RS256' } } };
}

export function resourceIndicatorsFeature(deps: ResourceServerDeps) {
  const { clients, managementAudience, users } = deps;
  const notAuthorized = (indicator: string) =>
    accessDenied(`Client is not authorized to access "${indicator}". You need to create a "client-grant" associated to this API.`);

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
      const isManagement = managementAudience.accepted.includes(indicator);
      const audience = isManagement ? managementAudience.canonical : indicator;
      const machine = ctx.oidc.params?.grant_type === 'client_credentials';
      if (machine) {
        const [grant] = await clients.listGrants({ client_id: client.clientId, audience });
        if (!grant) throw notAuthorized(indicator);
        return jwtResourceServer(audience, grant.scope, MANAGEMENT_TOKEN_LIFETIME_SECONDS);
      }
      if (isManagement) {
        // A dashboard administrator (the console client, a Portrait-Admins user) gets every Management API scope
        // in a short-lived token; anyone else only the current-user scopes (guard.ts enforces their reach).
        const accountId = accountOf(ctx);
        const admin = accountId ? consoleManagementScopes(client.clientId, await users.get(accountId)) : [];
        // Every dashboard token is short-lived (the dashboard refreshes it), whoever holds it.
        const ttl = client.clientId === CONSOLE_CLIENT_ID ? CONSOLE_TOKEN_SECONDS : API_ACCESS_TOKEN_SECONDS;
        if (admin.length) return jwtResourceServer(audience, [...OIDC_SCOPES, ...admin], ttl);
        return jwtResourceServer(audience, [...OIDC_SCOPES, ...USER_CONTEXT_SCOPES], ttl);
      }
      // Any API a client grant names is known; without RBAC, a user token may carry the scopes it asks for.
      const known = await clients.listGrants({ audience });
      if (known.length === 0) throw accessDenied(`Service not found: ${indicator}`);
      return jwtResourceServer(audience, [...new Set([...OIDC_SCOPES, ...requestedScopes(ctx)])], API_ACCESS_TOKEN_SECONDS);
    },
  };
}
