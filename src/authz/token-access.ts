// What an access token for an API may carry — the rules the sign-in domain applies when it mints one. Pure
// functions over an API's settings, so the token path's only reads are the cached API and one permission query.
import { scopeValues, type ResourceServer } from './resource-server-model.ts';

/**
 * The API scopes a user's token carries: those requested that the API defines and, when the API enforces RBAC
 * (`enforce_policies`), only those the user holds through a role or directly.
 */
export function userTokenScopes(api: ResourceServer, requested: readonly string[], held: readonly string[]): string[] {
  const defined = new Set(scopeValues(api));
  const allowed = requested.filter((s) => defined.has(s));
  if (!api.enforce_policies) return allowed;
  const holds = new Set(held);
  return allowed.filter((s) => holds.has(s));
}

/** A machine token carries its client grant's scopes that the API still defines (the Management API's: all). */
export function machineTokenScopes(api: ResourceServer, granted: readonly string[]): string[] {
  if (api.is_system) return [...granted];
  const defined = new Set(scopeValues(api));
  return granted.filter((s) => defined.has(s));
}

/** `access_token_authz` and `rfc9068_profile_authz` add the `permissions` claim. */
export const carriesPermissions = (api: Pick<ResourceServer, 'token_dialect'>): boolean => api.token_dialect.endsWith('_authz');

/** The RFC 9068 dialects: `typ: at+jwt`, `client_id` rather than Auth0's `azp`. */
export const isRfc9068 = (api: Pick<ResourceServer, 'token_dialect'>): boolean => api.token_dialect.startsWith('rfc9068');

/** Auth0's token_lifetime_for_web applies to tokens handed to browser apps; every other token gets token_lifetime. */
export const tokenLifetime = (api: ResourceServer, forBrowserApp: boolean): number =>
  forBrowserApp ? Math.min(api.token_lifetime_for_web, api.token_lifetime) : api.token_lifetime;
