// What a person or an app signing in sees while a dependency (the database, the object store) is away: a page
// that says so on the hosted pages, `temporarily_unavailable` (RFC 6749's code) on the OAuth endpoints, both 503
// with Retry-After. The process stays up and serves again as soon as the dependency is back.
import type { ServerResponse } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import { dependencyFault, RETRY_AFTER_SECONDS } from '../platform/dependency-faults.ts';
import type { LoginSettings } from './login-settings.ts';
import { PAGE_HEADERS } from './pages/layout.ts';
import { messagePage } from './pages/login-pages.ts';

const TITLE = 'Service temporarily unavailable';
const MESSAGE = 'We cannot sign you in right now. Please try again in a few moments.';
const OAUTH_BODY = { error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable. Try again in a few seconds.' };

export async function outagePage(settings: LoginSettings): Promise<string> {
  return messagePage(await settings.themeOrDefault(), TITLE, MESSAGE, { alert: true });
}

/** For a hosted-pages plugin: a dependency failure becomes the outage page; anything else goes on to the app's handler. */
export function answerPageOutages(app: FastifyInstance, settings: LoginSettings): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (!dependencyFault(error)) throw error;
    request.log.warn({ err: error }, 'a dependency failed');
    return reply.status(503).headers(PAGE_HEADERS).header('retry-after', String(RETRY_AFTER_SECONDS)).send(await outagePage(settings));
  });
}

/** oidc-provider's renderError: true when it rendered the outage page (a dependency failure), false to render as usual. */
export async function renderOutage(ctx: any, error: unknown, settings: LoginSettings): Promise<boolean> {
  if (!dependencyFault(error)) return false;
  ctx.status = 503;
  ctx.set('retry-after', String(RETRY_AFTER_SECONDS));
  ctx.set(PAGE_HEADERS);
  ctx.body = await outagePage(settings);
  return true;
}

/**
 * The provider catches what its routes throw and answers `server_error` 500; it then emits 'server_error' with the
 * original error, synchronously, before the answer leaves. A dependency failure is turned into 503
 * `temporarily_unavailable` there. What our own steps in front of the routes throw is caught by `outermost`.
 */
export function answerProviderOutages(provider: Provider, settings: LoginSettings) {
  provider.on('server_error', (ctx: any, error: unknown) => {
    if (!dependencyFault(error)) return;
    ctx.status = 503;
    ctx.set('retry-after', String(RETRY_AFTER_SECONDS));
    if (ctx.body && typeof ctx.body === 'object' && (ctx.body as { error?: unknown }).error === 'server_error') ctx.body = { ...OAUTH_BODY };
  });
  return async function outermost(ctx: any, next: () => Promise<void>): Promise<void> {
    try {
      await next();
    } catch (error) {
      if (!dependencyFault(error)) throw error;
      ctx.set('cache-control', 'no-store');
      if (await renderOutageIfHtml(ctx, error, settings)) return;
      ctx.status = 503;
      ctx.set('retry-after', String(RETRY_AFTER_SECONDS));
      ctx.body = { ...OAUTH_BODY };
    }
  };
}

async function renderOutageIfHtml(ctx: any, error: unknown, settings: LoginSettings): Promise<boolean> {
  return ctx.accepts('json', 'html') === 'html' && (await renderOutage(ctx, error, settings));
}

/** When the provider itself cannot be had (its keys unreadable): the same answers, on the raw response. */
export async function writeRawOutage(accept: string | undefined, res: ServerResponse, settings: LoginSettings): Promise<void> {
  const html = typeof accept === 'string' && accept.includes('text/html');
  const headers = html ? PAGE_HEADERS : { 'content-type': 'application/json', 'cache-control': 'no-store' };
  res.writeHead(503, { ...headers, 'retry-after': String(RETRY_AFTER_SECONDS) });
  res.end(html ? await outagePage(settings) : JSON.stringify(OAUTH_BODY));
}
