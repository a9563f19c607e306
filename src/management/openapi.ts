// The OpenAPI document of the Management API, generated from the route schemas (never written by hand) and
// served at /api/v2/openapi.json without authentication, as Auth0 publishes its own.
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { Auth0Error } from './schemas.ts';

export async function registerOpenApi(app: FastifyInstance, issuer: string): Promise<void> {
  app.addSchema(Auth0Error);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Portrait Management API v2', version: '2', description: "Auth0-compatible Management API v2" },
      servers: [{ url: `${issuer}api/v2` }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearerAuth: [] }],
    },
    // Only the Management API belongs in this document; OAuth and page routes are described by discovery.
    hiddenTag: 'hidden',
    transform: ({ schema, url, route }) => {
      const hide = !url.startsWith('/api/v2/') || url === '/api/v2/openapi.json';
      const scopes = route.config?.scopes;
      const description = scopes ? `Scopes (any of): ${scopes.join(', ')}` : undefined;
      // The scopes also as the operation's security requirement, where OpenAPI tools (and the authorization
      // matrix test) read them.
      const security = scopes ? { security: [{ bearerAuth: [...scopes] }] } : {};
      return { schema: { ...schema, hide, ...security, ...(description && !schema?.description ? { description } : {}) }, url: url.replace(/^\/api\/v2/, '') };
    },
  });
  app.get('/api/v2/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
