import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      issuer: 'http://localhost:3000/',
      dataDir: path.resolve('./data'),
      database: { kind: 'sqlite', file: path.resolve('./data/portrait.sqlite') },
      blobStore: { kind: 'fs', root: path.resolve('./data/blobs') },
      tls: null,
      bootstrapClient: null,
      maxProfileBytes: 10240,
      upstreamTimeoutMs: 10000,
      actionsTimeoutMs: 20000,
      actionsMemoryMb: 64,
    });
  });

  it('always ends the issuer with a slash and follows PORT in the default', () => {
    expect(loadConfig({ PORT: '8080' }).issuer).toBe('http://localhost:8080/');
    expect(loadConfig({ PORTRAIT_ISSUER: 'https://id.example.com' }).issuer).toBe('https://id.example.com/');
    expect(loadConfig({ PORTRAIT_ISSUER: 'https://example.com/auth' }).issuer).toBe('https://example.com/auth/');
  });

  it('defaults the issuer to https:// when Portrait serves TLS itself', () => {
    expect(loadConfig({ PORT: '8443', PORTRAIT_TLS_CERT: 'c.pem', PORTRAIT_TLS_KEY: 'k.pem' }).issuer).toBe('https://localhost:8443/');
  });

  it('reads PORTRAIT_TRUST_PROXY as a boolean or a list of proxy addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ PORTRAIT_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ PORTRAIT_TRUST_PROXY: '10.0.0.0/8, loopback,::1' }).trustProxy).toBe('10.0.0.0/8,loopback,::1');
    expect(() => loadConfig({ PORTRAIT_TRUST_PROXY: 'yes please' })).toThrow(ConfigError);
  });

  it('reads PostgreSQL and S3 settings', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/portrait',
      PORTRAIT_BLOB_STORE: 's3://pictures-bucket/tenant-a/',
      PORTRAIT_S3_ENDPOINT: 'http://127.0.0.1:9000',
      AWS_REGION: 'eu-west-1',
    });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/portrait' });
    expect(config.blobStore).toEqual({ kind: 's3', bucket: 'pictures-bucket', prefix: 'tenant-a', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1' });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORTRAIT_ACTIONS_TIMEOUT_MS: '5s' }, 'PORTRAIT_ACTIONS_TIMEOUT_MS'],
    [{ PORTRAIT_ACTIONS_TIMEOUT_MS: '10' }, 'PORTRAIT_ACTIONS_TIMEOUT_MS'],
    [{ PORTRAIT_ACTIONS_MEMORY_MB: '4096' }, 'PORTRAIT_ACTIONS_MEMORY_MB'],
    [{ PORTRAIT_ISSUER: 'not a url' }, 'PORTRAIT_ISSUER'],
    [{ PORTRAIT_ISSUER: 'ftp://x/' }, 'PORTRAIT_ISSUER'],
    [{ PORTRAIT_ISSUER: 'https://x/?a=b' }, 'PORTRAIT_ISSUER'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ PORTRAIT_BLOB_STORE: 'gs://bucket' }, 'PORTRAIT_BLOB_STORE'],
    [{ PORTRAIT_BLOB_STORE: 's3://B' }, 'PORTRAIT_BLOB_STORE'],
    [{ PORTRAIT_BLOB_STORE: 's3://bucket', PORTRAIT_S3_ENDPOINT: 'localhost:9000' }, 'PORTRAIT_S3_ENDPOINT'],
    [{ PORTRAIT_TLS_CERT: 'cert.pem' }, 'PORTRAIT_TLS_KEY'],
    [{ PORTRAIT_TLS_KEY: 'key.pem' }, 'PORTRAIT_TLS_CERT'],
    [{ PORTRAIT_BOOTSTRAP_CLIENT_ID: 'admin-client' }, 'PORTRAIT_BOOTSTRAP_CLIENT_SECRET'],
    [{ PORTRAIT_BOOTSTRAP_CLIENT_SECRET: 'x'.repeat(40) }, 'PORTRAIT_BOOTSTRAP_CLIENT_ID'],
    [{ PORTRAIT_BOOTSTRAP_CLIENT_ID: 'admin-client', PORTRAIT_BOOTSTRAP_CLIENT_SECRET: 'short' }, 'PORTRAIT_BOOTSTRAP_CLIENT_SECRET'],
    [{ PORTRAIT_BOOTSTRAP_CLIENT_ID: 'bad id!', PORTRAIT_BOOTSTRAP_CLIENT_SECRET: 'x'.repeat(40) }, 'PORTRAIT_BOOTSTRAP_CLIENT_ID'],
    [{ PORTRAIT_MAX_PROFILE_BYTES: '12' }, 'PORTRAIT_MAX_PROFILE_BYTES'],
    [{ PORTRAIT_LOG_LEVEL: 'loud' }, 'PORTRAIT_LOG_LEVEL'],
  ])('refuses %j naming %s', (env, variable) => {
    let caught: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message.startsWith(`${variable}: `)).toBe(true);
  });
});
