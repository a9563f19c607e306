// Auth0 runs the post-login Actions again on every refresh-token exchange (`transaction.protocol` is
// `oauth2-refresh-token`, `event.authentication` is absent), on the profile as it is now: an app that PATCHes
// `user_metadata.picture` sees the new picture in the ID token of its next refresh, through the seed's Action.
//
// The seam is oidc-provider's refresh grant calling findAccount with the presented refresh token: by then it
// has checked the client, the token's expiry and the grant, and it has not yet rotated the token. A deny (or
// a failed action) thrown from here therefore leaves everything as it was: the refresh token is neither
// consumed nor rotated, so the app can retry once the action is fixed; the grant and its last stored claims
// stay, so access tokens already issued keep working at /userinfo until they expire, as on Auth0.
import { randomUUID } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { firstLanguage } from './action-hooks.ts';
import type { PostLoginClaims } from './claims.ts';
import { withoutIdpTokens, type LoginStates, type PostLoginConnection, type PostLoginHook } from './post-login.ts';
import { TTL } from './provider-factory.ts';
import type { LoginUser } from './users-port.ts';

export interface RefreshPostLoginDeps {
  loginStates: LoginStates;
  /** Read at each refresh, so the Actions engine can be plugged in after start-up. */
  postLogin?: () => PostLoginHook;
  /** The connection as configured now (its metadata may have changed since the login). */
  connectionByName?: (name: string) => Promise<PostLoginConnection | null>;
  clientMetadata?: (clientId: string) => Promise<Record<string, string> | undefined>;
}

/** The refresh token oidc-provider hands findAccount during the exchange (its model, before rotation). */
export interface PresentedRefreshToken {
  kind: 'RefreshToken';
  accountId: string;
  grantId: string;
  clientId: string;
  scope?: string;
  /** The API chosen at /authorize (oidc-provider may keep it as a one-element list). */
  resource?: string | string[];
  consumed?: unknown;
}

/**
 * True for findAccount's check of the refresh token in a refresh-token exchange. A replayed (already rotated)
 * token is left out: the provider refuses it and revokes the grant right after, and Actions must not run (nor
 * write metadata) for a request that is refused anyway.
 */
export function isRefreshExchange(ctx: KoaContextWithOIDC | undefined, token: unknown): token is PresentedRefreshToken {
  const t = token as Partial<PresentedRefreshToken> | undefined;
  return t?.kind === 'RefreshToken' && !t.consumed && typeof t.grantId === 'string'
    && ctx?.oidc?.route === 'token' && (ctx.oidc.params as { grant_type?: unknown } | undefined)?.grant_type === 'refresh_token';
}

/**
 * Auth0's status for an Action's deny at the token endpoint is UNCONFIRMED (§6.1; some SDK users report 500).
 * Portrait answers 403 access_denied, as for a deny on the password grants and a failed credentials-exchange.
 */
function refreshDenied(description: string): Error {
  return Object.assign(new errors.CustomOIDCProviderError('access_denied', description), { status: 403, statusCode: 403 });
}

/** The login's connection as it is now; grants from before this was stored fall back to the user's first identity. */
async function connectionOf(deps: RefreshPostLoginDeps, stored: PostLoginConnection | undefined, user: LoginUser): Promise<PostLoginConnection> {
  const identity = user.identities?.[0];
  const name = stored?.name ?? identity?.connection;
  const current = name ? await deps.connectionByName?.(name) : null;
  return current ?? stored ?? { id: '', name: name ?? '', strategy: identity?.provider ?? '', metadata: {} };
}

/** Seconds left of the exchange's grant, so the login state does not outlive it. */
function grantSecondsLeft(ctx: KoaContextWithOIDC): number {
  const exp = (ctx.oidc.entities as { Grant?: { exp?: number } }).Grant?.exp;
  return typeof exp === 'number' ? Math.max(1, exp - Math.floor(Date.now() / 1000)) : TTL.Grant;
}

const sameClaims = (a: PostLoginClaims, b: PostLoginClaims) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Runs the post-login Actions for this refresh on the current profile and keeps their claims with the grant as
 * the latest (the tokens of this exchange and /userinfo read them from there); throws the OAuth error on a deny.
 * The hook writes the actions' metadata changes once, as at a login.
 */
export async function postLoginOnRefresh(ctx: KoaContextWithOIDC, deps: RefreshPostLoginDeps, token: PresentedRefreshToken, user: LoginUser): Promise<void> {
  const hook = deps.postLogin?.();
  if (!hook) return;
  const stored = await deps.loginStates.find(token.grantId);
  const connection = await connectionOf(deps, stored?.connection, user);
  const client = ctx.oidc.client as { clientId: string; clientName?: string } | undefined;
  const clientId = client?.clientId ?? token.clientId;
  const language = firstLanguage(ctx.get('accept-language'));
  const resource = Array.isArray(token.resource) ? token.resource[0] : token.resource;
  const outcome = await hook({
    user: withoutIdpTokens(user),
    client: { client_id: clientId, name: client?.clientName ?? clientId, metadata: (await deps.clientMetadata?.(clientId)) ?? {} },
    connection,
    request: { ip: ctx.ip, method: ctx.method, hostname: ctx.hostname, user_agent: ctx.get('user-agent') || undefined, language, query: {} },
    transaction: {
      id: randomUUID(),
      protocol: 'oauth2-refresh-token',
      requested_scopes: (token.scope ?? '').split(' ').filter(Boolean),
      response_type: [],
      ui_locales: [],
      locale: language ?? 'en',
    },
    ...(resource ? { resource_server: { identifier: resource } } : {}),
    stats: { logins_count: Number(user.logins_count ?? 0) },
  });
  if (outcome.denied) throw refreshDenied(outcome.reason);
  // Most refreshes change nothing; skip the write then.
  if (stored?.connection && sameClaims(stored.claims, outcome.claims)) return;
  await deps.loginStates.save(token.grantId, { claims: outcome.claims, connection: stored?.connection ?? connection }, grantSecondsLeft(ctx));
}
