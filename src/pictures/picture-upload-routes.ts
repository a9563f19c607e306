// PUT and DELETE /api/v2/users/{id}/picture: upload a picture (multipart or raw image bytes) or go back to the
// default chain. Scope update:users; a user-context token with update:current_user_metadata may change its
// own user's picture (a picture is what such users most often want to change, and Auth0's own recipe keeps
// it in user_metadata).
//
// Body: multipart/form-data with the image in a file part named `picture` (else the first file part) and an
// optional `crop` field, JSON {"x","y","width","height"}; or the raw bytes as image/* or
// application/octet-stream, with an optional `?crop=x,y,width,height`. The crop box is in pixels of the
// image as displayed (after EXIF rotation); without one the centred square is used. The declared type and the
// file name are never trusted: processUpload sniffs the bytes.
//
// Only this route accepts more than the Management API's 1 MB: up to PORTRAIT_MAX_UPLOAD_BYTES.
import multipart from '@fastify/multipart';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { assertMayActOnUser, hasScope } from '../management/guard.ts';
import { Auth0Error, withErrors } from '../management/schemas.ts';
import { ApiError, fail } from '../platform/errors.ts';
import type { PictureOwner, PictureUploadService, PictureUsersPort } from './picture-upload-service.ts';
import { PictureRejectedError, type CropBox } from './upload-pipeline.ts';

/** Room for multipart boundaries, part headers and the crop field around the image itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 255 }) });
const UploadQuery = Type.Object(
  { crop: Type.Optional(Type.String({ maxLength: 64, description: 'x,y,width,height in pixels (raw uploads)' })) },
  { additionalProperties: false },
);
const Variants = Type.Record(Type.String(), Type.Object({ webp: Type.String(), jpeg: Type.String() }), {
  description: 'Every stored size (64, 128, 256, 480) in WebP and JPEG',
});
const UserWithPicture = Type.Object(
  { user_id: Type.String(), picture: Type.String(), picture_variants: Type.Optional(Variants) },
  { additionalProperties: true },
);

function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

function cropFrom(value: unknown): CropBox | undefined {
  if (value === undefined || value === '') return undefined;
  let box: unknown = value;
  if (typeof value === 'string') {
    const csv = /^\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*$/.exec(value);
    if (csv) return { x: Number(csv[1]), y: Number(csv[2]), width: Number(csv[3]), height: Number(csv[4]) };
    try {
      box = JSON.parse(value);
    } catch {
      box = null;
    }
  }
  const b = box as Record<string, unknown> | null;
  const fields = b && typeof b === 'object' ? [b.x, b.y, b.width, b.height] : [];
  if (fields.length !== 4 || !fields.every((n) => Number.isSafeInteger(n))) {
    fail('invalid_body', "Payload validation error: 'crop' must be {\"x\",\"y\",\"width\",\"height\"} in whole pixels (or x,y,width,height).");
  }
  const [x, y, width, height] = fields as number[];
  return { x, y, width, height };
}

/** The image and crop of a multipart body, read under the size cap. */
async function readMultipart(request: FastifyRequest, maxBytes: number): Promise<{ bytes: Buffer; crop: unknown }> {
  let bytes: Buffer | null = null;
  let named = false;
  let crop: unknown;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      // Every file part must be consumed for the parser to move on; only the chosen one is kept.
      const body = await part.toBuffer();
      if (!named && (bytes === null || part.fieldname === 'picture')) {
        bytes = body;
        named = part.fieldname === 'picture';
      }
    } else if (part.fieldname === 'crop') {
      crop = part.value;
    }
  }
  if (!bytes) fail('invalid_body', "Payload validation error: no file part; send the image in a part named 'picture'.");
  if (bytes.length > maxBytes) fail('payload_too_large', `The image is larger than the limit of ${megabytes(maxBytes)}.`);
  return { bytes, crop };
}

export interface PictureUploadRoutesOptions<U extends PictureOwner> {
  service: PictureUploadService<U>;
  users: PictureUsersPort<U>;
  maxUploadBytes: number;
}

/**
 * The user as GET /api/v2/users/{id} shows it to a caller without read:user_idp_tokens: these routes never
 * return a provider's tokens, whatever scopes the caller holds.
 */
export function withoutProviderTokens(user: PictureOwner): Record<string, unknown> {
  const identities = (user as { identities?: unknown }).identities;
  if (!Array.isArray(identities)) return { ...user };
  return {
    ...user,
    identities: identities.map((identity: Record<string, unknown>) => {
      const { access_token: _a, access_token_secret: _s, refresh_token: _r, ...rest } = identity;
      return rest;
    }),
  };
}

export async function pictureUploadRoutes<U extends PictureOwner>(api: FastifyInstance, opts: PictureUploadRoutesOptions<U>): Promise<void> {
  const { service, users, maxUploadBytes } = opts;
  const present = withoutProviderTokens;
  const tooLarge = () => new ApiError('payload_too_large', `The image is larger than the limit of ${megabytes(maxUploadBytes)}.`);

  await api.register(multipart, {
    limits: { fileSize: maxUploadBytes, files: 2, fields: 8, fieldSize: 1024, parts: 10, headerPairs: 100 },
    throwFileSizeLimit: true,
  });
  const rawParser = { parseAs: 'buffer' as const, bodyLimit: maxUploadBytes };
  api.addContentTypeParser('application/octet-stream', rawParser, (_request, body, done) => done(null, body));
  api.addContentTypeParser(/^image\/[\w.+-]+$/i, rawParser, (_request, body, done) => done(null, body));
  // Errors of the body parsers, in words that say which limit was hit; anything else goes on to the app's handler.
  api.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.code === 'FST_REQ_FILE_TOO_LARGE') {
      const e = tooLarge();
      return reply.status(e.statusCode).send(e.toBody());
    }
    if (error.code === 'FST_FILES_LIMIT' || error.code === 'FST_PARTS_LIMIT' || error.code === 'FST_FIELDS_LIMIT') {
      const e = new ApiError('invalid_body', 'Payload validation error: too many parts; send one file part and an optional crop field.');
      return reply.status(e.statusCode).send(e.toBody());
    }
    if (error instanceof PictureRejectedError) {
      const e = new ApiError(error.code === 'too_large' ? 'payload_too_large' : 'invalid_picture', error.message);
      return reply.status(e.statusCode).send(e.toBody());
    }
    throw error;
  });

  const authorize = async (request: FastifyRequest, userId: string): Promise<U> => {
    if (request.principal.kind === 'client' && !hasScope(request, 'update:users')) {
      fail('insufficient_scope', 'Insufficient scope, expected any of: update:users');
    }
    assertMayActOnUser(request, userId);
    return (await users.get(userId)) ?? fail('inexistent_user', 'The user does not exist.');
  };

  api.put<{ Params: Static<typeof IdParams>; Querystring: Static<typeof UploadQuery> }>('/users/:id/picture', {
    bodyLimit: maxUploadBytes,
    config: { scopes: ['update:users', 'update:current_user_metadata'] },
    schema: {
      tags: ['users'],
      summary: 'Upload a picture (Portrait)',
      params: IdParams,
      querystring: UploadQuery,
      response: withErrors({ 200: UserWithPicture, 413: Auth0Error, 415: Auth0Error }),
    },
  }, async (request) => {
    const user = await authorize(request, request.params.id);
    let bytes: Buffer;
    let crop: unknown = request.query.crop;
    if (request.isMultipart()) {
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > maxUploadBytes + MULTIPART_OVERHEAD) throw tooLarge();
      const read = await readMultipart(request, maxUploadBytes);
      bytes = read.bytes;
      crop = read.crop ?? crop;
    } else if (Buffer.isBuffer(request.body)) {
      bytes = request.body;
    } else {
      fail('unsupported_media_type', 'Send the picture as multipart/form-data, image/* or application/octet-stream.');
    }
    if (bytes.length === 0) fail('invalid_picture', 'The upload is empty.');
    const { user: updated, variants } = await service.replace(user, bytes, cropFrom(crop));
    return { ...present(updated), picture_variants: variants };
  });

  api.delete<{ Params: Static<typeof IdParams> }>('/users/:id/picture', {
    config: { scopes: ['update:users', 'update:current_user_metadata'] },
    schema: { tags: ['users'], summary: 'Remove the uploaded picture (Portrait)', params: IdParams, response: withErrors({ 200: UserWithPicture }) },
  }, async (request) => present(await service.remove(await authorize(request, request.params.id))));
}
