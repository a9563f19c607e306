// The slot where the Actions engine (src/actions/) plugs into a login. After the password (or a social round
// trip) proves who the user is, `postLoginHook` receives Auth0's post-login event and answers with the custom
// claims for the tokens, or a denial. Its answer is kept with the grant, together with the connection the user
// signed in with; each refresh-token exchange runs the hook again on the current profile (refresh-post-login.ts)
// and keeps that newer answer in its place, so the code exchange, /userinfo and refreshes carry the latest
// custom claims. It is deleted with the grant.
import type { OidcPayloads } from './oidc-payloads.ts';
import type { PostLoginClaims } from './claims.ts';
import type { LoginUser } from './users-port.ts';

/** `event.connection`: the connection the user signed in with. */
export interface PostLoginConnection {
  id: string;
  name: string;
  strategy: string;
  metadata: Record<string, string>;
}

/** The parts of Auth0's post-login `event` sign-in can fill today (reference §6.1). */
export interface PostLoginEvent {
  user: LoginUser;
  client: { client_id: string; name: string; metadata: Record<string, string> };
  connection: PostLoginConnection;
  request: { ip: string; method: string; hostname: string; user_agent?: string; language?: string; query: Record<string, unknown> };
  transaction: {
    id: string;
    protocol: 'oidc-basic-profile' | 'oauth2-password' | 'oauth2-refresh-token';
    requested_scopes: string[];
    redirect_uri?: string;
    response_type: string[];
    state?: string;
    login_hint?: string;
    ui_locales: string[];
    locale: string;
  };
  /**
   * The methods that proved who the user is in this transaction (Portrait: the password, or `federated`).
   * Absent on a refresh-token exchange: nobody authenticated in it, and Auth0 leaves it out there too.
   */
  authentication?: { methods: Array<{ name: string; timestamp: string }> };
  resource_server?: { identifier: string };
  stats: { logins_count: number };
  // `tenant` and `secrets` are the Actions engine's to add.
}

export type PostLoginOutcome = { denied: false; claims: PostLoginClaims } | { denied: true; reason: string };

/**
 * What the Actions engine provides. Without one, logins carry no custom claims. The hook itself writes the
 * actions' metadata changes before it answers, so the tokens minted afterwards see them.
 */
export type PostLoginHook = (event: PostLoginEvent) => Promise<PostLoginOutcome>;

export const noPostLoginActions: PostLoginHook = async () => ({ denied: false, claims: { idToken: {}, accessToken: {} } });

/** Post-login Actions see the identities without the upstream's tokens. */
export function withoutIdpTokens(user: LoginUser): LoginUser {
  if (!user.identities) return user;
  const identities = user.identities.map((identity) => {
    const { access_token: _a, refresh_token: _r, access_token_secret: _s, ...rest } = identity as typeof identity & Record<string, unknown>;
    return rest;
  });
  return { ...user, identities };
}

/** What a grant remembers of its post-login run: the latest claims, and the login's connection for the refreshes. */
export interface LoginState {
  claims: PostLoginClaims;
  /** Missing on grants stored before refreshes re-ran the Actions; the refresh then uses the user's first identity. */
  connection?: PostLoginConnection;
}

const LOGIN_STATE = 'PortraitLoginState';

/** The post-login state of each grant, in the provider's payload table. */
export class LoginStates {
  private readonly adapter;
  constructor(payloads: OidcPayloads) {
    this.adapter = payloads.adapterFor(LOGIN_STATE);
  }

  async save(grantId: string, state: LoginState, expiresInSeconds: number): Promise<void> {
    await this.adapter.upsert(grantId, { grantId, ...state }, expiresInSeconds);
  }

  async find(grantId: string | undefined): Promise<LoginState | null> {
    if (!grantId) return null;
    const payload = await this.adapter.find(grantId);
    if (!payload?.claims) return null;
    return { claims: payload.claims as PostLoginClaims, ...(payload.connection ? { connection: payload.connection as PostLoginConnection } : {}) };
  }

  async claimsFor(grantId: string | undefined): Promise<PostLoginClaims | null> {
    return (await this.find(grantId))?.claims ?? null;
  }
}
