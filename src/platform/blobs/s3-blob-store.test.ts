// Runs the contract against a real S3-compatible HTTP server (s3rver) on a free loopback port.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBlobStoreContract } from './blob-store-contract.ts';
import { S3BlobStore } from './s3-blob-store.ts';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
// s3rver is CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

const BUCKET = 'portrait-test';
// s3rver checks signatures against its built-in key pair.
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let directory = '';
let server: S3rverInstance;
let endpoint = '';
let store: S3BlobStore;
let unprefixed: S3BlobStore;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'portrait-s3rver-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET }],
  });
  const address = await server.run();
  endpoint = `http://127.0.0.1:${address.port}`;
  store = new S3BlobStore({ bucket: BUCKET, prefix: 'tenant-a', endpoint, region: 'us-east-1', credentials });
  unprefixed = new S3BlobStore({ bucket: BUCKET, endpoint, region: 'us-east-1', credentials });
});

afterAll(async () => {
  store?.destroy();
  unprefixed?.destroy();
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

describeBlobStoreContract('S3BlobStore on s3rver', () => store);

describe('S3BlobStore prefix', () => {
  it('writes under the prefix, so another prefix does not see the object', async () => {
    await store.put('prefixed/one.txt', Buffer.from('1'), 'text/plain');
    expect((await unprefixed.get('tenant-a/prefixed/one.txt'))?.body.toString()).toBe('1');
    expect(await unprefixed.get('prefixed/one.txt')).toBeNull();
  });
});
