// The Management API's door: every route under /api/v2 declares the scopes Auth0 names for it in
// `config.scopes`; a route that declares none refuses to register (fail closed). Each request is authenticated
// before its body is even read, then checked against those scopes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../platform/errors.ts';
import { InvalidAccessToken, type AccessTokens } from './access-tokens.ts';
import { MANAGEMENT_SCOPES, USER_CONTEXT_SCOPES } from './scopes.ts';
import { CONSOLE_CLIENT_ID } from '../console/console-client.ts';

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
  // A token obtained by a user through sign-in carries only the current-user scopes, whatever it asked for —
  // except the dashboard's, whose Management API scopes were granted at issuance to administrators only
  // (login/resource-servers.ts); the dashboard then acts with them like a machine client.
  const azp = typeof payload.azp === 'string' ? payload.azp : undefined;
  if (azp === CONSOLE_CLIENT_ID && [...scopes].some((s) => MANAGEMENT_SCOPES.includes(s))) {
    return { kind: 'client', clientId: CONSOLE_CLIENT_ID, scopes: new Set([...scopes].filter((s) => MANAGEMENT_SCOPES.includes(s))) };
  }
  const userScopes = new Set([...scopes].filter((s) => USER_CONTEXT_SCOPES.includes(s)));
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

  api.addHook('onRequest', async (request) => {
    const required = request.routeOptions.config.scopes ?? [];
    let payload;
    try {
      payload = await options.tokens.verify(bearerToken(request), options.audiences);
    } catch (error) {
      if (error instanceof InvalidAccessToken) throw new ApiError('invalid_token', error.message);
      throw error;
    }
    const principal = principalFrom(payload);
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
