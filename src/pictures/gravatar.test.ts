import { describe, expect, it } from 'vitest';
import {
  defaultPicture,
  gravatarHash,
  gravatarUrl,
  initialsAvatarUrl,
  proxiedGravatarUrl,
  type PictureSettings,
} from './gravatar.ts';

const issuer = 'https://id.example.com/';
const on: PictureSettings = { gravatar: 'on', default_url: null };
const off: PictureSettings = { gravatar: 'off', default_url: null };
const proxy: PictureSettings = { gravatar: 'proxy', default_url: null };

describe('gravatarHash and gravatarUrl', () => {
  it('hashes the lower-cased email with MD5, as Auth0 does (reference §2 sample)', () => {
    expect(gravatarHash('admin@admin.com')).toBe('64e1b8d34f425d19e1ee2ea7236d3028');
    expect(gravatarHash('Admin@Admin.COM')).toBe('64e1b8d34f425d19e1ee2ea7236d3028');
    expect(gravatarHash('  admin@admin.com ')).toBe('64e1b8d34f425d19e1ee2ea7236d3028');
  });

  it("builds Auth0's exact URL form, d percent-encoded", () => {
    expect(gravatarUrl('admin@admin.com', 'https://cdn.auth0.com/avatars/ad.png')).toBe(
      'https://s.gravatar.com/avatar/64e1b8d34f425d19e1ee2ea7236d3028?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fad.png',
    );
  });

  it('percent-encodes non-ASCII initials in the avatar path, and again inside d', () => {
    expect(initialsAvatarUrl('https://id.example.com', 'éd')).toBe('https://id.example.com/avatars/%C3%A9d.png');
    expect(gravatarUrl('e@x.io', initialsAvatarUrl(issuer, 'éd'))).toMatch(/&d=https%3A%2F%2Fid\.example\.com%2Favatars%2F%25C3%25A9d\.png$/);
  });
});

describe('defaultPicture', () => {
  const hash = gravatarHash('john@example.com');

  it('keeps the provider picture first', () => {
    const picture = 'https://lh4.googleusercontent.com/photo.jpg';
    expect(defaultPicture({ providerPicture: picture, email: 'john@example.com' }, on, issuer)).toBe(picture);
  });

  it('skips a provider "picture" that is not an http(s) URL', () => {
    expect(defaultPicture({ providerPicture: 'javascript:alert(1)', name: 'John Doe' }, off, issuer)).toBe(
      'https://id.example.com/avatars/jd.png',
    );
  });

  it('gravatar on: Gravatar URL falling back to the initials avatar', () => {
    expect(defaultPicture({ email: 'john@example.com', name: 'John Doe' }, on, issuer)).toBe(
      `https://s.gravatar.com/avatar/${hash}?s=480&r=pg&d=https%3A%2F%2Fid.example.com%2Favatars%2Fjd.png`,
    );
  });

  it('gravatar on: initials from the email when there is no name, as Auth0 (name defaults to the email)', () => {
    expect(defaultPicture({ email: 'fahrbss@gmail.com' }, on, issuer)).toMatch(/d=https%3A%2F%2Fid\.example\.com%2Favatars%2Ffa\.png$/);
  });

  it("gravatar on: the tenant's default_url takes the place of the initials as Gravatar's fallback", () => {
    const settings = { gravatar: 'on', default_url: 'https://cdn.example.com/face.png' } as const;
    expect(defaultPicture({ email: 'john@example.com', name: 'John Doe' }, settings, issuer)).toBe(
      `https://s.gravatar.com/avatar/${hash}?s=480&r=pg&d=https%3A%2F%2Fcdn.example.com%2Fface.png`,
    );
  });

  it('gravatar proxy: a Portrait URL carrying the hash and the initials, never Gravatar itself', () => {
    const picture = defaultPicture({ email: 'john@example.com', name: 'John Doe' }, proxy, issuer);
    expect(picture).toBe(`https://id.example.com/avatars/gravatar/${hash}.png?initials=jd`);
    expect(proxiedGravatarUrl(issuer, 'x@y.z', null)).toMatch(/\/avatars\/gravatar\/[0-9a-f]{32}\.png$/);
  });

  it('gravatar off: the initials avatar, and no email hash anywhere', () => {
    const picture = defaultPicture({ email: 'john@example.com', name: 'John Doe' }, off, issuer);
    expect(picture).toBe('https://id.example.com/avatars/jd.png');
    expect(picture).not.toContain(hash);
  });

  it('gravatar off with default_url: the default_url', () => {
    const settings = { gravatar: 'off', default_url: 'https://cdn.example.com/face.png' } as const;
    expect(defaultPicture({ email: 'john@example.com' }, settings, issuer)).toBe('https://cdn.example.com/face.png');
  });

  it('no email: Gravatar is skipped whatever the setting', () => {
    expect(defaultPicture({ name: 'Jane Roe' }, on, issuer)).toBe('https://id.example.com/avatars/jr.png');
    expect(defaultPicture({ nickname: 'zed' }, proxy, issuer)).toBe('https://id.example.com/avatars/ze.png');
  });

  it('nothing at all (or nothing usable): the generic default avatar, like Auth0', () => {
    expect(defaultPicture({ name: '', nickname: '' }, on, issuer)).toBe('https://id.example.com/avatars/default.png');
    expect(defaultPicture({ name: '😀' }, off, 'https://id.example.com')).toBe('https://id.example.com/avatars/default.png');
  });

  it('an email with a name made only of symbols still gets initials from the email', () => {
    expect(defaultPicture({ email: 'ann@example.com', name: '😀' }, off, issuer)).toBe('https://id.example.com/avatars/an.png');
  });
});
