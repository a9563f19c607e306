// fastify hands every method of the provider's paths to oidc-provider (provider-routes.ts), but the provider
// serves some of them by GET only (oidc-provider 9 leaves POST /authorize and POST /oidc/logout off unless
// `enableHttpPostMethods`), and answers the rest with Koa's bare text "Not Found". This step turns that into
// the Authentication API's JSON error, with the registry's 405.
import { ERROR_STATUS } from '../platform/errors.ts';

export async function answerUnservedMethods(ctx: any, next: () => Promise<void>): Promise<void> {
  await next();
  // A route that matched sets a body (or a redirect); an unmatched one leaves Koa's default: 404, no body.
  if (ctx.status !== 404 || (ctx.body !== undefined && ctx.body !== null)) return;
  ctx.status = ERROR_STATUS.method_not_allowed;
  ctx.set('cache-control', 'no-store');
  ctx.body = { error: 'invalid_request', error_description: `${ctx.method} is not supported on ${ctx.path}.` };
}
