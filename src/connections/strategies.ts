// The upstream strategies Portrait signs users in with, under Auth0's strategy names. Two protocols carry them
// all: OpenID Connect (discovery, ID token checked by openid-client) and plain OAuth 2.0 (code exchange, then a
// profile URL read with a declarative mapping). The presets fix the real endpoints and mappings of the big
// providers, so a connection named `google-oauth2` can never be pointed at another host.
import type { ProfileMap } from './profile-mapping.ts';

export type UpstreamProtocol = 'oidc' | 'oauth2';

export interface StrategyDefinition {
  strategy: string;
  protocol: UpstreamProtocol;
  /** Auth0's `identities[].isSocial`: true for social providers, false for enterprise (oidc). */
  isSocial: boolean;
  /**
   * How Auth0 forms the ids of this strategy's users: the presets use `<strategy>|<upstream id>`; the generic
   * strategies, shared by many connections, put the connection's name in between (`oidc|<connection>|<sub>`,
   * `oauth2|<connection>|<id>`), and the identity's `user_id` is then `<connection>|<id>`.
   */
  idIncludesConnection: boolean;
  /** Fixed endpoints and mapping (presets); the generic strategies take them from the connection's options. */
  preset?: {
    issuer?: string;
    authorizationURL?: string;
    tokenURL?: string;
    profile_url?: string;
    profile_map?: ProfileMap;
    scope: string;
    /** Extra authorization parameters the provider needs. */
    authorizationParams?: Record<string, string>;
  };
}

const GRAPH_FACEBOOK = 'https://graph.facebook.com/v19.0';

export const STRATEGIES: Record<string, StrategyDefinition> = {
  oidc: { strategy: 'oidc', protocol: 'oidc', isSocial: false, idIncludesConnection: true },
  oauth2: { strategy: 'oauth2', protocol: 'oauth2', isSocial: true, idIncludesConnection: true },
  'google-oauth2': {
    strategy: 'google-oauth2',
    protocol: 'oidc',
    isSocial: true,
    idIncludesConnection: false,
    // The ID token carries name, given_name, family_name, picture, email, email_verified, locale.
    preset: { issuer: 'https://accounts.google.com', scope: 'openid profile email' },
  },
  apple: {
    strategy: 'apple',
    protocol: 'oidc',
    isSocial: true,
    idIncludesConnection: false,
    // Apple sends no picture (the default chain answers) and requires form_post once name or email is asked for.
    preset: { issuer: 'https://appleid.apple.com', scope: 'openid name email', authorizationParams: { response_mode: 'form_post' } },
  },
  github: {
    strategy: 'github',
    protocol: 'oauth2',
    isSocial: true,
    idIncludesConnection: false,
    preset: {
      authorizationURL: 'https://github.com/login/oauth/authorize',
      tokenURL: 'https://github.com/login/oauth/access_token',
      profile_url: 'https://api.github.com/user',
      profile_map: { user_id: 'id', nickname: 'login', name: 'name', picture: 'avatar_url', email: 'email' },
      scope: 'read:user user:email',
    },
  },
  facebook: {
    strategy: 'facebook',
    protocol: 'oauth2',
    isSocial: true,
    idIncludesConnection: false,
    preset: {
      authorizationURL: 'https://www.facebook.com/v19.0/dialog/oauth',
      tokenURL: `${GRAPH_FACEBOOK}/oauth/access_token`,
      profile_url: `${GRAPH_FACEBOOK}/me?fields=id,name,first_name,last_name,email,picture.width(480).height(480)`,
      profile_map: { user_id: 'id', name: 'name', given_name: 'first_name', family_name: 'last_name', email: 'email', picture: 'picture.data.url' },
      scope: 'public_profile email',
    },
  },
  windowslive: {
    strategy: 'windowslive',
    // Microsoft's `common` endpoint publishes a templated issuer ({tenantid}) that no strict OIDC client
    // accepts, and Auth0's windowslive ids are Microsoft Graph ids: so code flow, then Graph's /me.
    protocol: 'oauth2',
    isSocial: true,
    idIncludesConnection: false,
    preset: {
      authorizationURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      tokenURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      profile_url: 'https://graph.microsoft.com/v1.0/me',
      // Graph serves the photo as bytes only (/me/photo/$value), never as a URL: the default chain answers.
      profile_map: { user_id: 'id', name: 'displayName', given_name: 'givenName', family_name: 'surname', email: 'mail' },
      scope: 'openid profile email User.Read',
    },
  },
};


export function strategyDefinition(strategy: string): StrategyDefinition | undefined {
  return Object.hasOwn(STRATEGIES, strategy) ? STRATEGIES[strategy] : undefined;
}

/** The option names that hold secrets: stored, used, never returned (publicConnection strips them). */
export const SECRET_OPTIONS = ['client_secret', 'app_secret'] as const;

/** Auth0's `scope` option is a string or an array of strings. */
export function scopeOf(options: Record<string, unknown>, fallback: string): string {
  const scope = options.scope;
  if (Array.isArray(scope) && scope.length > 0) return scope.join(' ');
  if (typeof scope === 'string' && scope.trim()) return scope.trim();
  return fallback;
}

/** The identity (`identities[].user_id`) and the user's `user_id` for an upstream id. */
export function federatedIds(definition: StrategyDefinition, connectionName: string, upstreamId: string): { identityUserId: string; userId: string } {
  const identityUserId = definition.idIncludesConnection ? `${connectionName}|${upstreamId}` : upstreamId;
  return { identityUserId, userId: `${definition.strategy}|${identityUserId}` };
}

export type RootAttributesMode = 'on_each_login' | 'on_first_login' | 'never_on_login';

/** The connection's `set_user_root_attributes` (§1.3), Auth0's default when unset. Read at each login. */
export function rootAttributesMode(options: Record<string, unknown>): RootAttributesMode {
  const value = options.set_user_root_attributes;
  return value === 'on_first_login' || value === 'never_on_login' ? value : 'on_each_login';
}
