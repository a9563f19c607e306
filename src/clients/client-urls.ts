// The URLs a client registers: where the sign-in may send a user back (callbacks), where logout may send
// them (allowed_logout_urls), which browser origins may use web-message and CORS (web_origins,
// allowed_origins), and its logo. Each check returns why a URL is refused, or null when it is fine.
//
// Decisions (Auth0 documents the wildcard but not every edge of it):
// - http and https only, written with `://`; a native app may also register a private-use scheme
//   (`com.example.app://callback`, RFC 8252 §7.1), never javascript:, data:, file: and the like.
// - One `*` is allowed, only as the whole leftmost label of the host, over at least two more labels
//   (`https://*.example.com/cb` yes; `https://*.com`, `https://a*.example.com`, `https://x.*.example.com` no),
//   and never with a private-use scheme or an IP address.
// - No credentials in the URL, no fragment in a redirect target (OAuth 2.0 §3.1.2), no whitespace,
//   control characters or backslashes (which WHATWG parsers read as slashes).
// - web_origins are origins: scheme, host and optional port; a single trailing slash is tolerated.

const WILDCARD_STAND_IN = 'wildcard-label';
const FORBIDDEN_SCHEMES = new Set(['javascript', 'data', 'vbscript', 'file', 'blob', 'about', 'filesystem', 'view-source', 'ws', 'wss', 'ftp']);
const UNSAFE_CHARACTERS = /[\s\\\u0000-\u001f\u007f]/;
const PRIVATE_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

export interface UrlRules {
  /** A private-use scheme is allowed (native apps' redirect targets). */
  customScheme?: boolean;
  /** A `*` leftmost host label is allowed. */
  wildcard?: boolean;
  /** Only an origin: no path (beyond a single `/`), query or fragment. */
  originOnly?: boolean;
  /** A fragment is allowed (CORS origins ignore it; redirect targets must not have one). */
  fragment?: boolean;
}

function isIpAddress(hostname: string): boolean {
  return /^[0-9.]+$/.test(hostname) || hostname.startsWith('[');
}

/** Why `raw` is not acceptable under `rules`, or null. */
export function urlProblem(raw: string, rules: UrlRules = {}): string | null {
  if (raw.length === 0) return 'must not be empty';
  if (UNSAFE_CHARACTERS.test(raw)) return 'must not contain whitespace, control characters or backslashes';

  const scheme = PRIVATE_SCHEME.exec(raw)?.[1]?.toLowerCase();
  if (!scheme) return 'must be an absolute URL (scheme://…)';
  const web = scheme === 'http' || scheme === 'https';
  if (!web) {
    if (!rules.customScheme) return 'must be an http or https URL';
    if (FORBIDDEN_SCHEMES.has(scheme)) return `the ${scheme}: scheme is not allowed`;
    if (raw.includes('*')) return 'a wildcard is not allowed with a custom scheme';
  }

  let candidate = raw;
  const wildcards = raw.split('*').length - 1;
  if (wildcards > 0) {
    if (!rules.wildcard) return 'must not contain a wildcard (*)';
    const prefix = `${scheme}://*.`;
    if (wildcards > 1 || !raw.toLowerCase().startsWith(prefix)) {
      return 'a wildcard is allowed only as the leftmost label of the host, as in https://*.example.com';
    }
    candidate = `${raw.slice(0, prefix.length - 2)}${WILDCARD_STAND_IN}${raw.slice(prefix.length - 1)}`;
  }

  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return 'is not a valid URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (web && !url.hostname) return 'must name a host';
  if (wildcards > 0) {
    const labels = url.hostname.split('.');
    if (isIpAddress(url.hostname) || labels.length < 3) {
      return 'a wildcard must stand over a registrable domain, as in https://*.example.com';
    }
  }
  if (rules.originOnly && !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+\/?$/i.test(raw)) {
    return 'must be an origin (scheme://host[:port]) without path, query or fragment';
  }
  if (!rules.fragment && raw.includes('#')) return 'must not contain a fragment (#)';
  return null;
}

export type UrlListName = 'callbacks' | 'allowed_logout_urls' | 'web_origins' | 'allowed_origins';

/** The rules of each URL list; native apps may name private-use schemes where the platform sends users back. */
export function rulesFor(list: UrlListName, appType: string): UrlRules {
  const native = appType === 'native';
  switch (list) {
    case 'callbacks':
    case 'allowed_logout_urls':
      return { customScheme: native, wildcard: true };
    case 'web_origins':
      return { wildcard: true, originOnly: true };
    case 'allowed_origins':
      return { wildcard: true, fragment: true };
  }
}
