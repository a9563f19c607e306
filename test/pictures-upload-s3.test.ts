// One upload end to end with the S3 blob store: PORTRAIT_BLOB_STORE=s3://bucket/prefix against a real s3rver
// on loopback. The variants land in the bucket, are served back through /pictures/, and a replacement
// removes the previous objects from the bucket.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePictureFixtures, type PictureFixtures } from './support/picture-fixtures.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
// s3rver is CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
const BUCKET = 'portrait-pictures';

describe('picture upload with the S3 blob store (s3rver)', () => {
  let directory = '';
  let s3rver: S3rverInstance;
  let s3: S3Client;
  let server: TestServer;
  let fixtures: PictureFixtures;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'portrait-s3rver-'));
    s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET }] });
    const { port } = await s3rver.run();
    const endpoint = `http://127.0.0.1:${port}`;
    // The S3 store takes credentials from the SDK's default chain, as in production; s3rver's own key pair.
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    server = await startTestServer({ env: { PORTRAIT_BLOB_STORE: `s3://${BUCKET}/tenant-a`, PORTRAIT_S3_ENDPOINT: endpoint, AWS_REGION: 'us-east-1' } });
    s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    fixtures = await makePictureFixtures();
  });
  afterAll(async () => {
    await server?.close();
    s3?.destroy();
    await s3rver?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  const bucketKeys = async () =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key!).sort();

  it('stores the variants in the bucket, serves them back, and deletes them when replaced', async () => {
    expect(server.config.blobStore).toMatchObject({ kind: 's3', bucket: BUCKET, prefix: 'tenant-a' });
    const user = await server.services.users.create({
      connection: 'Username-Password-Authentication', email: 's3.user@example.com', password: 'Str0ng!Passw0rd#2026', name: 'Sam Three',
    });
    const token = await server.managementToken(['update:users']);
    const put = (bytes: Buffer, type: string) =>
      fetch(`${server.url}api/v2/users/${encodeURIComponent(user.user_id)}/picture`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body: new Uint8Array(bytes),
      });

    const first = await (await put(fixtures.gpsJpeg, 'image/jpeg')).json();
    const hash = /pictures\/([0-9a-f]{32})\/480\.webp$/.exec(first.picture)![1];
    const keys = await bucketKeys();
    expect(keys).toHaveLength(8);
    expect(keys.every((k) => k.startsWith(`tenant-a/pictures/${hash}/`))).toBe(true);

    const served = await fetch(first.picture_variants['256'].jpeg);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 256, height: 256 });
    expect(meta.exif).toBeUndefined();

    const second = await (await put(fixtures.otherPng, 'image/png')).json();
    expect(second.picture).not.toBe(first.picture);
    const after = await bucketKeys();
    expect(after).toHaveLength(8);
    expect(after.some((k) => k.includes(hash))).toBe(false);
    expect((await fetch(first.picture)).status).toBe(404);

    const refused = await put(fixtures.scriptSvg, 'image/svg+xml');
    expect(refused.status).toBe(400);
    expect(await bucketKeys()).toEqual(after);
  });
});
