// Auth0 applications as oidc-provider clients. The clients domain is the source of truth; this maps one of its
// clients to OIDC dynamic-registration metadata each time the provider looks it up (the provider caches the
// validated client by the metadata's hash, so an unchanged client costs one query).
import type { Adapter } from 'oidc-provider';
import type { Client, ClientsStore } from '../clients/clients-store.ts';
import { wildcardUrlMatches } from '../clients/client-urls.ts';

export const PASSWORD_REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** Grant types Portrait's provider implements; `implicit` serves the id_token and `id_token token` response types. */
const SUPPORTED_GRANTS = new Set(['authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'password', PASSWORD_REALM_GRANT, DEVICE_CODE_GRANT]);

/** SPAs and native apps cannot keep a secret: they are public clients and must use PKCE. */
export function isPublicClient(client: Pick<Client, 'app_type' | 'token_endpoint_auth_method'>): boolean {
  return client.app_type === 'spa' || client.app_type === 'native' || client.token_endpoint_auth_method === 'none';
}

/**
 * Registered URLs as the provider sees them. Wildcard entries (`https://*.example.com/cb`) parse as URLs and are
 * kept: the provider's exact comparison never lets a real redirect_uri match one, and allowWildcardRedirects
 * matches them as Auth0 does.
 */
const usableUrl = (url: string) => URL.canParse(url);

/**
 * The provider needs some client_secret for confidential clients, but never sees one: ClientsStore keeps only the
 * SHA-256 digest and exposes no way to read it, so presented secrets are checked by ClientsStore.verifySecret
 * (hash, then constant-time compare) in compareClientSecret. HS256 and client_secret_jwt, the only uses of the
 * value itself, are disabled.
 */
export const SECRET_HELD_BY_CLIENTS_DOMAIN = 'sha256-digest-held-by-the-clients-domain';

export function toOidcClientMetadata(client: Client, hasSecret: boolean): Record<string, unknown> {
  const isPublic = isPublicClient(client);
  const redirectUris = client.callbacks.filter(usableUrl);
  let grantTypes = client.grant_types.filter((g) => SUPPORTED_GRANTS.has(g));
  // authorization_code without a callback URL cannot work; leave the grant out rather than fail validation.
  if (redirectUris.length === 0) grantTypes = grantTypes.filter((g) => g !== 'authorization_code' && g !== 'implicit');
  // Public clients cannot authenticate, so a grant that needs client authentication is meaningless for them.
  if (isPublic) grantTypes = grantTypes.filter((g) => g !== 'client_credentials');
  if (!isPublic && !hasSecret) grantTypes = [];
  const metadata: Record<string, unknown> = {
    client_id: client.client_id,
    client_name: client.name,
    application_type: client.app_type === 'native' ? 'native' : 'web',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: client.allowed_logout_urls.filter(usableUrl),
    grant_types: grantTypes,
    response_types: responseTypesFor(grantTypes),
    token_endpoint_auth_method: isPublic ? 'none' : client.token_endpoint_auth_method,
    id_token_signed_response_alg: 'RS256',
    web_origins: client.web_origins,
    allowed_origins: client.allowed_origins,
    is_first_party: client.is_first_party,
    refresh_token: client.refresh_token,
  };
  // OpenID Back-Channel Logout: Auth0 lists one URL; the logout token always names the session (sid).
  const backchannel = client.oidc_logout?.backchannel_logout_urls?.find(usableUrl);
  if (backchannel) Object.assign(metadata, { backchannel_logout_uri: backchannel, backchannel_logout_session_required: true });
  if (client.logo_uri && URL.canParse(client.logo_uri)) metadata.logo_uri = client.logo_uri;
  if (!isPublic && hasSecret) metadata.client_secret = SECRET_HELD_BY_CLIENTS_DOMAIN;
  return metadata;
}

function responseTypesFor(grantTypes: string[]): string[] {
  const types: string[] = [];
  if (grantTypes.includes('authorization_code')) types.push('code');
  if (grantTypes.includes('implicit')) types.push('id_token', 'id_token token');
  return types;
}

/** oidc-provider's adapter for the Client model: read-only, over the clients domain. */
export class ClientAdapter implements Adapter {
  constructor(private readonly clients: ClientsStore) {}

  async find(id: string) {
    if (id.length > 128) return undefined;
    const client = await this.clients.get(id);
    // Every confidential client the clients domain creates has a secret; a public one has none.
    return client ? toOidcClientMetadata(client, !isPublicClient(client)) : undefined;
  }

  async upsert(): Promise<void> {
    throw new Error('clients are managed through /api/v2/clients');
  }
  async findByUid() {
    return undefined;
  }
  async findByUserCode() {
    return undefined;
  }
  async consume(): Promise<void> {}
  async destroy(): Promise<void> {}
  async revokeByGrantId(): Promise<void> {}
}

/** Origins a browser app may call the token endpoint from: Auth0 allows web_origins, allowed_origins and callbacks' origins. */
export function allowedOrigins(metadata: { web_origins?: string[]; allowed_origins?: string[]; redirect_uris?: string[] }): Set<string> {
  const origins = new Set<string>();
  for (const url of [...(metadata.web_origins ?? []), ...(metadata.allowed_origins ?? []), ...(metadata.redirect_uris ?? [])]) {
    const parsed = URL.parse(url);
    if (parsed && !url.includes('*')) origins.add(parsed.origin);
  }
  return origins;
}

type RedirectCheck = (this: { redirectUris?: string[]; postLogoutRedirectUris?: string[] }, value: unknown) => boolean;

/**
 * Teaches the provider's clients Auth0's subdomain wildcards: a redirect_uri (or post_logout_redirect_uri) is
 * allowed when it matches a registered URL exactly, as before, or one of the registered wildcard URLs
 * (clients/client-urls.ts, wildcardUrlMatches). A value containing `*` is never allowed, so a client that names
 * the pattern itself (or gets it as its only registered URL by default) is refused.
 */
export function allowWildcardRedirects(clientClass: { prototype: object }): void {
  const proto = clientClass.prototype as { redirectUriAllowed: RedirectCheck; postLogoutRedirectUriAllowed: RedirectCheck };
  const exactRedirect = proto.redirectUriAllowed;
  const exactLogout = proto.postLogoutRedirectUriAllowed;
  const allowed = (value: unknown, registered: string[] | undefined, exact: boolean) =>
    typeof value === 'string' && !value.includes('*') && (exact || (registered ?? []).some((url) => url.includes('*') && wildcardUrlMatches(url, value)));
  proto.redirectUriAllowed = function redirectUriAllowed(value) {
    return allowed(value, this.redirectUris, exactRedirect.call(this, value));
  };
  proto.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(value) {
    return allowed(value, this.postLogoutRedirectUris, exactLogout.call(this, value));
  };
}
