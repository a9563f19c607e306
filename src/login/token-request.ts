// Two steps in front of the provider's token and revocation endpoints that make them speak Auth0's dialect:
// requests may be JSON (Auth0 SDKs send JSON; oidc-provider reads only forms), name the API with `audience`,
// and ask a machine token without `scope` (then Auth0 grants every scope of the client grant); errors come
// back with Auth0's codes where they differ from RFC 6749's.
import type { ClientsStore } from '../clients/clients-store.ts';
import type { ManagementAudience } from '../management/access-tokens.ts';
import type { RateLimiter } from '../management/rate-limits.ts';
import { PASSWORD_REALM_GRANT } from './client-metadata.ts';

/** Auth0 bodies are small; this bounds what a client can make us read (oidc-provider's own cap is 56 KiB). */
const MAX_BODY_BYTES = 56 * 1024;
const FORM = 'application/x-www-form-urlencoded';

type Params = Record<string, string | string[]>;

const SUPPORTED_GRANT_TYPES = new Set(['authorization_code', 'refresh_token', 'client_credentials', 'password', PASSWORD_REALM_GRANT]);

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: NodeJS.ReadableStream & { headers: Record<string, string | string[] | undefined> }): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) throw new BodyError(413, 'request body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseParams(type: string, text: string): Params {
  if (type === 'json') {
    let value: unknown;
    try {
      value = text ? JSON.parse(text) : {};
    } catch {
      throw new BodyError(400, 'invalid JSON body');
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new BodyError(400, 'the JSON body must be an object');
    const out: Params = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      out[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return out;
  }
  const out: Params = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

function basicClientId(authorization: string | undefined): string | undefined {
  const m = authorization && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  try {
    return i > 0 ? decodeURIComponent(decoded.slice(0, i).replace(/\+/g, '%20')) : undefined;
  } catch {
    return undefined;
  }
}

const oauthError = (ctx: any, status: number, error: string, description: string) => {
  ctx.status = status;
  ctx.set('cache-control', 'no-store');
  ctx.body = { error, error_description: description };
};

/**
 * The Authentication API's limit on POST /oauth/token, per client IP (PORTRAIT_TOKEN_RATE_LIMIT, off by default:
 * behind a proxy that is not trusted every client shares one IP). Same counter and headers as the Management API.
 */
export function limitTokenRequests(limiter: RateLimiter | undefined) {
  return async function limitTokens(ctx: any, next: () => Promise<void>) {
    if (!limiter?.enabled || ctx.method !== 'POST' || ctx.path !== '/oauth/token') return next();
    const verdict = await limiter.hit(`token-ip:${ctx.ip}`);
    ctx.set('x-ratelimit-limit', String(verdict.limit));
    ctx.set('x-ratelimit-remaining', String(verdict.remaining));
    ctx.set('x-ratelimit-reset', String(verdict.reset));
    if (verdict.allowed) return next();
    ctx.set('retry-after', String(verdict.retryAfter));
    return oauthError(ctx, 429, 'too_many_requests', 'Global limit has been reached');
  };
}

export function normalizeTokenRequest(deps: { clients: ClientsStore; managementAudience: ManagementAudience }) {
  return async function normalize(ctx: any, next: () => Promise<void>) {
    if (ctx.method !== 'POST' || (ctx.path !== '/oauth/token' && ctx.path !== '/oauth/revoke')) return next();
    const type = ctx.is('json') ? 'json' : ctx.is(FORM) ? 'form' : null;
    if (!type) return next(); // the provider answers unsupported content types itself
    let params: Params;
    try {
      params = parseParams(type, await readBody(ctx.req));
    } catch (error) {
      if (error instanceof BodyError) return oauthError(ctx, error.status, 'invalid_request', error.message);
      throw error;
    }
    if (ctx.path === '/oauth/token') {
      const grantType = params.grant_type;
      // Auth0 names a bad grant type before it looks at client authentication.
      if (grantType === undefined) return oauthError(ctx, 400, 'invalid_request', 'Missing required parameter: grant_type');
      if (typeof grantType !== 'string' || !SUPPORTED_GRANT_TYPES.has(grantType)) {
        return oauthError(ctx, 400, 'unsupported_grant_type', `Unsupported grant type: ${String(grantType).slice(0, 200)}`);
      }
      const audience = typeof params.audience === 'string' ? params.audience : undefined;
      const needsResource = grantType === 'client_credentials' || grantType === 'password' || grantType === PASSWORD_REALM_GRANT;
      if (needsResource && audience && params.resource === undefined) params.resource = audience;
      // For code and refresh exchanges the API was fixed at /authorize; SDKs repeat `audience`, which we ignore.
      delete params.audience;
      if (grantType === 'client_credentials') {
        if (!audience && params.resource === undefined) {
          return oauthError(ctx, 403, 'access_denied', 'No audience parameter was provided, and no default audience has been configured');
        }
        if (params.scope === undefined && typeof params.resource === 'string') {
          const clientId = typeof params.client_id === 'string' ? params.client_id : basicClientId(ctx.get('authorization'));
          const resource = deps.managementAudience.accepted.includes(params.resource) ? deps.managementAudience.canonical : params.resource;
          const [grant] = clientId && clientId.length <= 128 ? await deps.clients.listGrants({ client_id: clientId, audience: resource }) : [];
          if (grant && grant.scope.length) params.scope = grant.scope.join(' ');
        }
      }
    }
    // oidc-provider reads an already-consumed body from req.body (and warns once that it does).
    ctx.req.body = params;
    ctx.req.headers['content-type'] = FORM;
    return next();
  };
}

/** Rewrites the provider's token-endpoint errors where Auth0 answers differently. */
export async function auth0TokenErrors(ctx: any, next: () => Promise<void>) {
  await next();
  if (ctx.path !== '/oauth/token' || !ctx.body || typeof ctx.body !== 'object' || !('error' in ctx.body)) return;
  const body = ctx.body as { error: string; error_description?: string };
  if (body.error === 'invalid_client') {
    ctx.status = 401;
    ctx.body = { error: 'access_denied', error_description: 'Unauthorized' };
  } else if (body.error === 'invalid_grant' && ctx.req.body?.grant_type === 'refresh_token') {
    // Auth0 gives one answer for an unknown, expired, revoked or rotated-out refresh token, and for one whose user
    // was deleted (Auth0 deletes a user's refresh tokens with the user): 403 "Unknown or invalid refresh token.".
    ctx.status = 403;
    ctx.body = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' };
  } else if (body.error === 'unauthorized_client') {
    const grantType = ctx.req.body?.grant_type;
    ctx.status = 403;
    ctx.body = { error: 'unauthorized_client', error_description: `Grant type '${typeof grantType === 'string' ? grantType : ''}' not allowed for the client.` };
  }
}
