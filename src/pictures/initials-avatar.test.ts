import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AVATAR_PALETTE,
  avatarImage,
  backgroundFor,
  clearAvatarCache,
  renderDefaultAvatarPng,
  renderInitialsPng,
  renderInitialsSvg,
  strongEtag,
} from './initials-avatar.ts';

function relativeLuminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Which pixels are (near) white: the glyphs. */
async function glyphMask(png: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const mask = Buffer.alloc(info.width * info.height);
  for (let i = 0; i < mask.length; i++) mask[i] = data[i * 3] > 200 && data[i * 3 + 1] > 200 && data[i * 3 + 2] > 200 ? 1 : 0;
  return mask;
}

beforeEach(() => clearAvatarCache());

describe('palette', () => {
  it('has 16 distinct colours, each with at least 4.5:1 contrast against white', () => {
    expect(new Set(AVATAR_PALETTE).size).toBe(16);
    for (const colour of AVATAR_PALETTE) {
      const contrast = 1.05 / (relativeLuminance(colour) + 0.05);
      expect(contrast, colour).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('chooses the colour deterministically and spreads initials over the palette', () => {
    expect(backgroundFor('jd')).toBe(backgroundFor('jd'));
    const used = new Set<string>();
    for (const a of 'abcdefghijklmnopqrstuvwxyz') for (const b of 'aeiou') used.add(backgroundFor(a + b));
    expect(used.size).toBeGreaterThanOrEqual(14);
  });
});

describe('renderInitialsSvg', () => {
  it('draws the initials in upper case on the chosen colour', () => {
    const svg = renderInitialsSvg('jd', 128);
    expect(svg).toContain('width="128"');
    expect(svg).toContain(`fill="${backgroundFor('jd')}"`);
    expect(svg).toMatch(/>JD<\/text>/);
    expect(svg).not.toMatch(/<script|on\w+=/i);
  });

  it('refuses anything that is not valid initials, so no markup can get in', () => {
    expect(() => renderInitialsSvg('<s', 64)).toThrow(RangeError);
    expect(() => renderInitialsSvg('&', 64)).toThrow(RangeError);
    expect(() => renderInitialsSvg('JD', 64)).toThrow(RangeError);
  });

  it.each([0, 15, 1025, 64.5, Number.NaN])('refuses size %s', (size) => {
    expect(() => renderInitialsSvg('jd', size)).toThrow(RangeError);
  });
});

describe('renderInitialsPng', () => {
  it.each([16, 64, 480, 1024])('renders a %i px square PNG', async (size) => {
    const meta = await sharp(await renderInitialsPng('jd', size)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', size, size]);
  });

  it('renders real glyphs from the system font, not empty boxes', async () => {
    // With no font, every character becomes the same box, so different letters would give the same mask.
    const [ab, ac, i, w] = await Promise.all(['ab', 'ac', 'i', 'w'].map(async (s) => glyphMask(await renderInitialsPng(s, 128))));
    const count = (mask: Buffer) => mask.reduce((n, v) => n + v, 0);
    expect(count(ab)).toBeGreaterThan(200);
    expect(ab.equals(ac)).toBe(false);
    expect(count(w)).toBeGreaterThan(count(i) * 1.5);
  });

  it('renders non-ASCII initials', async () => {
    const png = await renderInitialsPng('éd', 64);
    expect((await sharp(png).metadata()).width).toBe(64);
  });

  it('renders the generic default avatar', async () => {
    const meta = await sharp(await renderDefaultAvatarPng(128)).metadata();
    expect([meta.format, meta.width]).toEqual(['png', 128]);
  });
});

describe('avatarImage (cached)', () => {
  it('returns the same bytes and strong ETag for the same request, from the cache', async () => {
    const first = await avatarImage('jd', 64, 'png');
    const again = await avatarImage('jd', 64, 'png');
    expect(again).toBe(first);
    expect(first.contentType).toBe('image/png');
    expect(first.etag).toBe(strongEtag(first.body));
    expect(first.etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
  });

  it('keys the cache by initials, size and format', async () => {
    const png = await avatarImage('jd', 64, 'png');
    const svg = await avatarImage('jd', 64, 'svg');
    const bigger = await avatarImage('jd', 65, 'png');
    const other = await avatarImage('jo', 64, 'png');
    expect(svg.contentType).toBe('image/svg+xml');
    expect(new Set([png.etag, svg.etag, bigger.etag, other.etag]).size).toBe(4);
    expect((await avatarImage(null, 64, 'png')).contentType).toBe('image/png');
  });

  it('rejects bad initials and sizes', async () => {
    await expect(avatarImage('JD', 64, 'png')).rejects.toThrow(RangeError);
    await expect(avatarImage('jd', 4096, 'png')).rejects.toThrow(RangeError);
  });
});

