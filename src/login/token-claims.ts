// How oidc-provider gets its claims: findAccount reads the profile fresh on every use (so a refresh carries a
// changed picture without a new login), assembleClaims shapes it, and two small adapters bend the provider's
// output to Auth0's: custom claims survive the provider's claim mask, and JWT access tokens look like Auth0's.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { assembleClaims, STANDARD_CLAIMS, type ClaimsUse } from './claims.ts';
import type { LoginStates } from './post-login.ts';
import type { LoginUsersPort } from './users-port.ts';

/** Claims from assembleClaims that are not OIDC standard claims ride under this key past the provider's mask. */
const CUSTOM = Symbol('portrait.customClaims');

export interface TokenClaimsDeps {
  users: LoginUsersPort;
  loginStates: LoginStates;
  issuer: string;
  managementAudience: string;
}

function grantIdOf(ctx: KoaContextWithOIDC | undefined, token: { grantId?: string } | undefined): string | undefined {
  return token?.grantId ?? ctx?.oidc?.entities?.Grant?.jti ?? ctx?.oidc?.entities?.Interaction?.grantId;
}

export function findAccountWith(deps: TokenClaimsDeps) {
  return async function findAccount(ctx: KoaContextWithOIDC, sub: string, token?: { grantId?: string }) {
    const user = await deps.users.get(sub);
    // A deleted or blocked user's grants stop working: codes, refreshes and /userinfo all fail.
    if (!user || user.blocked) return undefined;
    return {
      accountId: user.user_id,
      async claims(use: string, scope: string) {
        const custom = await deps.loginStates.claimsFor(grantIdOf(ctx, token));
        const assembled = assembleClaims({ use: use as ClaimsUse, user, scopes: new Set(scope.split(' ')), custom });
        const extra = Object.fromEntries(Object.entries(assembled).filter(([k]) => !STANDARD_CLAIMS.has(k)));
        return { ...assembled, [CUSTOM]: extra };
      },
    };
  };
}

/**
 * oidc-provider keeps only claims it knows per scope; Actions' claims have names nobody can list in advance.
 * This Claims class adds them back after the provider's own masking (scope filtering was applied by assembleClaims).
 */
export function keepCustomClaims(provider: Provider): void {
  const Base = provider.Claims as new (...args: unknown[]) => { available: Record<symbol, object>; result(): Promise<Record<string, unknown>> };
  class ClaimsWithCustom extends Base {
    override async result() {
      const claims = await super.result();
      return { ...(this.available[CUSTOM] ?? {}), ...claims };
    }
  }
  Object.defineProperty(provider, 'Claims', { value: ClaimsWithCustom, configurable: true });
}

/** Actions' access-token claims, for tokens issued to a user. */
export function extraTokenClaimsWith(deps: TokenClaimsDeps) {
  return async function extraTokenClaims(ctx: KoaContextWithOIDC, token: { accountId?: string; grantId?: string; scope?: string; aud?: unknown; resourceServer?: { audience?: string } }) {
    if (!token.accountId) return undefined;
    const custom = await deps.loginStates.claimsFor(grantIdOf(ctx, token));
    if (!custom || Object.keys(custom.accessToken).length === 0) return undefined;
    const user = await deps.users.get(token.accountId);
    if (!user) return undefined;
    const isAuth0Api = token.resourceServer?.audience === deps.managementAudience;
    return assembleClaims({ use: 'access_token', user, scopes: new Set((token.scope ?? '').split(' ')), custom, isAuth0Api });
  };
}

/**
 * Auth0's access-token shape: `typ: JWT`, `azp` instead of `client_id`; machine tokens have
 * `sub: <client_id>@clients` and `gty: client-credentials`; user tokens with `openid` are also good at /userinfo.
 */
export function auth0AccessTokenShape(issuer: string) {
  const userinfoAudience = `${issuer}userinfo`;
  return async function customizeJwt(_ctx: unknown, token: { kind: string; clientId: string; scope?: string }, jwt: { header?: Record<string, unknown>; payload: Record<string, unknown> }) {
    const { payload } = jwt;
    jwt.header = { typ: 'JWT' };
    delete payload.client_id;
    payload.azp = token.clientId;
    if (token.kind === 'ClientCredentials') {
      payload.sub = `${token.clientId}@clients`;
      payload.gty = 'client-credentials';
      return;
    }
    if ((token.scope ?? '').split(' ').includes('openid') && typeof payload.aud === 'string' && payload.aud !== userinfoAudience) {
      payload.aud = [payload.aud, userinfoAudience];
    }
  };
}
