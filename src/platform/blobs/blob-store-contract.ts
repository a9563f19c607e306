// The behaviour every BlobStore must have, run by each store's test file against a real backend.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BlobStore } from './blob-store.ts';
import { InvalidBlobKeyError } from './blob-key.ts';

export const BAD_KEYS = [
  '',
  '/etc/passwd',
  '../outside',
  'a/../../outside',
  'a/./b',
  '..',
  '.',
  'a//b',
  'a/',
  'a\\b',
  'space here',
  'é',
  'a/.hidden',
  'a\u0000b',
  'x'.repeat(2000),
];

export function describeBlobStoreContract(name: string, store: () => BlobStore): void {
  describe(`${name} (BlobStore contract)`, () => {
    const unique = () => `contract/${randomBytes(6).toString('hex')}`;

    it('puts and gets an object with its content type', async () => {
      const key = `${unique()}/hello.txt`;
      await store().put(key, Buffer.from('hello'), 'text/plain; charset=utf-8');
      const got = await store().get(key);
      expect(got?.body.toString()).toBe('hello');
      expect(got?.contentType).toBe('text/plain; charset=utf-8');
    });

    it('replaces an existing object, body and content type', async () => {
      const key = `${unique()}/x`;
      await store().put(key, Buffer.from('first, and longer'), 'text/plain');
      await store().put(key, Buffer.from('second'), 'application/json');
      const got = await store().get(key);
      expect(got?.body.toString()).toBe('second');
      expect(got?.contentType).toBe('application/json');
    });

    it('answers null for a missing key, including under a missing "folder"', async () => {
      expect(await store().get(`${unique()}/missing`)).toBeNull();
      expect(await store().get(`${unique()}/a/b/c.webp`)).toBeNull();
    });

    it('deletes an object, and deleting a missing key is not an error', async () => {
      const key = `${unique()}/gone.bin`;
      await store().put(key, Buffer.from([1, 2, 3]), 'application/octet-stream');
      await store().delete(key);
      expect(await store().get(key)).toBeNull();
      await expect(store().delete(key)).resolves.toBeUndefined();
      await expect(store().delete(`${unique()}/never-was`)).resolves.toBeUndefined();
    });

    it('round-trips binary content byte for byte, including empty bodies', async () => {
      const bytes = Buffer.concat([Buffer.from([0, 0xff, 0x0d, 0x0a, 0x1a, 0x80]), randomBytes(256 * 1024)]);
      const key = `${unique()}/blob.bin`;
      await store().put(key, bytes, 'image/webp');
      const got = await store().get(key);
      expect(got?.body.equals(bytes)).toBe(true);
      await store().put(`${key}-empty`, Buffer.alloc(0), 'application/octet-stream');
      expect((await store().get(`${key}-empty`))?.body.length).toBe(0);
    });

    it('keeps keys apart that differ only in a segment', async () => {
      const base = unique();
      await store().put(`${base}/64.webp`, Buffer.from('64'), 'image/webp');
      await store().put(`${base}/128.webp`, Buffer.from('128'), 'image/webp');
      expect((await store().get(`${base}/64.webp`))?.body.toString()).toBe('64');
      expect((await store().get(`${base}/128.webp`))?.body.toString()).toBe('128');
    });

    it.each(BAD_KEYS.map((key) => [JSON.stringify(key.slice(0, 40)), key]))(
      'rejects the bad key %s on put, get and delete',
      async (_label, key) => {
        await expect(store().put(key, Buffer.from('x'), 'text/plain')).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store().get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store().delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      },
    );
  });
}
