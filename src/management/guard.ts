// The Management API's door: every route under /api/v2 declares the scopes Auth0 names for it in
// `config.scopes`; a route that declares none refuses to register (fail closed). Each request is authenticated
// before its body is even read, then checked against those scopes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../platform/errors.ts';
import { InvalidAccessToken, type AccessTokens } from './access-tokens.ts';
import type { RateLimiter } from './rate-limits.ts';
import { USER_CONTEXT_SCOPES } from './scopes.ts';

export type Principal =
  | { kind: 'client'; clientId: string; scopes: ReadonlySet<string> }
  | { kind: 'user'; userId: string; clientId: string | undefined; scopes: ReadonlySet<string> };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Any one of these scopes admits the request (Auth0's "expected any of"). */
    scopes?: readonly string[];
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

export interface GuardOptions {
  tokens: AccessTokens;
  audiences: string[];
  /** Auth0's rate limits; counted per client (or user, for user-context tokens), per IP without a valid token. */
  rateLimits?: RateLimiter;
}

/** Counts the request against `key`'s window, sets Auth0's headers, and refuses it past the limit. */
async function applyRateLimit(limiter: RateLimiter | undefined, key: string, reply: FastifyReply): Promise<void> {
  if (!limiter?.enabled) return;
  const verdict = await limiter.hit(key);
  reply.header('x-ratelimit-limit', String(verdict.limit));
  reply.header('x-ratelimit-remaining', String(verdict.remaining));
  reply.header('x-ratelimit-reset', String(verdict.reset));
  if (!verdict.allowed) {
    reply.header('retry-after', String(verdict.retryAfter));
    throw new ApiError('too_many_requests', 'Global limit has been reached');
  }
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new ApiError('missing_authentication', 'Missing authentication');
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header);
  if (!match) throw new ApiError('invalid_token', 'Bad HTTP authentication header format');
  return match[1];
}

function principalFrom(payload: Record<string, unknown>): Principal {
  const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
  const sub = typeof payload.sub === 'string' ? payload.sub : '';
  if (payload.gty === 'client-credentials' && sub.endsWith('@clients')) {
    return { kind: 'client', clientId: sub.slice(0, -'@clients'.length), scopes };
  }
  if (!sub) throw new ApiError('invalid_token', 'Invalid token.');
  // A token obtained by a user through sign-in carries only the current-user scopes, whatever it asked for.
  const userScopes = new Set([...scopes].filter((s) => USER_CONTEXT_SCOPES.includes(s)));
  const azp = typeof payload.azp === 'string' ? payload.azp : undefined;
  return { kind: 'user', userId: sub, clientId: azp, scopes: userScopes };
}

export function installManagementGuard(api: FastifyInstance, options: GuardOptions): void {
  api.decorateRequest('principal', null as never);

  api.addHook('onRoute', (route) => {
    const scopes = route.config?.scopes;
    if (!scopes || scopes.length === 0) {
      throw new Error(`Management API route ${route.method} ${route.url} declares no scopes`);
    }
  });

  api.addHook('onRequest', async (request, reply) => {
    const required = request.routeOptions.config.scopes ?? [];
    let principal: Principal;
    try {
      principal = principalFrom(await options.tokens.verify(bearerToken(request), options.audiences));
    } catch (error) {
      // Callers without a valid token are counted too (by IP), so that they cannot hammer token verification.
      await applyRateLimit(options.rateLimits, `ip:${request.ip}`, reply);
      if (error instanceof InvalidAccessToken) throw new ApiError('invalid_token', error.message);
      throw error;
    }
    await applyRateLimit(options.rateLimits, principal.kind === 'client' ? `client:${principal.clientId}` : `user:${principal.userId}`, reply);
    if (!required.some((s) => principal.scopes.has(s))) {
      throw new ApiError('insufficient_scope', `Insufficient scope, expected any of: ${required.join(',')}`);
    }
    request.principal = principal;
  });
}

/** For routes that admit user-context tokens: such a token reaches only its own user. */
export function assertMayActOnUser(request: FastifyRequest, userId: string): void {
  const principal = request.principal;
  if (principal.kind === 'user' && principal.userId !== userId) {
    throw new ApiError('forbidden', 'You may only read or update your own user.');
  }
}

export function hasScope(request: FastifyRequest, scope: string): boolean {
  return request.principal.scopes.has(scope);
}
