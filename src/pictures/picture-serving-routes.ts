// /pictures/{hash}/{size}.{webp|jpg}: uploaded pictures, public, from the blob store. The URL path is the blob
// key (`pictures/<32 hex>/<size>.<ext>`, as pictureKey makes it) and only keys of that form are looked up.
//
// Format: `.jpg` is always JPEG. `.webp` is WebP, except that JPEG is served instead when `?format=jpeg` is
// given, or when the request has an Accept header that names neither image/webp nor */* (an old browser or
// client that lists the formats it decodes). Such responses vary on Accept, and say so.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BlobStore } from '../platform/blobs/blob-store.ts';
import { fail } from '../platform/errors.ts';
import { etagMatches, IMMUTABLE, notModified } from './http-caching.ts';

/** Nothing a picture response holds may run or load anything, even if opened as a document. */
const PICTURE_CSP = "default-src 'none'; sandbox";
const HASH = /^[0-9a-f]{32}$/;
const FILE = /^(64|128|256|480)\.(webp|jpg)$/;

function wantsJpeg(request: FastifyRequest): boolean {
  const format = (request.query as Record<string, unknown> | undefined)?.format;
  if (format !== undefined) {
    if (format === 'jpeg' || format === 'jpg') return true;
    if (format === 'webp') return false;
    fail('invalid_query_string', "Query validation error: 'format' must be webp or jpeg.");
  }
  const accept = request.headers.accept;
  if (!accept) return false;
  return !/image\/webp|\*\/\*/i.test(accept);
}

export async function pictureServingRoutes(app: FastifyInstance, opts: { blobs: BlobStore }): Promise<void> {
  const { blobs } = opts;

  app.get<{ Params: { hash: string; file: string } }>('/pictures/:hash/:file', { logLevel: 'warn', schema: { hide: true } }, async (request, reply) => {
    const { hash, file } = request.params;
    const match = FILE.exec(file);
    if (!HASH.test(hash) || !match) fail('not_found', 'The picture does not exist.');
    const [, size, extension] = match;
    const jpeg = extension === 'jpg' || wantsJpeg(request);
    const key = `pictures/${hash}/${size}.${jpeg ? 'jpg' : 'webp'}`;
    // The key is content-addressed: it names these bytes for ever, so it is a strong validator.
    const etag = `"${hash}-${size}-${jpeg ? 'jpg' : 'webp'}"`;
    if (extension === 'webp') reply.header('vary', 'Accept');
    if (etagMatches(request.headers['if-none-match'], etag)) return notModified(reply, etag, IMMUTABLE);
    const blob = await blobs.get(key);
    if (!blob) fail('not_found', 'The picture does not exist.');
    return reply
      .header('content-type', blob.contentType)
      .header('etag', etag)
      .header('cache-control', IMMUTABLE)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', PICTURE_CSP)
      .send(blob.body);
  });
}
