// Gravatar modes against a local HTTPS stand-in for s.gravatar.com: 'proxy' fetches server-side (one host,
// capped, re-encoded, cached) and falls back along the tenant's chain; 'off' and 'on' never make the server
// fetch anything, and with 'off' no URL Portrait generates points at Gravatar.
import { ManagementClient } from 'auth0';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gravatarHash } from '../src/pictures/gravatar.ts';
import { makeDefaultPictureResolver } from '../src/pictures/default-picture-resolver.ts';
import { startGravatarStandIn, type GravatarStandIn } from './support/gravatar-stand-in.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

describe('the Gravatar proxy and modes', () => {
  let standIn: GravatarStandIn;
  let server: TestServer;
  let photo: Buffer;
  const withPhoto = gravatarHash('has.photo@example.com');
  const without = gravatarHash('no.photo@example.com');

  beforeAll(async () => {
    standIn = await startGravatarStandIn();
    server = await startTestServer({ tls: true, env: { PORTRAIT_GRAVATAR_BASE_URL: standIn.baseUrl, PORTRAIT_ALLOW_PRIVATE_OUTBOUND: 'true' } });
    // A JPEG carrying EXIF with GPS: what the proxy serves must be a fresh PNG without it.
    photo = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#3366aa' } })
      .jpeg()
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 0/1' } })
      .toBuffer();
    standIn.answers.set(withPhoto, { status: 200, body: photo, contentType: 'image/jpeg' });
  });
  afterAll(async () => {
    await server?.close();
    await standIn?.close();
  });

  const settings = (picture: Record<string, unknown>) => server.services.tenantSettings.update({ picture } as never);
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers, redirect: 'manual' });

  describe("in 'proxy' mode", () => {
    beforeEach(async () => {
      await settings({ gravatar: 'proxy', default_url: null });
    });

    it('puts only Portrait URLs in profiles', () => {
      const resolve = makeDefaultPictureResolver(server.services.tenantSettings, server.issuer);
      expect(resolve({ email: 'has.photo@example.com', name: 'Has Photo' })).toBe(`${server.issuer}avatars/gravatar/${withPhoto}.png?initials=hp`);
    });

    it('fetches <base>{md5}?s=480&r=pg&d=404 once, re-encodes it to PNG without metadata, and caches it', async () => {
      const before = standIn.requests.length;
      const res = await get(`avatars/gravatar/${withPhoto}.png?initials=hp`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
      const body = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(body).metadata();
      expect(meta).toMatchObject({ format: 'png', width: 480, height: 480 });
      expect(meta.exif).toBeUndefined();
      expect(standIn.requests.slice(before)).toEqual([`/avatar/${withPhoto}?s=480&r=pg&d=404`]);

      const again = await get(`avatars/gravatar/${withPhoto}.png`, { 'if-none-match': res.headers.get('etag')! });
      expect(again.status).toBe(304);
      expect(standIn.requests.length).toBe(before + 1);
    });

    it('serves the initials avatar on a miss, or redirects to the default_url when the tenant has one', async () => {
      const res = await get(`avatars/gravatar/${without}.png?initials=np`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
      const initials = await get('avatars/np.png');
      expect(res.headers.get('etag')).toBe(initials.headers.get('etag'));
      expect(standIn.requests).toContain(`/avatar/${without}?s=480&r=pg&d=404`);

      const tampered = await get(`avatars/gravatar/${without}.png?initials=${encodeURIComponent('<b>')}`);
      expect(tampered.headers.get('etag')).toBe((await get('avatars/default.png')).headers.get('etag'));

      await settings({ default_url: 'https://cdn.acme.test/person.png' });
      const redirect = await get(`avatars/gravatar/${without}.png?initials=np`);
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('https://cdn.acme.test/person.png');
    });

    it('falls back instead of passing on HTML, SVG, oversized or slow answers', async () => {
      const cases: Array<[string, Parameters<GravatarStandIn['answers']['set']>[1]]> = [
        ['html@example.com', { status: 200, body: '<html><script>alert(1)</script></html>', contentType: 'image/png' }],
        ['svg@example.com', { status: 200, body: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', contentType: 'image/svg+xml' }],
        ['big@example.com', { status: 200, body: Buffer.concat([photo, Buffer.alloc(1024 * 1024 + 1)]), contentType: 'image/jpeg' }],
        ['redirect@example.com', { status: 302, body: '', contentType: 'text/plain' }],
        ['broken@example.com', { status: 500, body: 'oops', contentType: 'text/plain' }],
      ];
      for (const [email, answer] of cases) {
        standIn.answers.set(gravatarHash(email), answer);
        const res = await get(`avatars/gravatar/${gravatarHash(email)}.png?initials=xy`);
        expect(res.status, email).toBe(200);
        expect(res.headers.get('cache-control'), email).toBe('public, max-age=300');
        expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).format).toBe('png');
      }
    });

    it('gives up after 3 seconds', async () => {
      const slow = gravatarHash('slow@example.com');
      standIn.answers.set(slow, { status: 200, body: photo, contentType: 'image/jpeg', delayMs: 5_000 });
      const started = Date.now();
      const res = await get(`avatars/gravatar/${slow}.png?initials=sl`);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(4_500);
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    });

    it('refuses paths that are not an MD5', async () => {
      for (const bad of ['abc', `${withPhoto}x`, withPhoto.toUpperCase(), '..%2F..%2Fetc']) {
        const res = await get(`avatars/gravatar/${bad}.png`);
        expect(res.status, bad).toBe(404);
      }
    });
  });

  describe('profiles read through the Management API', () => {
    it("follow the tenant's mode at read time: proxy URLs are fetched once, 'off' URLs never reach Gravatar", async () => {
      const management = new ManagementClient({ domain: sdkDomain(server), token: await server.managementToken() });
      const created = await management.users.create({
        connection: 'Username-Password-Authentication', email: 'has.photo@example.com', password: 'Str0ng!Passw0rd#2026', name: 'Has Photo',
      });
      const id = created.user_id!;
      const picture = async () => ((await management.users.get(id)) as { picture: string }).picture;

      await management.tenants.settings.update({ picture: { gravatar: 'proxy', default_url: null } } as never);
      const proxied = await picture();
      expect(proxied).toBe(`${server.issuer}avatars/gravatar/${withPhoto}.png?initials=hp`);
      const before = standIn.requests.length;
      expect((await fetch(proxied)).status).toBe(200);
      expect(standIn.requests.length).toBeLessThanOrEqual(before + 1);

      await management.tenants.settings.update({ picture: { gravatar: 'off' } } as never);
      const off = await picture();
      expect(off).toBe(`${server.issuer}avatars/hp.png`);
      const quiet = standIn.requests.length;
      const listed = await management.users.list({ q: 'email:"has.photo@example.com"', search_engine: 'v3' });
      expect(JSON.stringify(listed)).not.toMatch(/gravatar/i);
      expect((await fetch(off)).status).toBe(200);
      expect((await fetch(proxied)).status).toBe(200);
      expect(standIn.requests.length).toBe(quiet);
    });
  });

  describe("in 'off' and 'on' modes", () => {
    it("'off': no generated URL points at Gravatar, and the proxy route makes no request", async () => {
      await settings({ gravatar: 'off', default_url: null });
      const resolve = makeDefaultPictureResolver(server.services.tenantSettings, server.issuer);
      const urls = [
        resolve({ email: 'has.photo@example.com', name: 'Has Photo' }),
        resolve({ email: 'x@example.com' }),
        resolve({ email: 'x@example.com', name: '' }),
        resolve({ name: 'No Mail' }),
        resolve({}),
      ];
      expect(urls).toEqual([
        `${server.issuer}avatars/hp.png`,
        `${server.issuer}avatars/x.png`,
        `${server.issuer}avatars/x.png`,
        `${server.issuer}avatars/nm.png`,
        `${server.issuer}avatars/default.png`,
      ]);
      for (const url of urls) expect(url).not.toMatch(/gravatar/i);

      const before = standIn.requests.length;
      const fresh = gravatarHash('never.fetched@example.com');
      const res = await get(`avatars/gravatar/${fresh}.png?initials=nf`);
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe((await get('avatars/nf.png')).headers.get('etag'));
      expect(standIn.requests.length).toBe(before);
    });

    it("'on': Auth0's own Gravatar URL, whose d= is the rest of the chain; the server fetches nothing", async () => {
      await settings({ gravatar: 'on', default_url: null });
      const resolve = makeDefaultPictureResolver(server.services.tenantSettings, server.issuer);
      expect(resolve({ email: 'has.photo@example.com', name: 'Has Photo' })).toBe(
        `https://s.gravatar.com/avatar/${withPhoto}?s=480&r=pg&d=${encodeURIComponent(`${server.issuer}avatars/hp.png`)}`,
      );
      const before = standIn.requests.length;
      expect((await get(`avatars/gravatar/${gravatarHash('on.mode@example.com')}.png`)).status).toBe(200);
      expect(standIn.requests.length).toBe(before);
    });
  });
});
