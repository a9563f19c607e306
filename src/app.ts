// Builds the HTTP server from the domains' route plugins: the one place that wires them together.
import { readFileSync } from 'node:fs';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { actionsRoutes } from './actions/actions-routes.ts';
import { resourceServersRoutes } from './authz/resource-servers-routes.ts';
import { rolesRoutes } from './authz/roles-routes.ts';
import { userAccessRoutes } from './authz/user-access-routes.ts';
import { clientGrantsRoutes } from './clients/client-grants-routes.ts';
import { clientsRoutes } from './clients/clients-routes.ts';
import { connectionsRoutes } from './connections/connections-routes.ts';
import { identitiesRoutes } from './users/identities-routes.ts';
import { usersRoutes } from './users/users-routes.ts';
import { downloadRoute, importRoute, jobsRoutes } from './jobs/index.ts';
import { installManagementGuard } from './management/guard.ts';
import { blacklistRoutes } from './management/blacklist-routes.ts';
import { tokenStanding } from './management/token-standing.ts';
import { registerOpenApi } from './management/openapi.ts';
import { RateLimiter } from './management/rate-limits.ts';
import { avatarRoutes } from './pictures/avatar-routes.ts';
import { pictureServingRoutes } from './pictures/picture-serving-routes.ts';
import { pictureUploadRoutes } from './pictures/picture-upload-routes.ts';
import { tenantSettingsRoutes } from './tenant/tenant-settings-routes.ts';
import { consoleRoutes } from './console/index.ts';
import { clientErrorHandler, frameworkErrors, installErrorHandling } from './platform/http-errors.ts';
import { loggerOptions, requestIdOptions } from './platform/logging.ts';
import { installJsonParser, installTextGuard, schemaController } from './platform/validation.ts';
import type { Services } from './services.ts';

/** Auth0's Management API caps every payload at 1 MB. */
export const MAX_BODY_BYTES = 1024 * 1024;

export async function buildApp(services: Services, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const { config } = services;
  const serverOptions: FastifyServerOptions & { https?: { cert: Buffer; key: Buffer } } = {
    logger: options.logger === false ? false : loggerOptions(config.logLevel),
    ...requestIdOptions,
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    schemaController,
    // Auth0 user ids (provider|id) can be long; fastify's default of 100 characters would answer 414.
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors,
    clientErrorHandler,
  };
  if (config.tls) serverOptions.https = { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) };
  const app = Fastify(serverOptions) as unknown as FastifyInstance;

  installErrorHandling(app);
  installJsonParser(app);
  installTextGuard(app);
  await app.register(formbody, { bodyLimit: MAX_BODY_BYTES });
  await registerOpenApi(app, config.issuer);

  app.get('/healthz', async (_request, reply) => {
    try {
      await services.db.ping();
      return { status: 'ok' };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });

  // The Authentication API (/authorize, /oauth/token, /.well-known/*, /userinfo, logout) is oidc-provider's;
  // the hosted login pages and /dbconnections/signup are fastify routes of the sign-in domain.
  await services.signIn.registerRoutes(app);
  await services.email.registerRoutes(app);
  await app.register(avatarRoutes, { settings: services.tenantSettings, gravatarProxy: services.gravatarProxy });
  await app.register(pictureServingRoutes, { blobs: services.blobs });

  await app.register(
    async (api) => {
      const rateLimits = new RateLimiter(services.db, config.managementRateLimit);
      const standing = tokenStanding({ clients: services.clients, revoked: services.revokedTokens, managementAudience: services.managementAudience.canonical });
      installManagementGuard(api, { tokens: services.tokens, audiences: services.managementAudience.accepted, rateLimits, standing });
      await api.register(blacklistRoutes, { revoked: services.revokedTokens });
      await api.register(connectionsRoutes, { connections: services.connections });
      await api.register(clientsRoutes, { clients: services.clients, connections: services.connections });
      await api.register(clientGrantsRoutes, { clients: services.clients, managementAudience: services.managementAudience, apis: services.authz });
      await api.register(resourceServersRoutes, { authz: services.authz });
      await api.register(rolesRoutes, { authz: services.authz, users: services.users });
      await api.register(userAccessRoutes, { authz: services.authz, users: services.users });
      await services.signIn.registerManagementRoutes(api);
      await services.email.registerManagementRoutes(api);
      await api.register(usersRoutes, { users: services.users });
      await api.register(actionsRoutes, { actions: services.actions });
      await api.register(tenantSettingsRoutes, { tenantSettings: services.tenantSettings });
      await api.register(pictureUploadRoutes, {
        service: services.pictures,
        users: services.users,
        maxUploadBytes: config.maxUploadBytes,
      });
      await api.register(identitiesRoutes, { identities: services.identities, connections: services.connections, tokens: services.tokens });
      const { jobs, connections } = services;
      await api.register(jobsRoutes, { jobs, connections, issuer: config.issuer, exportPasswordHashes: config.jobs.exportPasswordHashes });
      // Its own scope: multipart and the large body limit apply to the users-file upload only.
      await api.register(importRoute, { jobs, connections, maxImportBytes: config.jobs.maxImportBytes });
    },
    { prefix: '/api/v2' },
  );

  await app.register(downloadRoute, { jobs: services.jobs });
  await app.register(consoleRoutes, { dir: config.consoleDir, issuer: config.issuer, audience: services.managementAudience.canonical });
  // This node's job runner lives as long as the server: it starts with it and stops (after the current batch)
  // before the database is closed.
  app.addHook('onReady', async () => services.jobs.runner.start(app.log));
  app.addHook('onClose', async () => services.jobs.runner.stop());
  // The same for this node's mail sender: mails being sent finish, claimed ones are handed back.
  app.addHook('onReady', async () => services.email.start(app.log));
  app.addHook('onClose', async () => services.email.stop());

  return app;
}
