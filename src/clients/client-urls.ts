// The URLs a client registers: where the sign-in may send a user back (callbacks), where logout may send
// them (allowed_logout_urls), which browser origins may use web-message and CORS (web_origins,
// allowed_origins), and its logo. Each check returns why a URL is refused, or null when it is fine.
//
// Decisions (Auth0 documents the wildcard but not every edge of it):
// - http and https only, written with `://`; a native app may also register a private-use scheme
//   (`com.example.app://callback`, RFC 8252 §7.1), never javascript:, data:, file: and the like.
// - Auth0's subdomain wildcard (docs: "Subdomain URL placeholders"): one `*`, in the leftmost label of the host,
//   which may add other hostname characters around it (`https://*.example.com/cb`, `https://pr-*-app.example.com`);
//   what follows that label must hold a registrable domain, not a public suffix (`https://*.com`,
//   `https://*.co.uk`, `https://*.github.io` no: anyone can register a name there); never with a private-use
//   scheme or an IP address. At sign-in `*` stands for exactly one label (`https://*.example.com` does not match
//   `https://a.b.example.com`); scheme, port, path and query must match exactly (wildcardUrlMatches).
// - No credentials in the URL, no fragment in a redirect target (OAuth 2.0 §3.1.2), no whitespace,
//   control characters or backslashes (which WHATWG parsers read as slashes).
// - web_origins are origins: scheme, host and optional port; a single trailing slash is tolerated.

import { getDomain } from 'tldts';

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

/** scheme://, then the leftmost label holding the `*` (with hostname characters around it), then a dot. */
const LEFTMOST_LABEL_WILDCARD = /^[a-z][a-z0-9+.-]*:\/\/[a-z0-9-]*\*[a-z0-9-]*\./i;

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
    if (wildcards > 1 || !LEFTMOST_LABEL_WILDCARD.test(raw)) {
      return 'a wildcard is allowed only in the leftmost label of the host, as in https://*.example.com';
    }
    candidate = raw.replace('*', WILDCARD_STAND_IN);
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
    const below = url.hostname.slice(url.hostname.indexOf('.') + 1);
    if (isIpAddress(url.hostname) || getDomain(below, { allowPrivateDomains: true }) === null) {
      return 'a wildcard must stand over a registrable domain, not a public suffix, as in https://*.example.com';
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

/**
 * Whether `candidate` (a redirect_uri a client sent) is one of the URLs `pattern` (a registered URL with a
 * wildcard, checked by urlProblem) stands for: the `*` replaced by one or more hostname characters of exactly one
 * label, everything else equal.
 */
export function wildcardUrlMatches(pattern: string, candidate: string): boolean {
  if (UNSAFE_CHARACTERS.test(candidate) || candidate.includes('*')) return false;
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([a-z0-9-]*)\*([a-z0-9-]*)(\..*)$/i.exec(pattern);
  const wanted = match ? URL.parse(`${match[1]}${WILDCARD_STAND_IN}${match[4]}`) : null;
  const got = URL.parse(candidate);
  if (!match || !wanted || !got || got.username || got.password || got.hash) return false;
  if (got.protocol !== wanted.protocol || got.port !== wanted.port || got.pathname !== wanted.pathname || got.search !== wanted.search) return false;
  const dot = got.hostname.indexOf('.');
  const label = got.hostname.slice(0, dot);
  const [prefix, suffix] = [match[2].toLowerCase(), match[3].toLowerCase()];
  return (
    dot > 0 &&
    got.hostname.slice(dot) === wanted.hostname.slice(wanted.hostname.indexOf('.')) &&
    /^[a-z0-9-]+$/.test(label) &&
    label.length > prefix.length + suffix.length &&
    label.startsWith(prefix) &&
    label.endsWith(suffix)
  );
}
