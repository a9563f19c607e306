// /avatars/{initials}.png|.svg and /avatars/default.png through real HTTP: sizes, caching headers, ETag/304,
// and Auth0-shaped 400s for bad input. Nothing here is stored, so one dialect is enough.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.ts';

describe('initials and default avatars', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

  it('serves a PNG at the default size 480 with immutable caching, nosniff and a strong ETag', async () => {
    const res = await get('avatars/jd.png');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 480, height: 480 });
  });

  it('renders any size from 16 to 1024 with ?s=', async () => {
    for (const size of [16, 40, 128, 1024]) {
      const res = await get(`avatars/ab.png?s=${size}`);
      expect(res.status).toBe(200);
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([size, size]);
    }
  });

  it('answers 304 to If-None-Match with the same tag (also weak, also in a list), 200 to another', async () => {
    const first = await get('avatars/zq.png?s=64');
    const etag = first.headers.get('etag')!;
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const again = await get('avatars/zq.png?s=64', { 'if-none-match': inm });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await again.arrayBuffer()).byteLength).toBe(0);
    }
    expect((await get('avatars/zq.png?s=64', { 'if-none-match': '"other"' })).status).toBe(200);
    // Different sizes are different bytes, hence different tags.
    expect((await get('avatars/zq.png?s=65')).headers.get('etag')).not.toBe(etag);
  });

  it('serves SVG with a locked-down Content-Security-Policy and the initials upper-cased', async () => {
    const res = await get('avatars/jd.svg?s=100');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const body = await res.text();
    expect(body).toContain('>JD</text>');
    expect(body).not.toMatch(/<script|on\w+=/i);
  });

  it('serves the generic default avatar and non-ASCII initials', async () => {
    const png = await get('avatars/default.png?s=32');
    expect(png.status).toBe(200);
    expect((await sharp(Buffer.from(await png.arrayBuffer())).metadata()).width).toBe(32);
    expect((await get('avatars/default.svg')).status).toBe(200);
    const accented = await get(`avatars/${encodeURIComponent('éd')}.png?s=24`);
    expect(accented.status).toBe(200);
  });

  it('refuses bad sizes with 400 invalid_query_string in Auth0 shape', async () => {
    for (const s of ['15', '1025', '0', 'abc', '64.5', '-1', '', '99999']) {
      const res = await get(`avatars/jd.png?s=${s}`);
      expect(res.status, `s=${s}`).toBe(400);
      const body = await res.json();
      expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining("'s' must be"), errorCode: 'invalid_query_string' });
    }
    expect((await get('avatars/jd.png?s=1&s=2')).status).toBe(400);
  });

  it('refuses invalid initials (400) and unknown formats (404), never rendering them', async () => {
    for (const bad of ['JD', 'abc', '%3Cscript%3E', 'j%20d', '..', '']) {
      const res = await get(`avatars/${bad}.png`);
      expect([400, 404], bad).toContain(res.status);
      expect((await res.json()).errorCode).toMatch(/^(invalid_uri|not_found)$/);
    }
    const gif = await get('avatars/jd.gif');
    expect(gif.status).toBe(404);
    expect((await gif.json()).errorCode).toBe('not_found');
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await fetch(`${server.url}avatars/jd.png?s=48`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeTruthy();
  });
});
