// How oidc-provider gets its claims: findAccount reads the profile fresh on every use (so a refresh carries a
// changed picture without a new login) and, in a refresh-token exchange, runs the post-login Actions again on
// it (refresh-post-login.ts); assembleClaims shapes it, and two small adapters bend the provider's output to
// Auth0's: custom claims survive the provider's claim mask, and JWT access tokens look like Auth0's — or, for an
// API whose token_dialect says so, like RFC 9068's — with the `permissions` claim for the `_authz` dialects.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { carriesPermissions, isRfc9068, type Authz, type TokenDialect } from '../authz/index.ts';
import type { CredentialsExchangeHook } from './action-hooks.ts';
import { firstLanguage } from './action-hooks.ts';
import { assembleClaims, STANDARD_CLAIMS, type ClaimsUse } from './claims.ts';
import { isRefreshExchange, postLoginOnRefresh, type RefreshPostLoginDeps } from './refresh-post-login.ts';
import { heldPermissions } from './resource-servers.ts';
import type { LoginUsersPort } from './users-port.ts';

/** Claims from assembleClaims that are not OIDC standard claims ride under this key past the provider's mask. */
const CUSTOM = Symbol('portrait.customClaims');
/** Actions' scope changes, left on the token by extraTokenClaims for the JWT customizer (same token object). */
const SCOPE_CHANGES = Symbol('portrait.scopeChanges');
/** The token_dialect of the token's API, left by extraTokenClaims for the JWT customizer (same token object). */
const DIALECT = Symbol('portrait.tokenDialect');

export interface TokenClaimsDeps extends RefreshPostLoginDeps {
  users: LoginUsersPort;
  issuer: string;
  managementAudience: string;
  authz: Authz;
  /** Read at each machine token, so the Actions engine can be plugged in after start-up. */
  credentialsExchange?: () => CredentialsExchangeHook;
}

function tokenError(status: number, error: string, description: string): Error {
  return Object.assign(new errors.CustomOIDCProviderError(error, description), { status, statusCode: status });
}

/**
 * The credentials-exchange Actions for a machine token: their access-token claims, or an OAuth error at the token
 * endpoint. Auth0's status for a deny is UNCONFIRMED (§6.1); Portrait answers 400 for the client's errors
 * (invalid_scope, invalid_request), 500 for server_error, and 403 access_denied when an action fails.
 */
async function credentialsExchangeClaims(ctx: KoaContextWithOIDC, deps: TokenClaimsDeps, token: { clientId?: string; scope?: string; resourceServer?: { audience?: string } }) {
  const hook = deps.credentialsExchange?.();
  const audience = token.resourceServer?.audience;
  if (!hook || !audience || !token.clientId) return undefined;
  const client = ctx.oidc.client as { clientId: string; clientName?: string } | undefined;
  const outcome = await hook({
    client: { client_id: token.clientId, name: client?.clientName ?? token.clientId, metadata: (await deps.clientMetadata?.(token.clientId)) ?? {} },
    request: { ip: ctx.ip, method: ctx.method, hostname: ctx.hostname, user_agent: ctx.get('user-agent') || undefined, language: firstLanguage(ctx.get('accept-language')), query: {} },
    resource_server: { identifier: audience },
    transaction: { requested_scopes: (token.scope ?? '').split(' ').filter(Boolean) },
  }, { audienceIsManagementApi: audience === deps.managementAudience });
  if (outcome.denied) {
    const status = outcome.code === 'server_error' ? 500 : outcome.code === 'access_denied' ? 403 : 400;
    throw tokenError(status, outcome.code, outcome.message);
  }
  return Object.keys(outcome.accessTokenClaims).length ? outcome.accessTokenClaims : undefined;
}

function grantIdOf(ctx: KoaContextWithOIDC | undefined, token: { grantId?: string } | undefined): string | undefined {
  return token?.grantId ?? ctx?.oidc?.entities?.Grant?.jti ?? ctx?.oidc?.entities?.Interaction?.grantId;
}

export function findAccountWith(deps: TokenClaimsDeps) {
  return async function findAccount(ctx: KoaContextWithOIDC, sub: string, token?: { grantId?: string }) {
    let user = await deps.users.get(sub);
    // A deleted or blocked user's grants stop working: codes, refreshes and /userinfo all fail.
    if (!user || user.blocked) return undefined;
    if (isRefreshExchange(ctx, token)) {
      // Before the provider rotates the refresh token: a deny throws here and leaves it usable.
      await postLoginOnRefresh(ctx, deps, token, user);
      // The actions may have written metadata; the tokens of this exchange read the profile as it is now.
      user = (await deps.users.get(sub)) ?? user;
    }
    const profile = user;
    return {
      accountId: user.user_id,
      async claims(use: string, scope: string) {
        const custom = await deps.loginStates.claimsFor(grantIdOf(ctx, token));
        const assembled = assembleClaims({ use: use as ClaimsUse, user: profile, scopes: new Set(scope.split(' ')), custom });
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

type IssuedToken = {
  kind?: string; clientId?: string; accountId?: string; grantId?: string; scope?: string; aud?: unknown; resourceServer?: { audience?: string };
  [SCOPE_CHANGES]?: { added: string[]; removed: string[] };
  [DIALECT]?: TokenDialect;
};

/**
 * Extra access-token claims: the Actions' (post-login's for a user, credentials-exchange's for a machine) and,
 * for an API with an `_authz` dialect, `permissions` — every permission the user holds for the API, or for a
 * machine the scopes its grant gives (decision: Auth0 documents the claim for users; see src/authz/README.md).
 */
export function extraTokenClaimsWith(deps: TokenClaimsDeps) {
  return async function extraTokenClaims(ctx: KoaContextWithOIDC, token: IssuedToken) {
    const audience = token.resourceServer?.audience;
    const api = audience ? await deps.authz.findApi(audience) : null;
    if (api) token[DIALECT] = api.token_dialect;
    const claims = await actionClaims(ctx, token);
    if (!api || api.is_system || !carriesPermissions(api)) return claims;
    const permissions = token.accountId
      ? await heldPermissions(ctx, deps.authz, token.accountId, api.identifier)
      : (token.scope ?? '').split(' ').filter(Boolean);
    return { ...claims, permissions };
  };

  async function actionClaims(ctx: KoaContextWithOIDC, token: IssuedToken) {
    if (token.kind === 'ClientCredentials') return credentialsExchangeClaims(ctx, deps, token);
    if (!token.accountId) return undefined;
    const custom = await deps.loginStates.claimsFor(grantIdOf(ctx, token));
    if (custom?.addedScopes?.length || custom?.removedScopes?.length) {
      token[SCOPE_CHANGES] = { added: custom.addedScopes ?? [], removed: custom.removedScopes ?? [] };
    }
    if (!custom || Object.keys(custom.accessToken).length === 0) return undefined;
    const user = await deps.users.get(token.accountId);
    if (!user) return undefined;
    const isAuth0Api = token.resourceServer?.audience === deps.managementAudience;
    return assembleClaims({ use: 'access_token', user, scopes: new Set((token.scope ?? '').split(' ')), custom, isAuth0Api });
  }
}

/**
 * Auth0's access-token shape: `typ: JWT`, `azp` instead of `client_id`; machine tokens have
 * `sub: <client_id>@clients` and `gty: client-credentials`; user tokens with `openid` are also good at /userinfo.
 * The RFC 9068 dialects keep the profile's `typ: at+jwt` and `client_id` (with `jti`), and no `azp`/`gty`.
 */
export function auth0AccessTokenShape(issuer: string) {
  const userinfoAudience = `${issuer}userinfo`;
  return async function customizeJwt(_ctx: unknown, token: IssuedToken & { kind: string; clientId: string }, jwt: { header?: Record<string, unknown>; payload: Record<string, unknown> }) {
    const { payload } = jwt;
    const rfc9068 = isRfc9068({ token_dialect: token[DIALECT] ?? 'access_token' });
    jwt.header = { typ: rfc9068 ? 'at+jwt' : 'JWT' };
    const changes = token[SCOPE_CHANGES];
    if (changes) {
      // api.accessToken.addScope/removeScope of the login: the JWT's scope claim is what APIs read.
      const scopes = new Set(String(payload.scope ?? '').split(' ').filter(Boolean));
      for (const s of changes.added) scopes.add(s);
      for (const s of changes.removed) scopes.delete(s);
      payload.scope = scopes.size ? [...scopes].join(' ') : undefined;
    }
    if (rfc9068) {
      payload.client_id = token.clientId;
      delete payload.azp;
    } else {
      delete payload.client_id;
      payload.azp = token.clientId;
    }
    if (token.kind === 'ClientCredentials') {
      payload.sub = `${token.clientId}@clients`;
      if (!rfc9068) payload.gty = 'client-credentials';
      return;
    }
    if ((token.scope ?? '').split(' ').includes('openid') && typeof payload.aud === 'string' && payload.aud !== userinfoAudience) {
      payload.aud = [payload.aud, userinfoAudience];
    }
  };
}
