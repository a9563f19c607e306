// The slot where the Actions engine (src/actions/) plugs into a login. After the password (or, later, a social
// round trip) proves who the user is, `postLoginHook` receives Auth0's post-login event and answers with the
// custom claims for the tokens, or a denial. Its answer is kept with the grant, so the code exchange, /userinfo
// and refreshes of that login carry the same custom claims; it is deleted with the grant.
import type { OidcPayloads } from './oidc-payloads.ts';
import type { PostLoginClaims } from './claims.ts';
import type { LoginUser } from './users-port.ts';

/** The parts of Auth0's post-login `event` sign-in can fill today (reference §6.1). */
export interface PostLoginEvent {
  user: LoginUser;
  client: { client_id: string; name: string; metadata: Record<string, string> };
  connection: { id: string; name: string; strategy: string; metadata: Record<string, string> };
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
  };
  resource_server?: { identifier: string };
  stats: { logins_count: number };
}

export type PostLoginOutcome = { denied: false; claims: PostLoginClaims } | { denied: true; reason: string };

/** What the Actions engine provides. Without one, logins carry no custom claims. */
export type PostLoginHook = (event: PostLoginEvent) => Promise<PostLoginOutcome>;

export const noPostLoginActions: PostLoginHook = async () => ({ denied: false, claims: { idToken: {}, accessToken: {} } });

const LOGIN_STATE = 'PortraitLoginState';

/** The post-login claims of each grant, in the provider's payload table. */
export class LoginStates {
  private readonly adapter;
  constructor(payloads: OidcPayloads) {
    this.adapter = payloads.adapterFor(LOGIN_STATE);
  }

  async save(grantId: string, claims: PostLoginClaims, expiresInSeconds: number): Promise<void> {
    await this.adapter.upsert(grantId, { grantId, claims }, expiresInSeconds);
  }

  async claimsFor(grantId: string | undefined): Promise<PostLoginClaims | null> {
    if (!grantId) return null;
    const payload = await this.adapter.find(grantId);
    return (payload?.claims as PostLoginClaims | undefined) ?? null;
  }
}
