// /pictures/{hash}/{size}.{webp|jpg}: only keys the pipeline makes, headers that keep the bytes inert, ETag/304
// without touching the store, and the WebP/JPEG choice (path, ?format=, Accept).
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processUpload } from '../src/pictures/upload-pipeline.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

describe('serving uploaded pictures', () => {
  let server: TestServer;
  let base = '';
  beforeAll(async () => {
    server = await startTestServer();
    const source = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#44aa66' } }).png().toBuffer();
    const processed = await processUpload(source, { maxBytes: 1 << 20, maxPixels: 1e6 });
    for (const v of processed.variants) await server.services.blobs.put(v.key, v.body, v.contentType);
    base = `${server.url}pictures/${processed.hash.slice(0, 32)}`;
  });
  afterAll(async () => server?.close());

  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

  it('serves every size in both formats with immutable caching, nosniff and a sandboxing CSP', async () => {
    for (const size of [64, 128, 256, 480]) {
      for (const [ext, type, format] of [['webp', 'image/webp', 'webp'], ['jpg', 'image/jpeg', 'jpeg']] as const) {
        const res = await get(`${base}/${size}.${ext}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe(type);
        expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
        const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
        expect(meta).toMatchObject({ format, width: size, height: size });
      }
    }
  });

  it('negotiates: ?format=jpeg, or an Accept header without image/webp, gets JPEG from the .webp URL', async () => {
    const jpeg = await get(`${base}/128.webp?format=jpeg`);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    const old = await get(`${base}/128.webp`, { accept: 'image/png,image/*;q=0.8' });
    expect(old.headers.get('content-type')).toBe('image/jpeg');
    expect(old.headers.get('vary')).toBe('Accept');
    for (const accept of ['image/avif,image/webp,*/*', '*/*']) {
      expect((await get(`${base}/128.webp`, { accept })).headers.get('content-type')).toBe('image/webp');
    }
    expect((await get(`${base}/128.jpg`, { accept: 'image/webp' })).headers.get('content-type')).toBe('image/jpeg');
    const bad = await get(`${base}/128.webp?format=gif`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).errorCode).toBe('invalid_query_string');
  });

  it('answers 304 for a matching tag', async () => {
    const first = await get(`${base}/64.webp`);
    const again = await get(`${base}/64.webp`, { 'if-none-match': first.headers.get('etag')! });
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('looks up only keys the pipeline makes, and 404s the rest in Auth0 shape', async () => {
    const hash = base.split('/').pop()!;
    const bad = [
      `pictures/${hash}/100.webp`,
      `pictures/${hash}/480.png`,
      `pictures/${hash}/480.webp.meta`,
      `pictures/${hash}/.480.webp.meta`,
      `pictures/${hash.toUpperCase()}/480.webp`,
      `pictures/${hash.slice(1)}/480.webp`,
      `pictures/..%2F..%2Fetc/passwd`,
      `pictures/${'0'.repeat(32)}/480.webp`,
    ];
    for (const path of bad) {
      const res = await get(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
  });
});
