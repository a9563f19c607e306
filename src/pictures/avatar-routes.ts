// /avatars/{initials}.png|.svg, /avatars/default.png|.svg and the Gravatar proxy /avatars/gravatar/{md5}.png.
//
// The initials routes are the hottest URLs Portrait serves (every list of users shows them), so they stay
// lean: no schema compilation on the query, no hooks, request logs only at warn and above, and a cached avatar
// is a Map lookup plus headers. Sizes are `?s=16..1024`, default 480 (the size Auth0's Gravatar URLs ask for).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, fail } from '../platform/errors.ts';
import type { GravatarProxy } from './gravatar-proxy.ts';
import { isHttpUrl, type PictureSettings } from './gravatar.ts';
import { etagMatches, IMMUTABLE, notModified } from './http-caching.ts';
import { avatarImage, MAX_AVATAR_SIZE, MIN_AVATAR_SIZE, type AvatarFormat, type AvatarImage } from './initials-avatar.ts';
import { isValidInitials } from './initials.ts';

export const DEFAULT_AVATAR_SIZE = 480;
/** Portrait made every byte of these SVGs, but a browser opening one directly still gets no script or fetches. */
const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'";
/** A proxied Gravatar may change (the user uploads a new one), and a miss may become a hit. */
const GRAVATAR_HIT_CACHE = 'public, max-age=3600';
/** Fallbacks depend on the tenant's settings, which may change. */
const GRAVATAR_MISS_CACHE = 'public, max-age=300';
const MD5_FILE = /^([0-9a-f]{32})\.png$/;

export interface AvatarRoutesOptions {
  settings: { current(): { picture: PictureSettings } };
  gravatarProxy: GravatarProxy;
}

function sizeFrom(query: unknown): number {
  const raw = (query as Record<string, unknown> | undefined)?.s;
  if (raw === undefined) return DEFAULT_AVATAR_SIZE;
  if (typeof raw !== 'string' || !/^\d{1,4}$/.test(raw) || Number(raw) < MIN_AVATAR_SIZE || Number(raw) > MAX_AVATAR_SIZE) {
    fail('invalid_query_string', `Query validation error: 's' must be a whole number of pixels from ${MIN_AVATAR_SIZE} to ${MAX_AVATAR_SIZE}.`);
  }
  return Number(raw);
}

/** `jd.png` → { initials: 'jd', format: 'png' }; `default.svg` → { initials: null, … }. */
function parseAvatarFile(file: string): { initials: string | null; format: AvatarFormat } {
  const dot = file.lastIndexOf('.');
  const extension = dot > 0 ? file.slice(dot + 1) : '';
  if (extension !== 'png' && extension !== 'svg') fail('not_found', 'Not Found: avatars are .png or .svg.');
  const name = file.slice(0, dot);
  if (name === 'default') return { initials: null, format: extension };
  if (!isValidInitials(name)) {
    fail('invalid_uri', 'Path validation error: initials are one or two lower-case letters or digits.');
  }
  return { initials: name, format: extension };
}

function sendAvatar(request: FastifyRequest, reply: FastifyReply, image: AvatarImage, cacheControl: string): FastifyReply {
  if (etagMatches(request.headers['if-none-match'], image.etag)) return notModified(reply, image.etag, cacheControl);
  reply
    .header('content-type', image.contentType)
    .header('etag', image.etag)
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff');
  if (image.contentType === 'image/svg+xml') reply.header('content-security-policy', SVG_CSP);
  return reply.send(image.body);
}

export async function avatarRoutes(app: FastifyInstance, opts: AvatarRoutesOptions): Promise<void> {
  const { settings, gravatarProxy } = opts;

  app.get<{ Params: { file: string } }>('/avatars/:file', { logLevel: 'warn', schema: { hide: true } }, async (request, reply) => {
    const size = sizeFrom(request.query);
    const { initials, format } = parseAvatarFile(request.params.file);
    return sendAvatar(request, reply, await avatarImage(initials, size, format), IMMUTABLE);
  });

  app.get<{ Params: { file: string }; Querystring: { initials?: string } }>(
    '/avatars/gravatar/:file',
    { logLevel: 'warn', schema: { hide: true } },
    async (request, reply) => {
      const match = MD5_FILE.exec(request.params.file);
      if (!match) fail('not_found', 'Not Found: proxied Gravatar images are /avatars/gravatar/{md5}.png.');
      const picture = settings.current().picture;
      // Only in 'proxy' mode does this route ever reach Gravatar; a tenant that switched to 'off' keeps old
      // proxied URLs working (they fall back) without a single request leaving the server.
      if (picture.gravatar === 'proxy') {
        const image = await gravatarProxy.lookup(match[1]);
        if (image) {
          return sendAvatar(request, reply, { body: image.body, etag: image.etag, contentType: 'image/png' }, GRAVATAR_HIT_CACHE);
        }
      }
      if (isHttpUrl(picture.default_url)) {
        return reply.code(302).header('location', picture.default_url).header('cache-control', GRAVATAR_MISS_CACHE).send();
      }
      // The initials in the query are only ever drawn, never fetched or redirected to; invalid ones (a
      // tampered URL) get the generic avatar rather than an error, as a broken image helps nobody.
      const initials = typeof request.query.initials === 'string' && isValidInitials(request.query.initials) ? request.query.initials : null;
      let image: AvatarImage;
      try {
        image = await avatarImage(initials, DEFAULT_AVATAR_SIZE, 'png');
      } catch (error) {
        if (error instanceof RangeError) throw new ApiError('invalid_uri', error.message);
        throw error;
      }
      return sendAvatar(request, reply, image, GRAVATAR_MISS_CACHE);
    },
  );
}
