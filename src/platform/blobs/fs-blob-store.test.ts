import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBlobStoreContract } from './blob-store-contract.ts';
import { FsBlobStore } from './fs-blob-store.ts';
import { assertValidBlobKey, InvalidBlobKeyError } from './blob-key.ts';
import { createBlobStore } from './create-blob-store.ts';
import { S3BlobStore } from './s3-blob-store.ts';

let root = '';
let store: FsBlobStore;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'portrait-fs-blobs-'));
  store = new FsBlobStore(root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describeBlobStoreContract('FsBlobStore', () => store);

describe('FsBlobStore on disk', () => {
  it('stores the object as a plain file with a hidden sidecar and no leftover temp files', async () => {
    await store.put('disk/a/pic.webp', Buffer.from('RIFF'), 'image/webp');
    expect(await readFile(path.join(root, 'disk/a/pic.webp'), 'utf8')).toBe('RIFF');
    expect((await readdir(path.join(root, 'disk/a'))).sort()).toEqual(['.pic.webp.meta', 'pic.webp']);
  });

  it('serves an object whose sidecar is missing as application/octet-stream', async () => {
    await mkdir(path.join(root, 'byhand'), { recursive: true });
    await writeFile(path.join(root, 'byhand/file'), 'x');
    expect(await store.get('byhand/file')).toEqual({ body: Buffer.from('x'), contentType: 'application/octet-stream' });
  });

  it('never writes outside its root for a traversal key', async () => {
    await expect(store.put('../escape', Buffer.from('x'), 'text/plain')).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(readFile(path.join(root, '..', 'escape'))).rejects.toThrow();
  });

  it('answers null when a prefix of the key is an object', async () => {
    await store.put('leaf', Buffer.from('x'), 'text/plain');
    expect(await store.get('leaf/child')).toBeNull();
  });
});

describe('assertValidBlobKey', () => {
  it('accepts the keys Portrait uses', () => {
    for (const key of ['pictures/0123abcd/480.webp', 'exports/job_ABC123.ndjson.gz', 'a', 'A-b_c.d']) {
      expect(() => assertValidBlobKey(key)).not.toThrow();
    }
  });
});

describe('createBlobStore', () => {
  it('builds the store the spec names', () => {
    expect(createBlobStore({ kind: 'fs', root })).toBeInstanceOf(FsBlobStore);
    const s3 = createBlobStore({ kind: 's3', bucket: 'b', prefix: 'p/', endpoint: 'http://127.0.0.1:1' });
    expect(s3).toBeInstanceOf(S3BlobStore);
    expect((s3 as S3BlobStore).prefix).toBe('p/');
    (s3 as S3BlobStore).destroy();
  });

  it('refuses a prefix that is not a valid key', () => {
    expect(() => new S3BlobStore({ bucket: 'b', prefix: '../x' })).toThrow(/invalid S3 key prefix/);
  });
});
