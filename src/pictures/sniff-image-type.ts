// What an upload really is, from its first bytes. File names and declared content types are never consulted:
// they are whatever the client says. Only the raster formats below go on to the decoder; SVG is singled out
// because it is the one "image" that can carry script.
export type SniffedImageType = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'heic';
export type SniffResult = { type: SniffedImageType } | { rejected: 'svg' | 'unknown' };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx']);

function ascii(bytes: Buffer, start: number, end: number): string {
  return bytes.subarray(start, end).toString('latin1');
}

/** ISO base media file (AVIF, HEIC): an `ftyp` box whose major or compatible brands name the format. */
function sniffIsoBmff(bytes: Buffer): SniffedImageType | null {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return null;
  const boxSize = Math.min(bytes.readUInt32BE(0), bytes.length, 4096);
  const brands = [ascii(bytes, 8, 12)];
  for (let offset = 16; offset + 4 <= boxSize; offset += 4) brands.push(ascii(bytes, offset, offset + 4));
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
  if (brands.some((brand) => HEIC_BRANDS.has(brand))) return 'heic';
  return null;
}

/** Markup, after an optional byte-order mark and blanks: `<svg`, or XML/doctype/comment leading to one. */
function looksLikeSvg(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4096).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (!head.startsWith('<')) return false;
  return /<svg[\s>/]/i.test(head) || /<!DOCTYPE\s+svg/i.test(head);
}

export function sniffImageType(bytes: Buffer): SniffResult {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { type: 'jpeg' };
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return { type: 'png' };
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return { type: 'gif' };
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { type: 'webp' };
  const iso = sniffIsoBmff(bytes);
  if (iso) return { type: iso };
  if (looksLikeSvg(bytes)) return { rejected: 'svg' };
  return { rejected: 'unknown' };
}
