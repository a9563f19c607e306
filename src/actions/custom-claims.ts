import type { DroppedClaim } from './types.ts';

/**
 * Custom claims set by actions, checked as Auth0 does (reference §6.2). Dropping is silent for the app
 * (the transaction succeeds); each drop is reported in FlowSuccess.droppedClaims so it can be logged.
 */

/** Claims Auth0 ignores when an action sets them. */
export const RESTRICTED_CLAIMS: ReadonlySet<string> = new Set(
  (
    'acr act active amr at_hash ath attest aud auth_time authorization_details azp c_hash client_id cnf cty dest ' +
    'entitlements events exp groups gty htm htu iat internalService iss jcard jku jti jwe jwk kid may_act mky nbf ' +
    'nonce object_id org_id org_name orig origid permissions roles rph s_hash sid sip_callid sip_cseq_num sip_date ' +
    'sip_from_tag sip_via_branch sub sub_jwk toe txn typ uuid vot vtm x5t#S256'
  ).split(' '),
);

/**
 * Standard claims that say who the user is and how to reach them: an action may not override them in either
 * token (Auth0: "OpenID standard claims … cannot be customized or modified"; Auth0 refuses `email` at least on the
 * password grant). Apps match accounts on these, so an Action handing out another address or a forged
 * `email_verified` would be an account takeover; the profile's own values stay. Display claims (`picture`, `name`,
 * …) remain overridable: Auth0 documents `api.idToken.setCustomClaim('picture', …)` ("Change user pictures").
 */
export const PROTECTED_STANDARD_CLAIMS: ReadonlySet<string> = new Set(['email', 'email_verified', 'phone_number', 'phone_number_verified']);

/**
 * Standard OIDC profile claims an action may override, and the scope each needs: a `picture` set by an
 * action is still removed when the `profile` scope was not granted.
 */
export const STANDARD_CLAIM_SCOPE: Readonly<Record<string, string>> = {
  name: 'profile', family_name: 'profile', given_name: 'profile', middle_name: 'profile', nickname: 'profile',
  preferred_username: 'profile', profile: 'profile', picture: 'profile', website: 'profile', gender: 'profile',
  birthdate: 'profile', zoneinfo: 'profile', locale: 'profile', updated_at: 'profile',
  email: 'email', email_verified: 'email',
  address: 'address',
  phone_number: 'phone', phone_number_verified: 'phone',
};

/** Custom-claims payload cap per token (ID and access token counted separately). */
export const MAX_CUSTOM_CLAIMS_BYTES = 100 * 1024;

const RESERVED_NAMESPACE_HOSTS = ['auth0.com', 'webtask.io', 'webtask.run'];

export interface ClaimFilterOptions {
  token: 'id' | 'access';
  /** Scopes granted to this transaction (e.g. `openid profile email`), already split. */
  grantedScopes: readonly string[];
  /** Access token whose audience is an Auth0-style API (the Management API): private claims not allowed. */
  audienceIsManagementApi?: boolean;
}

export interface FilteredClaims {
  claims: Record<string, unknown>;
  dropped: DroppedClaim[];
}

export function isNamespacedClaim(name: string): boolean {
  return /^https?:\/\//i.test(name) || name.startsWith('urn:');
}

function isReservedNamespace(name: string): boolean {
  if (name.toLowerCase().startsWith('urn:auth0')) return true;
  if (!/^https?:\/\//i.test(name)) return false;
  try {
    const host = new URL(name).hostname.toLowerCase();
    return RESERVED_NAMESPACE_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
  } catch {
    return false;
  }
}

export function filterCustomClaims(claims: Record<string, unknown>, options: ClaimFilterOptions): FilteredClaims {
  const granted = new Set(options.grantedScopes);
  const kept: Record<string, unknown> = {};
  const dropped: DroppedClaim[] = [];
  for (const [name, value] of Object.entries(claims)) {
    const drop = (why: DroppedClaim['why']) => dropped.push({ token: options.token, name, why });
    if (value === undefined) continue; // JSON has no undefined; the claim is simply absent
    if (RESTRICTED_CLAIMS.has(name)) drop('restricted');
    else if (PROTECTED_STANDARD_CLAIMS.has(name)) drop('standard-claim');
    else if (isReservedNamespace(name)) drop('reserved-namespace');
    else if (Object.hasOwn(STANDARD_CLAIM_SCOPE, name) && !granted.has(STANDARD_CLAIM_SCOPE[name]!)) drop('scope-not-granted');
    else if (options.token === 'access' && options.audienceIsManagementApi && !isNamespacedClaim(name)) {
      drop('private-claim-on-auth0-api');
    } else kept[name] = value;
  }
  return { claims: kept, dropped };
}

/** The transaction fails when a token's custom claims exceed 100 KB; returns the error message, or null. */
export function customClaimsSizeError(claims: Record<string, unknown>, token: 'id' | 'access'): string | null {
  const bytes = Buffer.byteLength(JSON.stringify(claims), 'utf8');
  if (bytes <= MAX_CUSTOM_CLAIMS_BYTES) return null;
  const which = token === 'id' ? 'ID token' : 'access token';
  return `Custom claims of the ${which} are ${bytes} bytes, over the ${MAX_CUSTOM_CLAIMS_BYTES}-byte limit`;
}
