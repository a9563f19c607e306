// OpenID Connect upstreams (`oidc`, `google-oauth2`, `apple`) through openid-client: discovery (the issuer in
// the document must be the one configured), the code flow with PKCE S256, state and nonce, and the ID token
// checked (signature against the upstream's JWKS, issuer, audience, nonce, expiry) before any claim is read.
import * as oidc from 'openid-client';
import { importPKCS8, SignJWT } from 'jose';
import type { Connection } from './connections-store.ts';
import { profileFromClaims } from './profile-mapping.ts';
import { scopeOf, type StrategyDefinition } from './strategies.ts';
import { UpstreamError, type UpstreamCallback, type UpstreamChecks, type UpstreamOptions, type UpstreamProtocolClient, type UpstreamResult } from './upstream.ts';

const DISCOVERY_TTL_MS = 10 * 60_000;

interface CachedConfiguration {
  key: string;
  at: number;
  configuration: Promise<oidc.Configuration>;
}

/** Apple's client secret is a short-lived ES256 JWT signed with the team's key. */
async function appleClientSecret(options: Record<string, unknown>): Promise<string> {
  const key = await importPKCS8(String(options.app_secret), 'ES256');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: String(options.kid) })
    .setIssuer(String(options.team_id))
    .setSubject(String(options.client_id))
    .setAudience('https://appleid.apple.com')
    .setIssuedAt()
    // Longer than a cached discovery lives (the configuration holds it), far shorter than Apple's 6-month cap.
    .setExpirationTime('1h')
    .sign(key);
}

export class OidcUpstream implements UpstreamProtocolClient {
  /** Discovery documents per connection, refreshed when the connection changes or after DISCOVERY_TTL_MS. */
  private readonly cache = new Map<string, CachedConfiguration>();

  constructor(private readonly options: UpstreamOptions) {}

  private async configuration(connection: Connection, definition: StrategyDefinition): Promise<oidc.Configuration> {
    const key = `${connection.updated_at}`;
    const cached = this.cache.get(connection.id);
    if (cached && cached.key === key && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.configuration;
    const configuration = this.discover(connection, definition);
    this.cache.set(connection.id, { key, at: Date.now(), configuration });
    // A failed discovery is not remembered: the next login tries again.
    configuration.catch(() => this.cache.delete(connection.id));
    return configuration;
  }

  private async discover(connection: Connection, definition: StrategyDefinition): Promise<oidc.Configuration> {
    const o = connection.options;
    const issuer = definition.preset?.issuer ?? (typeof o.issuer === 'string' ? o.issuer : undefined);
    const discoveryUrl = definition.preset ? undefined : typeof o.discovery_url === 'string' ? o.discovery_url : undefined;
    const server = new URL(discoveryUrl ?? issuer!);
    const metadata: Partial<oidc.ClientMetadata> = { redirect_uris: [this.options.callbackUrl], response_types: ['code'] };
    // Discovery, and (set on the configuration below) token, userinfo and JWKS requests, all go through the
    // server's outbound guard.
    const discovered = await oidc.discovery(server, String(o.client_id), metadata, undefined, {
      timeout: this.options.timeoutMs / 1000,
      [oidc.customFetch]: this.options.fetch,
    });
    const found = discovered.serverMetadata();
    // With only discovery_url, openid-client cannot compare the document's issuer with its URL: the configured
    // issuer, when there is one, must match it.
    if (discoveryUrl && issuer && found.issuer !== issuer) {
      throw new UpstreamError('invalid_response', `the discovery document names issuer ${found.issuer}, the connection expects ${issuer}`);
    }
    if (!found.authorization_endpoint?.startsWith('https://') || !found.token_endpoint?.startsWith('https://')) {
      throw new UpstreamError('invalid_response', 'the discovery document has no https authorization and token endpoints');
    }
    const configuration = new oidc.Configuration(found, String(o.client_id), metadata, await this.clientAuth(connection, found));
    configuration.timeout = discovered.timeout;
    configuration[oidc.customFetch] = this.options.fetch;
    // openid-client (as OIDC Core allows) trusts an ID token from the token endpoint on TLS alone; Portrait
    // also checks its signature against the upstream's JWKS, so a compromised or confused token endpoint
    // cannot vouch for anyone.
    oidc.enableNonRepudiationChecks(configuration);
    return configuration;
  }

  private async clientAuth(connection: Connection, found: oidc.ServerMetadata): Promise<oidc.ClientAuth> {
    const o = connection.options;
    const secret = connection.strategy === 'apple' ? await appleClientSecret(o) : String(o.client_secret ?? '');
    const methods = found.token_endpoint_auth_methods_supported;
    // Post unless the upstream says it only takes Basic (the OAuth default when it says nothing is Basic, but
    // Google, Apple and most others take both).
    if (methods && !methods.includes('client_secret_post') && methods.includes('client_secret_basic')) return oidc.ClientSecretBasic(secret);
    return oidc.ClientSecretPost(secret);
  }

  async authorizationUrl(connection: Connection, definition: StrategyDefinition, checks: UpstreamChecks): Promise<URL> {
    const configuration = await this.configuration(connection, definition);
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.options.callbackUrl,
      scope: ensureOpenid(scopeOf(connection.options, definition.preset?.scope ?? 'openid profile email')),
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      ...definition.preset?.authorizationParams,
    });
  }

  async finish(connection: Connection, definition: StrategyDefinition, callback: UpstreamCallback, checks: UpstreamChecks): Promise<UpstreamResult> {
    const configuration = await this.configuration(connection, definition);
    // openid-client reads the response from the callback URL (query) or from a POST (form_post).
    const current = callback.form
      ? new Request(callback.url, { method: 'POST', body: new URLSearchParams(callback.form), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      : callback.url;
    const tokens = await oidc.authorizationCodeGrant(configuration, current, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const claims = { ...tokens.claims() } as Record<string, unknown>;
    const sub = String(claims.sub);
    // Generic OIDC upstreams often keep the profile claims for /userinfo (as oidc-provider does by default);
    // the presets put them in the ID token.
    if (!definition.preset && configuration.serverMetadata().userinfo_endpoint && tokens.access_token) {
      const info = await oidc.fetchUserInfo(configuration, tokens.access_token, sub);
      Object.assign(claims, info, { sub });
    }
    if (connection.strategy === 'apple') Object.assign(claims, appleFirstLoginName(callback.form?.user));
    return {
      profile: profileFromClaims(claims),
      tokens: { access_token: tokens.access_token, ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}) },
    };
  }
}

function ensureOpenid(scope: string): string {
  return scope.split(/\s+/).includes('openid') ? scope : `openid ${scope}`;
}

/** Apple sends the user's name once, on the first authorization, as a JSON form field beside the code. */
function appleFirstLoginName(raw: string | undefined): Record<string, string> {
  if (!raw || raw.length > 2048) return {};
  try {
    const parsed = JSON.parse(raw) as { name?: { firstName?: unknown; lastName?: unknown } };
    const given = typeof parsed.name?.firstName === 'string' ? parsed.name.firstName : undefined;
    const family = typeof parsed.name?.lastName === 'string' ? parsed.name.lastName : undefined;
    const out: Record<string, string> = {};
    if (given) out.given_name = given;
    if (family) out.family_name = family;
    if (given || family) out.name = [given, family].filter(Boolean).join(' ');
    return out;
  } catch {
    return {};
  }
}
