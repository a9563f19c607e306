// Turns an uploaded image into the stored variants of a profile picture, or refuses it with a reason.
//
//   size cap → real type from magic bytes → header read (pixel cap before any decoding) → decode with
//   libvips' own pixel limit → auto-orient → square crop → 480 px master → 64/128/256/480 in WebP and JPEG
//
// What comes out is always re-encoded by Portrait: no byte of the upload is ever served, so polyglots, EXIF
// (GPS, camera serials), ICC tricks and script-bearing formats do not survive. sharp writes no metadata unless
// asked (keepExif/withMetadata are never called here). Animated GIF and WebP keep their first frame only.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Metadata, OutputInfo } from 'sharp';
import { sniffImageType, type SniffedImageType } from './sniff-image-type.ts';

export const PICTURE_SIZES = [64, 128, 256, 480] as const;
export type PictureSize = (typeof PICTURE_SIZES)[number];
export type PictureFormat = 'webp' | 'jpeg';

/** Bumped whenever the encoders or their settings change, so new output never reuses an old immutable key. */
const PIPELINE_VERSION = 'p1';
const MASTER_SIZE = 480;

export type PictureRejectionCode =
  | 'too_large'
  | 'unsupported_type'
  | 'too_many_pixels'
  | 'corrupt_image'
  | 'svg_not_allowed'
  | 'bad_crop';

/** A refused upload: `code` is for machines (and the API's errorCode), `message` for people. */
export class PictureRejectedError extends Error {
  readonly code: PictureRejectionCode;
  constructor(code: PictureRejectionCode, message: string) {
    super(message);
    this.name = 'PictureRejectedError';
    this.code = code;
  }
}

export interface CropBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface UploadOptions {
  maxBytes: number;
  maxPixels: number;
  /** In the coordinates of the image as displayed, i.e. after EXIF orientation. */
  crop?: CropBox;
}

export interface PictureVariant {
  size: PictureSize;
  format: PictureFormat;
  contentType: 'image/webp' | 'image/jpeg';
  body: Buffer;
  key: string;
}

export interface ProcessedUpload {
  variants: PictureVariant[];
  /** Content address of this picture: hex SHA-256 of (pipeline version, crop, source bytes). */
  hash: string;
  /** Hex SHA-256 of the uploaded bytes alone, for audit and de-duplication. */
  sourceSha256: string;
}

const DECODED_FORMAT: Record<SniffedImageType, string> = {
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  avif: 'heif',
  heic: 'heif',
};

/**
 * Picture keys: `pictures/{first 32 hex of hash}/{size}.{ext}`. The hash covers the crop and the pipeline
 * version as well as the bytes, so the same photo cropped twice gets two pictures, and re-uploading the
 * same photo with the same crop lands on the same keys (idempotent, and safe to cache forever).
 */
export function pictureKey(hash: string, size: PictureSize, format: PictureFormat): string {
  return `pictures/${hash.slice(0, 32)}/${size}.${format === 'jpeg' ? 'jpg' : 'webp'}`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

function checkCrop(crop: CropBox, width: number, height: number): void {
  const { x, y, width: w, height: h } = crop;
  const fields = [x, y, w, h];
  if (!fields.every((n) => Number.isSafeInteger(n))) {
    throw new PictureRejectedError('bad_crop', 'The crop box must be whole numbers of pixels.');
  }
  if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height) {
    throw new PictureRejectedError(
      'bad_crop',
      `The crop box ${w}×${h} at (${x}, ${y}) does not fit inside the ${width}×${height} image.`,
    );
  }
}

function decodeError(error: unknown): PictureRejectedError {
  const text = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(text)) {
    return new PictureRejectedError('too_many_pixels', 'The image has more pixels than this server accepts.');
  }
  return new PictureRejectedError('corrupt_image', 'The image could not be decoded; it may be damaged or truncated.');
}

export async function processUpload(bytes: Buffer, opts: UploadOptions): Promise<ProcessedUpload> {
  if (bytes.length > opts.maxBytes) {
    throw new PictureRejectedError('too_large', `The image is ${formatBytes(bytes.length)}; the limit is ${formatBytes(opts.maxBytes)}.`);
  }
  const sniffed = sniffImageType(bytes);
  if ('rejected' in sniffed) {
    if (sniffed.rejected === 'svg') {
      throw new PictureRejectedError('svg_not_allowed', 'SVG pictures are not accepted; upload a JPEG, PNG, WebP, GIF or AVIF.');
    }
    throw new PictureRejectedError('unsupported_type', 'The file is not a JPEG, PNG, WebP, GIF or AVIF image.');
  }

  // failOn 'truncated': refuse cut-off files, but accept the harmless warnings many cameras' JPEGs raise.
  // autoOrient applies EXIF orientation at load, so crop boxes are in the coordinates the user saw.
  const input = { limitInputPixels: opts.maxPixels, failOn: 'truncated', autoOrient: true, pages: 1 } as const;

  let meta: Metadata;
  try {
    meta = await sharp(bytes, input).metadata();
  } catch (error) {
    if (sniffed.type === 'heic') {
      throw new PictureRejectedError('unsupported_type', 'HEIC images cannot be decoded by this server; upload a JPEG.');
    }
    throw decodeError(error);
  }
  if (meta.format !== DECODED_FORMAT[sniffed.type]) {
    throw new PictureRejectedError('unsupported_type', 'The file is not a JPEG, PNG, WebP, GIF or AVIF image.');
  }
  // The header alone tells the size: a decompression bomb is refused before a single pixel is decoded.
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.pageHeight ?? meta.height ?? 0;
  if (width < 1 || height < 1) throw new PictureRejectedError('corrupt_image', 'The image has no pixels.');
  if (width * height > opts.maxPixels) {
    throw new PictureRejectedError(
      'too_many_pixels',
      `The image is ${width}×${height} pixels; the limit is ${opts.maxPixels.toLocaleString('en')} pixels.`,
    );
  }
  if (opts.crop) checkCrop(opts.crop, width, height);

  let master: { data: Buffer; info: OutputInfo };
  try {
    let pipeline = sharp(bytes, { ...input, sequentialRead: !opts.crop });
    pipeline = opts.crop
      ? pipeline.extract({ left: opts.crop.x, top: opts.crop.y, width: opts.crop.width, height: opts.crop.height })
      : pipeline;
    // 'cover' takes the centred square of whatever is left (the caller's box, when not exactly square). Small
    // images are enlarged so every size exists and URLs never depend on the source.
    master = await pipeline
      .resize(MASTER_SIZE, MASTER_SIZE, { fit: 'cover', position: 'centre' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeError(error);
  }

  const sourceSha256 = createHash('sha256').update(bytes).digest('hex');
  const cropLabel = opts.crop ? `${opts.crop.x},${opts.crop.y},${opts.crop.width},${opts.crop.height}` : 'centre';
  const hash = createHash('sha256').update(`${PIPELINE_VERSION}\n${cropLabel}\n`).update(bytes).digest('hex');

  const variants = await encodeVariants(master, hash);
  return { variants, hash, sourceSha256 };
}

/** Every size and format from the 480 px master: decoding the upload once is what keeps this fast. */
function encodeVariants(master: { data: Buffer; info: OutputInfo }, hash: string): Promise<PictureVariant[]> {
  const { width, height, channels } = master.info;
  const raw = { raw: { width, height, channels } };
  const jobs: Array<Promise<PictureVariant>> = [];
  for (const size of PICTURE_SIZES) {
    for (const format of ['webp', 'jpeg'] as const) {
      jobs.push(
        (async () => {
          let image = sharp(master.data, raw);
          if (size !== MASTER_SIZE) image = image.resize(size, size, { kernel: 'lanczos3' });
          // WebP effort 2 rather than the default 4: half the encode time for ~2% more bytes (bench/pictures.ts).
          const body =
            format === 'webp'
              ? await image.webp({ quality: 82, effort: 2 }).toBuffer()
              : await image.flatten({ background: '#ffffff' }).jpeg({ quality: 85, mozjpeg: false }).toBuffer();
          return {
            size,
            format,
            contentType: format === 'webp' ? 'image/webp' : 'image/jpeg',
            body,
            key: pictureKey(hash, size, format),
          };
        })(),
      );
    }
  }
  return Promise.all(jobs);
}
