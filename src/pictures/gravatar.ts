// The default `picture` of a profile, and the Gravatar URLs in it.
//
// Auth0 (reference §2) gives database users
//   https://s.gravatar.com/avatar/{md5(lower(email))}?s=480&r=pg&d={encodeURIComponent(initials avatar URL)}
// with the initials avatar on its CDN; Portrait serves that avatar itself at <issuer>avatars/{xx}.png, so the
// URL differs only in the `d` target. Apps that parse or compare these URLs keep working.
//
// Tenants may turn Gravatar off (no request ever reaches Gravatar, and no email hash is published) or ask
// Portrait to proxy it (the browser talks only to Portrait, so Automattic never sees end users' IP addresses).
import { createHash } from 'node:crypto';
import { initialsFor } from './initials.ts';

export type GravatarMode = 'on' | 'off' | 'proxy';

export interface PictureSettings {
  gravatar: GravatarMode;
  /** The tenant's own default picture, tried after Gravatar and before the initials avatar. */
  default_url: string | null;
}

export interface PictureSources {
  providerPicture?: string | null;
  email?: string | null;
  name?: string | null;
  nickname?: string | null;
}

/**
 * MD5 hex of the trimmed, lower-cased email. §2 says lower-case; Gravatar's own rule also trims. Auth0 stores
 * emails without surrounding blanks, so trimming changes no Auth0-compatible result and saves a miss when an
 * import carries stray spaces.
 */
export function gravatarHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase(), 'utf8').digest('hex');
}

/** Exactly Auth0's form: host s.gravatar.com, then s, r and d in that order, d percent-encoded (`:`→%3A, `/`→%2F). */
export function gravatarUrl(email: string, fallbackUrl: string): string {
  return `https://s.gravatar.com/avatar/${gravatarHash(email)}?s=480&r=pg&d=${encodeURIComponent(fallbackUrl)}`;
}

/** The issuer with exactly one trailing '/', as Auth0 writes it (https://tenant.example.com/). */
export function issuerBase(issuer: string): string {
  return issuer.endsWith('/') ? issuer : `${issuer}/`;
}

/** `<issuer>avatars/{initials}.png`; non-ASCII initials are percent-encoded as a path segment. */
export function initialsAvatarUrl(issuer: string, initials: string): string {
  return `${issuerBase(issuer)}avatars/${encodeURIComponent(initials)}.png`;
}

/** The generic avatar for profiles with nothing to draw initials from (Auth0: cdn.auth0.com/avatars/default.png). */
export function defaultAvatarUrl(issuer: string): string {
  return `${issuerBase(issuer)}avatars/default.png`;
}

/**
 * Portrait's proxied Gravatar: `<issuer>avatars/gravatar/{md5}.png`, plus `?initials={xx}` when the profile has
 * initials. The route fetches `https://s.gravatar.com/avatar/{md5}?s=480&r=pg&d=404` server-side; on a miss it
 * continues the chain with the tenant's settings *at serve time* (default_url, then the initials named in the
 * query after validating them, then the generic avatar). The fallback is not put in the URL as a full address,
 * so the proxy can never be made to redirect to or fetch an arbitrary URL. The hash is the same one a plain
 * Gravatar URL would publish; tenants who want no hash in profiles choose 'off'.
 */
export function proxiedGravatarUrl(issuer: string, email: string, initials: string | null): string {
  const query = initials ? `?initials=${encodeURIComponent(initials)}` : '';
  return `${issuerBase(issuer)}avatars/gravatar/${gravatarHash(email)}.png${query}`;
}

/**
 * Only absolute http(s) URLs are used as pictures; anything else a provider or a setting holds
 * (javascript:, data:, relative paths) is skipped as if absent.
 */
export function isHttpUrl(value: string | null | undefined): value is string {
  if (!value) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function present(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/**
 * The `picture` a profile gets when nobody set one, first match wins:
 *  1. the identity provider's picture (social and enterprise users);
 *  2. Gravatar, when the profile has an email and the tenant has not turned it off:
 *     'on' → Auth0's Gravatar URL, whose `d` is the rest of this chain (default_url, else initials, else the
 *     generic avatar), so a Gravatar miss lands where step 3–5 would have;
 *     'proxy' → Portrait's own proxied URL (see proxiedGravatarUrl);
 *  3. the tenant's default_url;
 *  4. the initials avatar, from `name`, else the email (Auth0's name defaults to the email), else `nickname`;
 *  5. the generic `<issuer>avatars/default.png` (Auth0 gives cdn.auth0.com/avatars/default.png to profiles
 *     with no email and no name).
 */
export function defaultPicture(sources: PictureSources, settings: PictureSettings, issuer: string): string {
  const providerPicture = present(sources.providerPicture);
  if (isHttpUrl(providerPicture)) return providerPicture;

  const email = present(sources.email);
  let initials: string | null = null;
  for (const source of [sources.name, email, sources.nickname]) {
    const text = present(source);
    if (text && (initials = initialsFor(text))) break;
  }
  const defaultUrl = present(settings.default_url);
  const fallback = isHttpUrl(defaultUrl)
    ? defaultUrl
    : initials
      ? initialsAvatarUrl(issuer, initials)
      : defaultAvatarUrl(issuer);

  if (email && settings.gravatar === 'on') return gravatarUrl(email, fallback);
  if (email && settings.gravatar === 'proxy') return proxiedGravatarUrl(issuer, email, initials);
  return fallback;
}
