// What an API (resource server) is, as Auth0's /api/v2/resource-servers shapes it, and the Management API as the
// one system API every tenant has: listed, readable, never changed or deleted.
import { createHash } from 'node:crypto';
import type { ManagementAudience } from '../management/access-tokens.ts';
import { MANAGEMENT_TOKEN_LIFETIME_SECONDS } from '../management/access-tokens.ts';
import { MANAGEMENT_SCOPES } from '../management/scopes.ts';

export const TOKEN_DIALECTS = ['access_token', 'access_token_authz', 'rfc9068_profile', 'rfc9068_profile_authz'] as const;
export type TokenDialect = (typeof TOKEN_DIALECTS)[number];

export interface ResourceServerScope {
  value: string;
  description?: string;
}

export interface ResourceServerSettings {
  scopes: ResourceServerScope[];
  /** Portrait signs every token with its one RS256 key set (PS256/ES256 come with issue #19; HS256 is refused). */
  signing_alg: 'RS256';
  token_lifetime: number;
  token_lifetime_for_web: number;
  allow_offline_access: boolean;
  skip_consent_for_verifiable_first_party_clients: boolean;
  enforce_policies: boolean;
  token_dialect: TokenDialect;
}

export interface ResourceServer extends ResourceServerSettings {
  id: string;
  identifier: string;
  name: string;
  is_system: boolean;
}

/** Auth0's defaults for a new API: 24 h tokens, 2 h for the browser flows, no refresh tokens, no RBAC. */
export const DEFAULT_SETTINGS: ResourceServerSettings = {
  scopes: [],
  signing_alg: 'RS256',
  token_lifetime: 86400,
  token_lifetime_for_web: 7200,
  allow_offline_access: false,
  skip_consent_for_verifiable_first_party_clients: true,
  enforce_policies: false,
  token_dialect: 'access_token',
};

/** The name Auth0 gives it, and the one Auth0's Deploy CLI recognizes it by. */
export const SYSTEM_API_NAME = 'Auth0 Management API';

export function managementApi(audience: ManagementAudience): ResourceServer {
  return {
    // Stable across restarts and nodes: derived from the identifier.
    id: createHash('sha256').update(audience.canonical).digest('hex').slice(0, 24),
    name: SYSTEM_API_NAME,
    identifier: audience.canonical,
    is_system: true,
    ...DEFAULT_SETTINGS,
    scopes: MANAGEMENT_SCOPES.map((value) => ({ value, description: value })),
    token_lifetime: MANAGEMENT_TOKEN_LIFETIME_SECONDS,
    skip_consent_for_verifiable_first_party_clients: false,
  };
}

export const scopeValues = (api: Pick<ResourceServer, 'scopes'>): string[] => api.scopes.map((s) => s.value);
