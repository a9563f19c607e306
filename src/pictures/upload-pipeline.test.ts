import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { PICTURE_SIZES, PictureRejectedError, processUpload, type PictureRejectionCode, type UploadOptions } from './upload-pipeline.ts';
import { sniffImageType } from './sniff-image-type.ts';

const limits: UploadOptions = { maxBytes: 5 * 1024 * 1024, maxPixels: 40_000_000 };

/** A 600×400 picture: left half red, right half blue, so crops and rotations can be told apart. */
function twoHalves(width = 600, height = 400) {
  const half = Math.floor(width / 2);
  return sharp({ create: { width, height, channels: 3, background: '#ff0000' } }).composite([
    { input: { create: { width: width - half, height, channels: 3, background: '#0000ff' } }, left: half, top: 0 },
  ]);
}

async function colourAt(image: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i], data[i + 1], data[i + 2]];
}

async function rejection(promise: Promise<unknown>): Promise<PictureRejectionCode> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PictureRejectedError);
  expect((error as PictureRejectedError).message.length).toBeGreaterThan(10);
  return (error as PictureRejectedError).code;
}

let gpsJpeg: Buffer;
let pngBytes: Buffer;

beforeAll(async () => {
  gpsJpeg = await twoHalves()
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'AcmeCam', Model: 'Spy 3000', Artist: 'Jane Roe' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 29/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 40/1' },
    })
    .toBuffer();
  pngBytes = await twoHalves().png().toBuffer();
});

describe('processUpload: what comes out', () => {
  it('writes 64/128/256/480 in WebP and JPEG, square, under content-addressed keys', async () => {
    const result = await processUpload(gpsJpeg, limits);
    expect(result.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.variants).toHaveLength(8);
    for (const variant of result.variants) {
      const meta = await sharp(variant.body).metadata();
      expect(meta.format).toBe(variant.format);
      expect([meta.width, meta.height]).toEqual([variant.size, variant.size]);
      const ext = variant.format === 'jpeg' ? 'jpg' : 'webp';
      expect(variant.key).toBe(`pictures/${result.hash.slice(0, 32)}/${variant.size}.${ext}`);
    }
    expect(new Set(result.variants.map((v) => v.size))).toEqual(new Set(PICTURE_SIZES));
  });

  it('strips EXIF: the GPS position, camera and author are gone from every variant', async () => {
    const source = await sharp(gpsJpeg).metadata();
    expect(source.exif?.toString('latin1')).toContain('AcmeCam'); // the fixture really carries EXIF
    expect(source.exif?.toString('latin1')).toContain('N');
    const { variants } = await processUpload(gpsJpeg, limits);
    for (const variant of variants) {
      const meta = await sharp(variant.body).metadata();
      expect(meta.exif, `${variant.key} EXIF`).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(variant.body.includes('AcmeCam')).toBe(false);
      expect(variant.body.includes('Jane Roe')).toBe(false);
    }
  });

  it('crops the centre square by default (red left, blue right of a 600×400)', async () => {
    const { variants } = await processUpload(pngBytes, limits);
    const jpeg480 = variants.find((v) => v.size === 480 && v.format === 'jpeg')!.body;
    const [left, right] = [await colourAt(jpeg480, 20, 240), await colourAt(jpeg480, 460, 240)];
    expect(left[0]).toBeGreaterThan(200);
    expect(right[2]).toBeGreaterThan(200);
  });

  it("uses the caller's crop box, and a different crop gives different keys", async () => {
    const crop = { x: 0, y: 0, width: 250, height: 250 }; // all red
    const cropped = await processUpload(pngBytes, { ...limits, crop });
    const centred = await processUpload(pngBytes, limits);
    const webp = cropped.variants.find((v) => v.size === 128 && v.format === 'webp')!.body;
    const [r, , b] = await colourAt(webp, 120, 64);
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(60);
    expect(cropped.hash).not.toBe(centred.hash);
    expect(cropped.sourceSha256).toBe(centred.sourceSha256);
  });

  it('is idempotent: the same bytes and crop give the same keys', async () => {
    const [a, b] = await Promise.all([processUpload(pngBytes, limits), processUpload(pngBytes, limits)]);
    expect(a.variants.map((v) => v.key)).toEqual(b.variants.map((v) => v.key));
  });

  it('applies EXIF orientation before cropping, so the crop is in displayed coordinates', async () => {
    // Stored 600×400 red|blue, orientation 6 (display rotated 90° clockwise: 400×600, red on top).
    const rotated = await twoHalves().jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const top = await processUpload(rotated, { ...limits, crop: { x: 0, y: 0, width: 400, height: 300 } });
    const [r, , b] = await colourAt(top.variants.find((v) => v.size === 64 && v.format === 'jpeg')!.body, 32, 32);
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(60);
    await expect(processUpload(rotated, { ...limits, crop: { x: 0, y: 0, width: 500, height: 500 } })).rejects.toThrow(/400×600/);
  });

  it('accepts a PNG whatever it is called: the name is irrelevant, the content decides', async () => {
    // There is no name parameter at all; "avatar.jpg" holding PNG bytes is sniffed as PNG.
    expect(sniffImageType(pngBytes)).toEqual({ type: 'png' });
    await expect(processUpload(pngBytes, limits)).resolves.toBeTruthy();
  });

  it('accepts WebP, GIF (first frame) and AVIF, flattening transparency onto white for JPEG', async () => {
    const transparent = sharp({ create: { width: 100, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } });
    for (const bytes of [
      await transparent.clone().webp().toBuffer(),
      await transparent.clone().gif().toBuffer(),
      await twoHalves(64, 64).avif().toBuffer(),
    ]) {
      const { variants } = await processUpload(bytes, limits);
      expect(variants).toHaveLength(8);
    }
    const { variants } = await processUpload(await transparent.clone().png().toBuffer(), limits);
    expect(await colourAt(variants.find((v) => v.format === 'jpeg')!.body, 10, 10)).toEqual([255, 255, 255]);
    expect((await sharp(variants.find((v) => v.format === 'webp')!.body).metadata()).hasAlpha).toBe(true);
  });

  it('keeps the first frame of an animated GIF only', async () => {
    const green = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#00ff00' } }).png().toBuffer();
    const magenta = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#ff00ff' } }).png().toBuffer();
    const animated = await sharp([green, magenta], { join: { animated: true } }).gif({ loop: 0 }).toBuffer();
    const multi = await sharp(animated, { animated: true }).metadata();
    expect([multi.format, multi.pages]).toEqual(['gif', 2]);
    const { variants } = await processUpload(animated, limits);
    for (const variant of variants) {
      expect((await sharp(variant.body, { animated: true }).metadata()).pages ?? 1).toBe(1);
    }
    const [r, g] = await colourAt(variants[0].body, 10, 10);
    expect([r < 60, g > 200]).toEqual([true, true]);
  });
});

describe('processUpload: what is refused', () => {
  it('refuses a body over maxBytes before looking at it', async () => {
    expect(await rejection(processUpload(gpsJpeg, { ...limits, maxBytes: 1000 }))).toBe('too_large');
  });

  it('refuses a 10000×10000 PNG bomb as too_many_pixels without decoding it', async () => {
    const bomb = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#808080' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(limits.maxBytes);
    const before = process.memoryUsage().rss;
    expect(await rejection(processUpload(bomb, limits))).toBe('too_many_pixels');
    // Decoding would need ≥300 MB (10⁸ RGB pixels); the header read needs next to nothing.
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses a truncated JPEG as corrupt_image', async () => {
    const truncated = gpsJpeg.subarray(0, Math.floor(gpsJpeg.length / 2));
    expect(await rejection(processUpload(truncated, limits))).toBe('corrupt_image');
  });

  it('refuses garbage behind a JPEG signature as corrupt_image', async () => {
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 0x41)]);
    expect(await rejection(processUpload(fake, limits))).toBe('corrupt_image');
  });

  it('refuses HTML as unsupported_type', async () => {
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');
    expect(await rejection(processUpload(html, limits))).toBe('unsupported_type');
  });

  it.each([
    ['plain', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="10" height="10"/></svg>'],
    ['with XML prolog and BOM', '\uFEFF<?xml version="1.0"?>\n<!-- hi -->\n<svg onload="alert(1)" xmlns="http://www.w3.org/2000/svg"/>'],
    ['with a doctype', '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg/>'],
  ])('refuses SVG (%s) as svg_not_allowed', async (_label, svg) => {
    expect(await rejection(processUpload(Buffer.from(svg), limits))).toBe('svg_not_allowed');
  });

  it('refuses empty files, PDFs, TIFFs and text as unsupported_type', async () => {
    const tiff = await twoHalves(20, 20).tiff().toBuffer();
    for (const bytes of [Buffer.alloc(0), Buffer.from('%PDF-1.7\n'), tiff, Buffer.from('hello')]) {
      expect(await rejection(processUpload(bytes, limits))).toBe('unsupported_type');
    }
  });

  it.each([
    [{ x: 500, y: 0, width: 200, height: 200 }],
    [{ x: -1, y: 0, width: 100, height: 100 }],
    [{ x: 0, y: 0, width: 0, height: 10 }],
    [{ x: 0.5, y: 0, width: 100, height: 100 }],
    [{ x: 0, y: 0, width: Number.NaN, height: 100 }],
    [{ x: 0, y: 1e20, width: 100, height: 100 }],
  ])('refuses the crop box %j as bad_crop', async (crop) => {
    expect(await rejection(processUpload(pngBytes, { ...limits, crop }))).toBe('bad_crop');
  });
});
