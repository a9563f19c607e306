// Every setting Portrait reads, from the environment, once, validated, each with its documented default
// (docs/configuration.md). A bad value stops start-up with a ConfigError naming the variable.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Env = Record<string, string | undefined>;

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string };

export type BlobStoreConfig =
  | { kind: 'fs'; root: string }
  | { kind: 's3'; bucket: string; prefix: string; endpoint?: string; region?: string };

export interface Config {
  port: number;
  host: string;
  /** Always ends with '/', as Auth0's `iss` does. */
  issuer: string;
  dataDir: string;
  database: DatabaseConfig;
  blobStore: BlobStoreConfig;
  tls: { cert: string; key: string } | null;
  /**
   * Whether X-Forwarded-For is believed for the client's IP (brute-force keys, logs, `event.request.ip`):
   * false (default), true (any proxy), or the proxies' addresses/CIDRs as fastify's `trustProxy` takes them.
   * URLs never come from X-Forwarded-*: they are built from the issuer.
   */
  trustProxy: boolean | string;
  bootstrapClient: { id: string; secret: string } | null;
  /** Serialized size limit of one user profile in bytes (Auth0 enforces 10 KB). */
  maxProfileBytes: number;
  /** Largest picture upload accepted, in bytes (PORTRAIT_MAX_UPLOAD_BYTES, default 10 MB). */
  maxUploadBytes: number;
  /** Largest picture upload accepted, in pixels, read from the header before decoding (default 50 MP). */
  maxUploadPixels: number;
  /** Where the Gravatar proxy fetches from; always ends with '/' (default https://s.gravatar.com/avatar/). */
  gravatarBaseUrl: string;
  /** Limit of each call Portrait makes to an upstream identity provider (discovery, token, profile), in ms. */
  upstreamTimeoutMs: number;
  /**
   * Whether the server's outbound requests (upstream IdPs, Gravatar, Actions' fetch, back-channel logout) may reach private, loopback
   * and link-local addresses (PORTRAIT_ALLOW_PRIVATE_OUTBOUND, default false: public addresses only).
   */
  allowPrivateOutbound: boolean;
  logLevel: string;
  /**
   * AES-256 key for Action secrets and private signing keys at rest (PORTRAIT_SECRETS_KEY, base64 of 32 bytes). null: the key is generated
   * once into DATA_DIR/secrets.key (mode 0600). Every node of a PostgreSQL cluster must share one key, so there
   * the variable is required in practice; a node whose key differs from the database's refuses to start.
   */
  secretsKey: Buffer | null;
  /**
   * The key PORTRAIT_SECRETS_KEY held before a rotation (PORTRAIT_SECRETS_KEY_PREVIOUS, base64 of 32 bytes): it
   * still decrypts, and start-up re-encrypts everything it encrypted with the current key. null: no rotation.
   */
  secretsKeyPrevious: Buffer | null;
  /** Wall-clock budget of one trigger run, all its actions together (Auth0: 20 s). */
  actionsTimeoutMs: number;
  /** Memory limit of one Action's isolate, MB. */
  actionsMemoryMb: number;
  jobs: JobsConfig;
  /** Management API rate limit per caller (src/management/rate-limits.ts); limit 0 = off. */
  managementRateLimit: { limit: number; windowSeconds: number };
  /** POST /oauth/token rate limit per client IP; limit 0 = off (the default). */
  tokenRateLimit: { limit: number; windowSeconds: number };
  /** The dashboard's first administrator (PORTRAIT_ADMIN_EMAIL/PASSWORD); null: one is generated on first start. */
  adminUser: { email: string; password: string } | null;
  /** Where the built dashboard is (PORTRAIT_CONSOLE_DIR, default dist/web of this checkout). */
  consoleDir: string;
  email: EmailConfig;
}

/** Mail (src/email/). */
export interface EmailConfig {
  /** smtp:// or smtps:// URL of a relay; null with no provider set through the API → .eml files in DATA_DIR/outbox. */
  smtpUrl: string | null;
  /** Sender when neither the template nor the provider names one. */
  defaultFrom: string;
  /** Mails one address may be sent per hour (verification, reset, …); more are dropped and logged. */
  perAddressPerHour: number;
  /** How long a node's claim on outbox rows lasts before another node may send them. */
  leaseSeconds: number;
  /** Rows a worker claims and sends at once. */
  batchSize: number;
}

/** Bulk import/export jobs (src/jobs/). */
export interface JobsConfig {
  /** Jobs this node runs at once; 0 = this node runs none (it still accepts and reports them). */
  maxConcurrent: number;
  /** Largest users file accepted by POST /api/v2/jobs/users-imports (Auth0: 512000 bytes). */
  maxImportBytes: number;
  /** How long a node's claim on a running job lasts without renewal before another node may take it over. */
  leaseSeconds: number;
  /** Users written per transaction (the unit a crashed import resumes from). */
  importBatchSize: number;
  /** Whether export jobs requested through the API may include password hashes (the command line always may). */
  exportPasswordHashes: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function issuerFrom(env: Env, port: number, tls: boolean): string {
  // Served over TLS itself, the server's own address is https://.
  const raw = env.PORTRAIT_ISSUER || `${tls ? 'https' : 'http'}://localhost:${port}/`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('PORTRAIT_ISSUER', `not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('PORTRAIT_ISSUER', 'must be an http:// or https:// URL');
  }
  if (url.search || url.hash) throw new ConfigError('PORTRAIT_ISSUER', 'must not carry a query or a fragment');
  const href = url.href;
  return href.endsWith('/') ? href : `${href}/`;
}

function trustProxyFrom(env: Env): boolean | string {
  const raw = (env.PORTRAIT_TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  const entries = raw.split(',').map((e) => e.trim());
  const address = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(?:\/\d{1,3})?$/;
  const bad = entries.find((e) => !address.test(e) && !['loopback', 'linklocal', 'uniquelocal'].includes(e));
  if (bad !== undefined) {
    throw new ConfigError('PORTRAIT_TRUST_PROXY', `expected true, false, or proxy addresses/CIDRs separated by commas (e.g. 10.0.0.0/8,loopback), got ${JSON.stringify(bad)}`);
  }
  return entries.join(',');
}

function databaseFrom(env: Env, dataDir: string): DatabaseConfig {
  const url = env.DATABASE_URL;
  if (!url) return { kind: 'sqlite', file: path.join(dataDir, 'portrait.sqlite') };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', file: path.resolve(url.slice('sqlite:'.length)) };
  throw new ConfigError('DATABASE_URL', 'expected postgres://… (or sqlite:FILE); leave unset for SQLite in the data directory');
}

function blobStoreFrom(env: Env, dataDir: string): BlobStoreConfig {
  const raw = env.PORTRAIT_BLOB_STORE;
  if (!raw) return { kind: 'fs', root: path.join(dataDir, 'blobs') };
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(raw);
  if (!match) throw new ConfigError('PORTRAIT_BLOB_STORE', 'expected s3://bucket or s3://bucket/prefix; leave unset for files in the data directory');
  const endpoint = env.PORTRAIT_S3_ENDPOINT || undefined;
  if (endpoint && !/^https?:\/\//.test(endpoint)) throw new ConfigError('PORTRAIT_S3_ENDPOINT', 'expected an http(s):// URL');
  const prefix = (match[2] ?? '').replace(/\/+$/, '');
  return { kind: 's3', bucket: match[1], prefix, endpoint, region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined };
}

function tlsFrom(env: Env): Config['tls'] {
  const cert = env.PORTRAIT_TLS_CERT;
  const key = env.PORTRAIT_TLS_KEY;
  if (!cert && !key) return null;
  if (!cert) throw new ConfigError('PORTRAIT_TLS_CERT', 'must be set when PORTRAIT_TLS_KEY is');
  if (!key) throw new ConfigError('PORTRAIT_TLS_KEY', 'must be set when PORTRAIT_TLS_CERT is');
  return { cert: path.resolve(cert), key: path.resolve(key) };
}

function bootstrapClientFrom(env: Env): Config['bootstrapClient'] {
  const id = env.PORTRAIT_BOOTSTRAP_CLIENT_ID;
  const secret = env.PORTRAIT_BOOTSTRAP_CLIENT_SECRET;
  if (!id && !secret) return null;
  if (!id) throw new ConfigError('PORTRAIT_BOOTSTRAP_CLIENT_ID', 'must be set when PORTRAIT_BOOTSTRAP_CLIENT_SECRET is');
  if (!secret) throw new ConfigError('PORTRAIT_BOOTSTRAP_CLIENT_SECRET', 'must be set when PORTRAIT_BOOTSTRAP_CLIENT_ID is');
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(id)) throw new ConfigError('PORTRAIT_BOOTSTRAP_CLIENT_ID', 'expected 8–128 characters of A-Z a-z 0-9 _ -');
  if (secret.length < 32) throw new ConfigError('PORTRAIT_BOOTSTRAP_CLIENT_SECRET', 'must be at least 32 characters');
  return { id, secret };
}

function adminUserFrom(env: Env): Config['adminUser'] {
  const email = env.PORTRAIT_ADMIN_EMAIL;
  const password = env.PORTRAIT_ADMIN_PASSWORD;
  if (!email && !password) return null;
  if (!email) throw new ConfigError('PORTRAIT_ADMIN_EMAIL', 'must be set when PORTRAIT_ADMIN_PASSWORD is');
  if (!password) throw new ConfigError('PORTRAIT_ADMIN_PASSWORD', 'must be set when PORTRAIT_ADMIN_EMAIL is');
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new ConfigError('PORTRAIT_ADMIN_EMAIL', 'expected an email address');
  if (password.length < 8) throw new ConfigError('PORTRAIT_ADMIN_PASSWORD', 'must be at least 8 characters');
  return { email, password };
}

function gravatarBaseUrlFrom(env: Env): string {
  const raw = env.PORTRAIT_GRAVATAR_BASE_URL || 'https://s.gravatar.com/avatar/';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('PORTRAIT_GRAVATAR_BASE_URL', `not a URL: ${JSON.stringify(raw)}`);
  }
  // https only: the proxy must never fetch avatars in clear text, whatever a stand-in in a test needs.
  if (url.protocol !== 'https:') throw new ConfigError('PORTRAIT_GRAVATAR_BASE_URL', 'must be an https:// URL');
  if (url.search || url.hash) throw new ConfigError('PORTRAIT_GRAVATAR_BASE_URL', 'must not carry a query or a fragment');
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, `expected true or false, got ${JSON.stringify(raw)}`);
}

function jobsFrom(env: Env): JobsConfig {
  return {
    maxConcurrent: integer(env, 'PORTRAIT_MAX_CONCURRENT_JOBS', 2, 0, 64),
    maxImportBytes: integer(env, 'PORTRAIT_MAX_IMPORT_BYTES', 1024 * 1024 * 1024, 1024, 64 * 1024 * 1024 * 1024),
    leaseSeconds: integer(env, 'PORTRAIT_JOB_LEASE_SECONDS', 30, 2, 3600),
    importBatchSize: integer(env, 'PORTRAIT_IMPORT_BATCH_SIZE', 10_000, 1, 50_000),
    exportPasswordHashes: boolean(env, 'PORTRAIT_EXPORT_PASSWORD_HASHES', false),
  };
}

function emailFrom(env: Env, issuer: string): EmailConfig {
  const smtpUrl = env.PORTRAIT_SMTP_URL || null;
  if (smtpUrl && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl)) throw new ConfigError('PORTRAIT_SMTP_URL', 'expected smtp://[user:pass@]host:port or smtps://…');
  const defaultFrom = env.PORTRAIT_EMAIL_FROM || `no-reply@${new URL(issuer).hostname}`;
  if (!/^[^\s@<>,]+@[A-Za-z0-9.-]+$/.test(defaultFrom)) throw new ConfigError('PORTRAIT_EMAIL_FROM', 'expected one plain address, e.g. no-reply@example.com');
  return {
    smtpUrl,
    defaultFrom,
    perAddressPerHour: integer(env, 'PORTRAIT_EMAIL_PER_ADDRESS_PER_HOUR', 5, 1, 1_000_000),
    leaseSeconds: integer(env, 'PORTRAIT_EMAIL_LEASE_SECONDS', 60, 2, 3600),
    batchSize: integer(env, 'PORTRAIT_EMAIL_BATCH_SIZE', 50, 1, 1000),
  };
}

function secretsKeyFrom(env: Env, name = 'PORTRAIT_SECRETS_KEY'): Buffer | null {
  const raw = env[name];
  if (!raw) return null;
  const trimmed = raw.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new ConfigError(name, 'expected base64 (e.g. the output of `openssl rand -base64 32`)');
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== 32) throw new ConfigError(name, `expected 32 bytes of base64 (e.g. \`openssl rand -base64 32\`), got ${key.length} bytes`);
  return key;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const dataDir = path.resolve(env.PORTRAIT_DATA_DIR || './data');
  const logLevel = env.PORTRAIT_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('PORTRAIT_LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}`);
  const issuer = issuerFrom(env, port, Boolean(env.PORTRAIT_TLS_CERT));
  return {
    port,
    host,
    issuer,
    trustProxy: trustProxyFrom(env),
    dataDir,
    database: databaseFrom(env, dataDir),
    blobStore: blobStoreFrom(env, dataDir),
    tls: tlsFrom(env),
    bootstrapClient: bootstrapClientFrom(env),
    maxProfileBytes: integer(env, 'PORTRAIT_MAX_PROFILE_BYTES', 10 * 1024, 1024, 1024 * 1024),
    maxUploadBytes: integer(env, 'PORTRAIT_MAX_UPLOAD_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    maxUploadPixels: integer(env, 'PORTRAIT_MAX_UPLOAD_PIXELS', 50_000_000, 1_000_000, 268_402_689),
    gravatarBaseUrl: gravatarBaseUrlFrom(env),
    upstreamTimeoutMs: integer(env, 'PORTRAIT_UPSTREAM_TIMEOUT_MS', 10_000, 100, 120_000),
    allowPrivateOutbound: boolean(env, 'PORTRAIT_ALLOW_PRIVATE_OUTBOUND', false),
    logLevel,
    secretsKey: secretsKeyFrom(env),
    secretsKeyPrevious: secretsKeyFrom(env, 'PORTRAIT_SECRETS_KEY_PREVIOUS'),
    actionsTimeoutMs: integer(env, 'PORTRAIT_ACTIONS_TIMEOUT_MS', 20_000, 100, 120_000),
    actionsMemoryMb: integer(env, 'PORTRAIT_ACTIONS_MEMORY_MB', 64, 8, 1024),
    jobs: jobsFrom(env),
    email: emailFrom(env, issuer),
    managementRateLimit: {
      limit: integer(env, 'PORTRAIT_MGMT_RATE_LIMIT', 10_000, 0, 10_000_000),
      windowSeconds: integer(env, 'PORTRAIT_MGMT_RATE_WINDOW_SECONDS', 60, 1, 86_400),
    },
    tokenRateLimit: {
      limit: integer(env, 'PORTRAIT_TOKEN_RATE_LIMIT', 0, 0, 10_000_000),
      windowSeconds: integer(env, 'PORTRAIT_TOKEN_RATE_WINDOW_SECONDS', 60, 1, 86_400),
    },
    adminUser: adminUserFrom(env),
    consoleDir: path.resolve(env.PORTRAIT_CONSOLE_DIR || fileURLToPath(new URL('../dist/web', import.meta.url))),
  };
}
