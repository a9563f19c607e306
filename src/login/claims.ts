// The one place where token and /userinfo claims are assembled from a profile: `sub` is the user_id, the
// `profile` and `email` scopes bring their standard claims, then the custom claims the post-login Actions set
// are added — Auth0's restricted claims dropped, scope filtering still applied to overridden standard claims.
import type { LoginUser } from './users-port.ts';

/** OIDC standard claims each scope brings (Auth0's list, §7 of the reference). */
export const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  openid: ['sub'],
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

export const STANDARD_CLAIMS: ReadonlySet<string> = new Set(Object.values(SCOPE_CLAIMS).flat());

/** Claims an Action may never set; Auth0 ignores them silently and the login still succeeds. */
export const RESTRICTED_CLAIMS: ReadonlySet<string> = new Set(
  ('acr act active amr at_hash ath attest aud auth_time authorization_details azp c_hash client_id cnf cty dest entitlements ' +
    'events exp groups gty htm htu iat internalService iss jcard jku jti jwe jwk kid may_act mky nbf nonce object_id org_id ' +
    'org_name orig origid permissions roles rph s_hash sid sip_callid sip_cseq_num sip_date sip_from_tag sip_via_branch sub ' +
    'sub_jwk toe txn typ uuid vot vtm x5t#S256').split(' '),
);

const AUTH0_NAMESPACES = /^(https?:\/\/)?([^/]*\.)?(auth0\.com|webtask\.io|webtask\.run)(\/|$)|^urn:auth0/i;

/** Custom claims the post-login Actions set for one login (Actions' `api.idToken` / `api.accessToken`). */
export interface PostLoginClaims {
  idToken: Record<string, unknown>;
  accessToken: Record<string, unknown>;
}

export type ClaimsUse = 'id_token' | 'userinfo' | 'access_token';

export interface AssembleInput {
  use: ClaimsUse;
  user: LoginUser;
  scopes: ReadonlySet<string>;
  custom?: PostLoginClaims | null;
  /** For access tokens: Auth0 APIs (the Management API) refuse non-namespaced private claims. */
  isAuth0Api?: boolean;
}

const isNamespaced = (claim: string) => /^https?:\/\//.test(claim) || claim.includes(':');

function allowedCustomClaim(claim: string, scopes: ReadonlySet<string>, input: AssembleInput): boolean {
  if (RESTRICTED_CLAIMS.has(claim) || AUTH0_NAMESPACES.test(claim)) return false;
  if (STANDARD_CLAIMS.has(claim)) {
    // An Action may override a standard claim, but only where its scope was granted.
    return Object.entries(SCOPE_CLAIMS).some(([scope, claims]) => scopes.has(scope) && claims.includes(claim));
  }
  if (input.use === 'access_token' && input.isAuth0Api && !isNamespaced(claim)) return false;
  return true;
}

/**
 * Claims for one use. ID tokens and /userinfo get `sub`, the scope's profile claims and the ID-token custom
 * claims; access tokens get only their custom claims (the protocol claims are the provider's).
 */
export function assembleClaims(input: AssembleInput): Record<string, unknown> {
  const { use, user, scopes } = input;
  const claims: Record<string, unknown> = {};
  if (use !== 'access_token') {
    claims.sub = user.user_id;
    for (const [scope, names] of Object.entries(SCOPE_CLAIMS)) {
      if (scope === 'openid' || !scopes.has(scope)) continue;
      for (const name of names) if (user[name] !== undefined && user[name] !== null) claims[name] = user[name];
    }
  }
  const custom = use === 'access_token' ? input.custom?.accessToken : input.custom?.idToken;
  for (const [claim, value] of Object.entries(custom ?? {})) {
    if (value !== undefined && allowedCustomClaim(claim, scopes, input)) claims[claim] = value;
  }
  return claims;
}

/** Auth0 fails the transaction when custom claims exceed 100 KB per token. */
export const MAX_CUSTOM_CLAIMS_BYTES = 100 * 1024;
