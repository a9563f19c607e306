// Mounts the provider's Koa app on fastify for the provider's own paths. Those routes live in a scope whose only
// content-type parser reads nothing, so the request body reaches oidc-provider untouched; the reply is
// hijacked and written by the provider. Every other path stays with fastify.
import type { FastifyInstance } from 'fastify';
import type { LoginSettings } from './login-settings.ts';
import { writeRawOutage } from './outage.ts';
import type { ProviderHost } from './provider-host.ts';

const ALL = ['GET', 'POST', 'OPTIONS'] as const;

/** Auth0's Authentication API paths that oidc-provider serves (see routes in provider-factory.ts). */
export const PROVIDER_PATHS = [
  '/authorize',
  '/authorize/:uid',
  '/oauth/token',
  '/oauth/revoke',
  '/oauth/par',
  '/oauth/device/code',
  '/activate',
  '/activate/:uid',
  '/userinfo',
  '/.well-known/openid-configuration',
  '/.well-known/jwks.json',
  '/oidc/logout',
  '/oidc/logout/confirm',
  '/oidc/logout/success',
  '/v2/logout',
];

export async function providerRoutes(app: FastifyInstance, options: { host: ProviderHost; settings: LoginSettings }): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  for (const url of PROVIDER_PATHS) {
    app.route({
      method: [...ALL],
      url,
      handler: async (request, reply) => {
        reply.hijack();
        try {
          await options.host.handle(request.raw, reply.raw);
        } catch (error) {
          request.log.error({ err: error }, 'the OpenID provider could not serve the request');
          if (!reply.raw.headersSent) await writeRawOutage(request.headers.accept, reply.raw, options.settings);
        }
      },
    });
  }
}
