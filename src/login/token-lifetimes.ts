// How long sessions and refresh tokens live, as Auth0 decides it.
// - Sessions: the tenant's `idle_session_lifetime` and `session_lifetime` (hours; Auth0's defaults 72 and 168).
//   Each save of a session (every successful authorization request renews it) grants a new idle window,
//   never past the absolute end counted from the login.
// - Refresh tokens: the client's `refresh_token` settings. A rotating family lives `token_lifetime` from its first
//   token and each member `idle_token_lifetime` from its issue; a rotated-out member presented again within
//   `leeway` seconds is exchanged again (a retry after a lost answer), after that it revokes the whole family
//   (oidc-provider's reuse detection). A non-rotating token is never re-saved, so its idle window is not renewed
//   by use: it lives min(idle, absolute) from its issue.
import type Provider from 'oidc-provider';
import type { ClientsStore, RefreshTokenSettings } from '../clients/clients-store.ts';
import { DEFAULT_REFRESH_TOKEN } from '../clients/clients-store.ts';

export interface SessionLifetimes {
  /** Hours a session may go unused. */
  idle_session_lifetime: number;
  /** Hours a session lasts from its login, used or not. */
  session_lifetime: number;
}

/** "Infinite" for the provider, which needs a number: 10 years. */
const FOREVER = 10 * 365 * 86400;
const now = () => Math.floor(Date.now() / 1000);

/** The session TTL at this save, in seconds (at least 1: the provider refuses 0). */
export function sessionTtl(lifetimes: SessionLifetimes, session: { loginTs?: number }, at = now()): number {
  const idle = Math.round(lifetimes.idle_session_lifetime * 3600);
  const absoluteEnd = (session.loginTs ?? at) + Math.round(lifetimes.session_lifetime * 3600);
  return Math.max(1, Math.min(idle, absoluteEnd - at));
}

/** The absolute end of a session logged in at loginTs (epoch seconds), for the Management API's expires_at. */
export function sessionEnd(lifetimes: SessionLifetimes, loginTs: number): number {
  return loginTs + Math.round(lifetimes.session_lifetime * 3600);
}

/** A new member's TTL: its idle window, capped by the family's absolute end. */
export function refreshTokenTtl(settings: RefreshTokenSettings, token: { iiat?: number }, at = now()): number {
  if (settings.expiration_type === 'non-expiring') return FOREVER;
  const idle = settings.infinite_idle_token_lifetime ? FOREVER : settings.idle_token_lifetime;
  const absolute = settings.infinite_token_lifetime ? FOREVER : (token.iiat ?? at) + settings.token_lifetime - at;
  return Math.max(1, Math.min(idle, absolute));
}

export const refreshSettingsOf = (client: { refresh_token?: Partial<RefreshTokenSettings> } | undefined): RefreshTokenSettings => ({
  ...DEFAULT_REFRESH_TOKEN,
  ...(client?.refresh_token ?? {}),
});

/** The provider options these lifetimes set. */
export function lifetimeOptions(sessionLifetimes: () => SessionLifetimes) {
  return {
    Session: (_ctx: unknown, session: { loginTs?: number }) => sessionTtl(sessionLifetimes(), session),
    RefreshToken: (_ctx: unknown, token: { iiat?: number }, client: { refresh_token?: RefreshTokenSettings }) => refreshTokenTtl(refreshSettingsOf(client), token),
  };
}

export function rotateRefreshToken(ctx: { oidc: { client?: { refresh_token?: RefreshTokenSettings } } }): boolean {
  return refreshSettingsOf(ctx.oidc.client).rotation_type === 'rotating';
}

/** Within the client's leeway, a rotated-out refresh token reads as unused, so the retry gets a new member. */
export function reuseInterval(provider: Provider, clients: ClientsStore): void {
  const RefreshToken = provider.RefreshToken;
  const find = RefreshToken.find.bind(RefreshToken);
  RefreshToken.find = async (value: string, options?: unknown) => {
    const token = await find(value, options);
    if (token?.consumed && token.clientId) {
      const { leeway } = refreshSettingsOf((await clients.get(token.clientId)) ?? undefined);
      if (leeway > 0 && now() - Number(token.consumed) <= leeway) delete token.consumed;
    }
    return token;
  };
}

/** Every successful authorization request renews the session's idle window (the provider saves only changed sessions). */
export function renewSessionOnUse(provider: Provider): void {
  provider.on('authorization.success', (ctx: any) => {
    if (ctx.oidc?.session?.accountId) ctx.oidc.session.touched = true;
  });
}
