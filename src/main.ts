// The `portrait` command line: start (serve), migrate, keys rotate.
import { bootstrapTenant } from './bootstrap.ts';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createServices } from './services.ts';
import { JOBS_USAGE, jobsCommand } from './jobs/cli.ts';

const USAGE = `Usage: portrait <command>

Commands:
  start          serve Portrait (migrates the database first)
  migrate        bring the database schema up to date and exit
  keys rotate    make a new signing key current; the previous one stays published until its tokens expire
${JOBS_USAGE}`;

function describeStorage(config: Config): string {
  const db = config.database.kind === 'sqlite' ? `SQLite at ${config.database.file}` : 'PostgreSQL (DATABASE_URL)';
  const blobs = config.blobStore.kind === 'fs' ? `files under ${config.blobStore.root}` : `s3://${config.blobStore.bucket}/${config.blobStore.prefix}`;
  return `${db}; pictures in ${blobs}`;
}

async function start(config: Config): Promise<void> {
  const services = await createServices(config);
  const boot = await bootstrapTenant(services);
  const app = await buildApp(services);
  await app.listen({ port: config.port, host: config.host });

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const scheme = config.tls ? 'https' : 'http';
  console.log(`Portrait is serving on ${scheme}://${config.host}:${port}/`);
  console.log(`  issuer:     ${config.issuer}`);
  console.log(`  sign-in:    ${config.issuer}authorize (hosted login page at ${config.issuer}u/login)`);
  console.log(`  discovery:  ${config.issuer}.well-known/openid-configuration`);
  console.log(`  data:       ${describeStorage(config)}`);
  console.log(`  management: client ${boot.adminClientId}, audience ${services.managementAudience.canonical}`);
  console.log(`  dashboard:  ${boot.console.dashboardUrl}`);
  if (boot.console.generatedAdmin) {
    const admin = boot.console.generatedAdmin;
    console.log(`  The dashboard administrator ${admin.email} was created with this password, shown this once: ${admin.password}`);
    console.log(`  (also written to ${admin.file}, readable by this user only; set PORTRAIT_ADMIN_EMAIL/PASSWORD to choose them)`);
  }
  if (boot.generatedSecret) {
    console.log(`  The Management API client's secret was generated and is shown this once: ${boot.generatedSecret}`);
    console.log(`  (also written to ${boot.adminClientFile}, readable by this user only)`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    try {
      await app.close();
      await services.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  // Last resort only: every dependency failure is handled where it happens (platform/dependency-faults.ts, the pg
  // client listener in platform/db). A promise rejected with nobody listening is a bug; it is logged loudly, and
  // the node keeps serving rather than dropping every request in flight. Uncaught exceptions still end the process.
  process.on('unhandledRejection', (reason) => app.log.error({ err: reason }, 'unhandled promise rejection (a bug): logged, process kept'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

async function migrate(config: Config): Promise<void> {
  const services = await createServices(config);
  await services.close();
  console.log('Database schema is up to date.');
}

async function rotateKeys(config: Config): Promise<void> {
  const services = await createServices(config);
  try {
    await services.keys.ensureKey();
    const key = await services.keys.rotate();
    console.log(`New signing key ${key.kid} is current; the previous key stays published for 48 hours.`);
  } finally {
    await services.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, sub] = argv;
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`portrait: bad configuration: ${error.message}`);
      return 2;
    }
    throw error;
  }
  switch (command) {
    case 'start':
      await start(config);
      return -1; // keep serving
    case 'migrate':
      await migrate(config);
      return 0;
    case 'import':
    case 'export': {
      const services = await createServices(config);
      try {
        return await jobsCommand(services, command, argv.slice(1));
      } finally {
        await services.close();
      }
    }
    case 'keys':
      if (sub === 'rotate') {
        await rotateKeys(config);
        return 0;
      }
      break;
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return command ? 0 : 1;
  }
  console.error(USAGE);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error('portrait: failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
