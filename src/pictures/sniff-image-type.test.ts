import { describe, expect, it } from 'vitest';
import { sniffImageType } from './sniff-image-type.ts';
import { PictureRejectedError, processUpload } from './upload-pipeline.ts';

function ftyp(major: string, ...compatible: string[]): Buffer {
  const brands = Buffer.from([major, '\0\0\0\0', ...compatible].join(''), 'latin1');
  const box = Buffer.alloc(8 + brands.length);
  box.writeUInt32BE(box.length, 0);
  box.write('ftyp', 4, 'latin1');
  brands.copy(box, 8);
  return Buffer.concat([box, Buffer.alloc(64)]);
}

describe('sniffImageType', () => {
  it.each([
    [Buffer.from([0xff, 0xd8, 0xff, 0xe1]), 'jpeg'],
    [Buffer.from('\x89PNG\r\n\x1a\n....', 'latin1'), 'png'],
    [Buffer.from('GIF89a....'), 'gif'],
    [Buffer.from('GIF87a....'), 'gif'],
    [Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 'webp'],
    [ftyp('avif', 'mif1'), 'avif'],
    [ftyp('mif1', 'avif', 'miaf'), 'avif'],
    [ftyp('heic', 'mif1'), 'heic'],
    [ftyp('mif1', 'heic'), 'heic'],
  ])('recognises %s as %s', (bytes, type) => {
    expect(sniffImageType(bytes)).toEqual({ type });
  });

  it.each([
    [ftyp('isom', 'mp42')], // an MP4 video
    [Buffer.from('RIFF\0\0\0\0WAVEfmt ')],
    [Buffer.from('<html><svg></svg></html>')], // SVG inside HTML is still markup: refused as SVG
    [Buffer.from('BM')],
    [Buffer.from([0x1f, 0x8b, 0x08])], // gzip (svgz)
  ])('does not accept %s', (bytes) => {
    expect(sniffImageType(bytes)).not.toHaveProperty('type');
  });
});

describe('HEIC', () => {
  it('is refused as unsupported_type when this build of libvips cannot decode it', async () => {
    const error = await processUpload(ftyp('heic', 'mif1'), { maxBytes: 1e6, maxPixels: 1e6 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PictureRejectedError);
    expect((error as PictureRejectedError).code).toBe('unsupported_type');
  });
});
