// /userinfo for JWT access tokens. oidc-provider's /userinfo accepts only its own opaque tokens, but Auth0's
// access tokens for an API, when `openid` was asked, also name `<issuer>userinfo` as audience and are good
// there. This step answers those itself (RS256 only, issuer, audience, expiry) from the same claims assembly,
// and leaves opaque tokens to the provider.
import type { AccessTokens } from '../management/access-tokens.ts';
import { InvalidAccessToken } from '../management/access-tokens.ts';
import { assembleClaims } from './claims.ts';
import type { LoginUsersPort } from './users-port.ts';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function bearer(ctx: any): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization') ?? '');
  return match?.[1];
}

function invalidToken(ctx: any, description: string) {
  ctx.status = 401;
  ctx.set('www-authenticate', `Bearer realm="userinfo", error="invalid_token", error_description="${description.replace(/"/g, "'")}"`);
  ctx.body = { error: 'invalid_token', error_description: description };
}

export function userinfoForJwtAccessTokens(deps: { tokens: AccessTokens; users: LoginUsersPort; issuer: string }) {
  const audience = `${deps.issuer}userinfo`;
  return async function userinfoJwt(ctx: any, next: () => Promise<void>) {
    if (ctx.path !== '/userinfo' || (ctx.method !== 'GET' && ctx.method !== 'POST')) return next();
    const token = bearer(ctx);
    if (!token || token.length > 16_384 || !JWT_SHAPE.test(token)) return next();
    ctx.set('cache-control', 'no-store');
    const origin = ctx.get('origin');
    if (origin) ctx.set('access-control-allow-origin', origin);
    let payload;
    try {
      payload = await deps.tokens.verify(token, [audience]);
    } catch (error) {
      if (error instanceof InvalidAccessToken) return invalidToken(ctx, error.message);
      throw error;
    }
    const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []);
    if (!scopes.has('openid') || typeof payload.sub !== 'string' || payload.gty !== undefined) {
      return invalidToken(ctx, 'access token is not valid for /userinfo');
    }
    const user = await deps.users.get(payload.sub);
    if (!user || user.blocked) return invalidToken(ctx, 'invalid token provided');
    ctx.status = 200;
    ctx.body = assembleClaims({ use: 'userinfo', user, scopes });
  };
}
