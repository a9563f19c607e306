// A real Portrait server for black-box tests: real HTTP on a free loopback port, a fresh database of the given
// dialect, the tenant bootstrapped as on a first start. Nothing of Portrait is mocked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ActionsLogger } from '../../src/actions/run-flow.ts';
import { buildApp } from '../../src/app.ts';
import { bootstrapTenant } from '../../src/bootstrap.ts';
import { loadConfig, type Config, type Env } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { inject } from 'vitest';
import { createTestDatabase, type TestDialect } from './databases.ts';
import type { TestCertificate } from './tls.ts';

export interface TestServer {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:41234/ (also the issuer). */
  url: string;
  issuer: string;
  config: Config;
  services: Services;
  app: FastifyInstance;
  admin: { clientId: string; clientSecret: string };
  /** A Management API access token holding every scope. */
  managementToken(scopes?: string[]): Promise<string>;
  close(): Promise<void>;
}

export const ADMIN_CLIENT_ID = 'test-admin-client';
export const ADMIN_CLIENT_SECRET = 'test-admin-client-secret-0123456789abcdef';

function testCertificate(): TestCertificate {
  return inject('tlsCert' as never) as TestCertificate;
}

/**
 * Starts a server. `tls: true` serves https with the run's self-signed certificate, which the workers trust:
 * use it with the official auth0 SDK, which always speaks https.
 */
export async function startTestServer(options: { dialect?: TestDialect; env?: Env; tls?: boolean; actionsLogger?: ActionsLogger } = {}): Promise<TestServer> {
  const database = await createTestDatabase(options.dialect ?? 'sqlite');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-data-'));
  // Pick the port first so that the issuer (which must name it) is known before the app is built.
  const probe = (await import('node:net')).createServer();
  const port: number = await new Promise((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)));
  await new Promise((resolve) => probe.close(resolve));
  const scheme = options.tls ? 'https' : 'http';
  const tlsEnv: Env = options.tls ? { PORTRAIT_TLS_CERT: testCertificate().cert, PORTRAIT_TLS_KEY: testCertificate().key } : {};
  const env: Env = {
    ...tlsEnv,
    PORT: String(port),
    HOST: '127.0.0.1',
    PORTRAIT_ISSUER: `${scheme}://127.0.0.1:${port}/`,
    PORTRAIT_DATA_DIR: dataDir,
    PORTRAIT_BOOTSTRAP_CLIENT_ID: ADMIN_CLIENT_ID,
    PORTRAIT_BOOTSTRAP_CLIENT_SECRET: ADMIN_CLIENT_SECRET,
    PORTRAIT_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  };
  const config = { ...loadConfig(env), database: database.config };
  const services = await createServices(config, { actionsLogger: options.actionsLogger });
  await bootstrapTenant(services);
  const app = await buildApp(services, { logger: false });
  await app.listen({ port, host: '127.0.0.1' });
  const url = `${scheme}://127.0.0.1:${port}/`;

  return {
    url,
    issuer: config.issuer,
    config,
    services,
    app,
    admin: { clientId: ADMIN_CLIENT_ID, clientSecret: ADMIN_CLIENT_SECRET },
    async managementToken(scopes?: string[]) {
      const grant = (await services.clients.listGrants({ client_id: ADMIN_CLIENT_ID }))[0];
      const { token } = await services.tokens.issueForClient({
        clientId: ADMIN_CLIENT_ID,
        audience: services.managementAudience.canonical,
        scopes: scopes ?? grant.scope,
      });
      return token;
    },
    async close() {
      await app.close();
      await services.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The `domain` to give the auth0 SDK for this server (host:port, no scheme). */
export const sdkDomain = (server: TestServer): string => new URL(server.url).host;
