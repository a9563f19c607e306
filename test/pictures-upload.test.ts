// PUT/DELETE /api/v2/users/{id}/picture through real HTTP on both dialects with the filesystem blob store:
// what is stored and served, what is refused (and that a refusal stores nothing and keeps the old picture),
// who may upload, where the URL goes for synced users, and the release of replaced pictures.
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagementClient } from 'auth0';
import { dialects } from './support/databases.ts';
import { makePictureFixtures, multipartBody, storedObjects, userContextToken, type PictureFixtures } from './support/picture-fixtures.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

const PASSWORD = 'Str0ng!Passw0rd#2026';
const PICTURE_URL = /^https:\/\/127\.0\.0\.1:\d+\/pictures\/[0-9a-f]{32}\/480\.webp$/;

describe.each(dialects)('picture uploads on %s', (dialect) => {
  let server: TestServer;
  let fixtures: PictureFixtures;
  let blobRoot = '';
  let token = '';
  let management: ManagementClient;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    fixtures = await makePictureFixtures();
    blobRoot = path.join(server.config.dataDir, 'blobs');
    token = await server.managementToken();
    management = new ManagementClient({ domain: sdkDomain(server), token });
  });
  afterAll(async () => server?.close());

  let n = 0;
  const newUser = async (name = 'Jane Roe') => {
    const created = await management.users.create({ connection: 'Username-Password-Authentication', email: `user${++n}.${dialect}@example.com`, password: PASSWORD, name });
    return created as typeof created & { user_id: string; email: string };
  };
  /** What GET /api/v2/users/{id} answers, through the official SDK. */
  const readUser = async (id: string) => (await management.users.get(id)) as { picture?: string; user_metadata?: Record<string, unknown> };
  const pictureUrl = (id: string) => `${server.url}api/v2/users/${encodeURIComponent(id)}/picture`;
  const put = (id: string, body: Buffer | FormData | string, headers: Record<string, string> = {}, bearer = token) =>
    fetch(pictureUrl(id), { method: 'PUT', headers: { authorization: `Bearer ${bearer}`, ...headers }, body: Buffer.isBuffer(body) ? new Uint8Array(body) : body });
  const putRaw = (id: string, bytes: Buffer, type = 'image/jpeg') => put(id, bytes, { 'content-type': type });
  const fetchImage = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

  it('stores 8 variants without metadata, points `picture` at the 480 px WebP, and answers the user with every variant', async () => {
    const user = await newUser();
    const res = await putRaw(user.user_id, fixtures.gpsJpeg);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.user_id).toBe(user.user_id);
    expect(body.email).toBe(user.email);
    expect(body.picture).toMatch(PICTURE_URL);
    expect(Object.keys(body.picture_variants).sort()).toEqual(['128', '256', '480', '64']);
    expect(body.picture_variants['480'].webp).toBe(body.picture);
    expect((await readUser(user.user_id)).picture).toBe(body.picture);

    const stored = storedObjects(blobRoot);
    expect(stored).toHaveLength(8);
    for (const [size, urls] of Object.entries(body.picture_variants as Record<string, { webp: string; jpeg: string }>)) {
      for (const [format, url] of Object.entries(urls)) {
        const meta = await sharp(await fetchImage(url)).metadata();
        expect(meta).toMatchObject({ format, width: Number(size), height: Number(size) });
        expect(meta.exif).toBeUndefined();
        expect(meta.icc).toBeUndefined();
      }
    }
    await fetch(pictureUrl(user.user_id), { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  });

  it('deleting the user releases their picture: the objects go, the URL stops answering', async () => {
    const user = await newUser();
    const before = storedObjects(blobRoot).length;
    const uploaded = await (await putRaw(user.user_id, fixtures.gpsJpeg)).json();
    expect(storedObjects(blobRoot).length).toBe(before + 8);
    expect((await fetch(uploaded.picture)).status).toBe(200);
    await management.users.delete(user.user_id);
    expect(storedObjects(blobRoot).length).toBe(before);
    expect((await fetch(uploaded.picture)).status).toBe(404);
  });

  it('accepts multipart with a crop box, and a PNG named .jpg; replacing deletes the previous objects', async () => {
    const user = await newUser();
    const before = storedObjects(blobRoot).length;
    const first = await put(user.user_id, multipartBody([
      { name: 'picture', filename: 'me.jpg', type: 'image/jpeg', body: fixtures.gpsJpeg },
      { name: 'crop', body: JSON.stringify({ x: 0, y: 0, width: 400, height: 400 }) },
    ]));
    expect(first.status).toBe(200);
    const firstBody = await first.json();
    // The crop kept only the red left half.
    const { data } = await sharp(await fetchImage(firstBody.picture_variants['64'].jpeg)).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(150);
    expect(data[2]).toBeLessThan(100);
    expect(storedObjects(blobRoot).length).toBe(before + 8);

    const second = await put(user.user_id, multipartBody([{ name: 'file', filename: 'holiday.jpg', type: 'image/jpeg', body: fixtures.otherPng }]));
    expect(second.status).toBe(200);
    const secondBody = await second.json();
    expect(secondBody.picture).not.toBe(firstBody.picture);
    expect(storedObjects(blobRoot).length).toBe(before + 8);
    expect((await fetch(firstBody.picture)).status).toBe(404);
    expect((await fetch(secondBody.picture)).status).toBe(200);

    // The same bytes again land on the same keys and keep them.
    const again = await put(user.user_id, fixtures.otherPng, { 'content-type': 'application/octet-stream' });
    expect((await again.json()).picture).toBe(secondBody.picture);
    expect((await fetch(secondBody.picture)).status).toBe(200);
    expect(storedObjects(blobRoot).length).toBe(before + 8);
  });

  it('refuses bombs, truncated files, HTML, SVG with script, bad crops and 50 MB bodies: nothing stored, old picture intact', async () => {
    const user = await newUser();
    const good = await putRaw(user.user_id, fixtures.gpsJpeg);
    const picture = (await good.json()).picture;
    const stored = storedObjects(blobRoot);

    const cases: Array<[string, () => Promise<Response>, number, string, RegExp]> = [
      ['PNG bomb', () => putRaw(user.user_id, fixtures.bombPng, 'image/png'), 400, 'invalid_picture', /more pixels than this server accepts/],
      ['truncated JPEG', () => putRaw(user.user_id, fixtures.truncatedJpeg), 400, 'invalid_picture', /damaged or truncated/],
      ['HTML named .png', () => put(user.user_id, multipartBody([{ name: 'picture', filename: 'x.png', type: 'image/png', body: fixtures.html }])), 400, 'invalid_picture', /not a JPEG, PNG/],
      ['SVG with script', () => putRaw(user.user_id, fixtures.scriptSvg, 'image/svg+xml'), 400, 'invalid_picture', /SVG pictures are not accepted/],
      ['crop outside', () => put(user.user_id, multipartBody([{ name: 'picture', filename: 'a.jpg', body: fixtures.gpsJpeg }, { name: 'crop', body: '{"x":700,"y":0,"width":400,"height":400}' }])), 400, 'invalid_picture', /does not fit/],
      ['crop malformed', () => put(user.user_id, multipartBody([{ name: 'picture', filename: 'a.jpg', body: fixtures.gpsJpeg }, { name: 'crop', body: 'left' }])), 400, 'invalid_body', /crop/],
      ['empty body', () => putRaw(user.user_id, Buffer.alloc(0)), 400, 'invalid_picture', /empty/],
      ['JSON body', () => put(user.user_id, '{"picture":"x"}', { 'content-type': 'application/json' }), 415, 'unsupported_media_type', /multipart/],
      ['multipart without a file', () => put(user.user_id, multipartBody([{ name: 'crop', body: '0,0,1,1' }])), 400, 'invalid_body', /no file part/],
      ['50 MB raw', () => putRaw(user.user_id, Buffer.alloc(50 * 1024 * 1024, 0xff)), 413, 'payload_too_large', /limit of 10 MB/],
      ['50 MB multipart', () => put(user.user_id, multipartBody([{ name: 'picture', filename: 'big.jpg', body: Buffer.alloc(50 * 1024 * 1024, 0xff) }])), 413, 'payload_too_large', /limit of 10 MB/],
    ];
    for (const [label, send, status, errorCode, message] of cases) {
      const res = await send();
      expect(res.status, label).toBe(status);
      const error = await res.json();
      expect(error, label).toMatchObject({ statusCode: status, errorCode });
      expect(error.message, label).toMatch(message);
      expect(storedObjects(blobRoot), label).toEqual(stored);
      expect((await readUser(user.user_id)).picture, label).toBe(picture);
    }
  });

  it('lets a user-context token change its own picture only; clients need update:users', async () => {
    const me = await newUser('Me Myself');
    const other = await newUser('Someone Else');
    const mine = await userContextToken(server, me.user_id, ['update:current_user_metadata']);
    const ok = await put(me.user_id, fixtures.otherPng, { 'content-type': 'image/png' }, mine);
    expect(ok.status).toBe(200);
    expect((await readUser(me.user_id)).picture).toMatch(PICTURE_URL);

    const theirs = await put(other.user_id, fixtures.otherPng, { 'content-type': 'image/png' }, mine);
    expect(theirs.status).toBe(403);
    expect((await readUser(other.user_id)).picture).not.toMatch(PICTURE_URL);

    const readOnly = await put(me.user_id, fixtures.otherPng, { 'content-type': 'image/png' }, await server.managementToken(['read:users']));
    expect(readOnly.status).toBe(403);
    expect((await readOnly.json()).message).toBe('Insufficient scope, expected any of: update:users,update:current_user_metadata');
    const clientWithUserScope = await put(me.user_id, fixtures.otherPng, { 'content-type': 'image/png' }, await server.managementToken(['update:current_user_metadata']));
    expect(clientWithUserScope.status).toBe(403);
    const anonymous = await fetch(pictureUrl(me.user_id), { method: 'PUT', headers: { 'content-type': 'image/png' }, body: new Uint8Array(fixtures.otherPng) });
    expect(anonymous.status).toBe(401);

    const deleted = await fetch(pictureUrl(me.user_id), { method: 'DELETE', headers: { authorization: `Bearer ${mine}` } });
    expect(deleted.status).toBe(200);
  });

  it('answers 404 inexistent_user for an unknown user, before storing anything', async () => {
    const stored = storedObjects(blobRoot);
    const res = await putRaw('auth0|000000000000000000000000', fixtures.otherPng, 'image/png');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ errorCode: 'inexistent_user', message: 'The user does not exist.' });
    expect(storedObjects(blobRoot)).toEqual(stored);
  });

  it('puts the picture in user_metadata.picture for users whose provider syncs root attributes at each login', async () => {
    await server.services.connections.create({ name: `github-${dialect}`, strategy: 'github', options: {} });
    const social = await server.services.users.createFederated({
      connection: `github-${dialect}`, provider: 'github', isSocial: true, providerUserId: `42${dialect}`,
      email: `octo.${dialect}@example.com`, name: 'Octo Cat', picture: 'https://avatars.githubusercontent.com/u/42',
    });
    const res = await putRaw(social.user_id, fixtures.gpsJpeg);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.picture).toBe('https://avatars.githubusercontent.com/u/42');
    expect(body.user_metadata.picture).toMatch(PICTURE_URL);
    expect(body.picture_variants['480'].webp).toBe(body.user_metadata.picture);
    expect((await readUser(social.user_id)).user_metadata?.picture).toBe(body.user_metadata.picture);

    const removed = await fetch(pictureUrl(social.user_id), { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(removed.status).toBe(200);
    expect((await removed.json()).user_metadata).not.toHaveProperty('picture');
  });

  it('DELETE goes back to the default chain; objects shared with another user stay until nobody uses them', async () => {
    const a = await newUser('Ann Lee');
    const b = await newUser('Bob Kay');
    const before = storedObjects(blobRoot).length;
    const photo = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#123456' } }).png().toBuffer();
    const up = await putRaw(a.user_id, photo, 'image/png');
    const shared = (await up.json()).picture;
    await putRaw(b.user_id, photo, 'image/png');
    expect(storedObjects(blobRoot).length).toBe(before + 8);

    const res = await fetch(pictureUrl(a.user_id), { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.picture).toMatch(/^https:\/\/s\.gravatar\.com\/avatar\/[0-9a-f]{32}\?s=480&r=pg&d=.*avatars%2Fal\.png$/);
    expect((await fetch(shared)).status).toBe(200);
    expect(storedObjects(blobRoot).length).toBe(before + 8);

    await fetch(pictureUrl(b.user_id), { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect((await fetch(shared)).status).toBe(404);
    expect(storedObjects(blobRoot).length).toBe(before);
  });

  it("applies the tenant's default_url and Gravatar mode to existing users without a picture, never to uploaded ones", async () => {
    const plain = await newUser('Pat Plain');
    const uploaded = await newUser('Upton Loaded');
    const own = (await (await putRaw(uploaded.user_id, fixtures.otherPng, 'image/png')).json()).picture;
    expect((await readUser(plain.user_id)).picture).toMatch(/^https:\/\/s\.gravatar\.com\/avatar\//);

    await management.tenants.settings.update({ picture: { default_url: 'https://cdn.acme.test/person.png' } } as never);
    // Gravatar is still on: its d= is now the tenant's picture.
    expect((await readUser(plain.user_id)).picture).toContain(`d=${encodeURIComponent('https://cdn.acme.test/person.png')}`);
    await management.tenants.settings.update({ picture: { gravatar: 'off' } } as never);
    expect((await readUser(plain.user_id)).picture).toBe('https://cdn.acme.test/person.png');
    expect((await readUser(uploaded.user_id)).picture).toBe(own);
    const listed = (await management.users.list({ q: `user_id:"${plain.user_id}"`, search_engine: 'v3' })) as unknown as { data?: Array<{ picture?: string }> };
    expect(JSON.stringify(listed)).toContain('https://cdn.acme.test/person.png');

    await management.tenants.settings.update({ picture: { default_url: null } } as never);
    expect((await readUser(plain.user_id)).picture).toBe(`${server.issuer}avatars/pp.png`);
    await management.tenants.settings.update({ picture: { gravatar: 'on' } } as never);
    expect((await readUser(uploaded.user_id)).picture).toBe(own);
  });
});
