// From what an upstream says about a user to the attributes Portrait stores. OIDC claims map by their standard
// names; OAuth 2.0 profiles map through `profile_map`, Portrait's declarative stand-in for Auth0's
// fetchUserProfile script: each normalized attribute names a dotted path into the profile JSON
// (`"picture": "picture.data.url"`). Every value is checked: an id must be a short string or number, a picture
// an http(s) URL, so an upstream cannot plant a `javascript:` picture or a megabyte name.

export const MAPPABLE_ATTRIBUTES = ['user_id', 'email', 'email_verified', 'name', 'given_name', 'family_name', 'nickname', 'picture'] as const;
export type MappableAttribute = (typeof MAPPABLE_ATTRIBUTES)[number];
export type ProfileMap = Partial<Record<MappableAttribute, string>>;

/** A dotted path of plain segments, at most 6 deep. */
export const PROFILE_PATH_PATTERN = '^[A-Za-z0-9_$-]{1,64}(\\.[A-Za-z0-9_$-]{1,64}){0,5}$';

/** A user as an upstream described them, already checked. */
export interface UpstreamProfile {
  /** The upstream's own id for the user (`sub`, GitHub's numeric id as text, …). */
  upstreamId: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  picture?: string;
  /** Other attributes (locale, …), kept at the root of the profile as Auth0 does. */
  extra: Record<string, unknown>;
}

export class ProfileMappingError extends Error {}

/** Claims that describe the token, not the user. */
const PROTOCOL_CLAIMS = new Set([
  'iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'nonce', 'at_hash', 'c_hash', 's_hash', 'auth_time', 'azp', 'sid', 'acr', 'amr',
  'updated_at', 'is_private_email', 'real_user_status', 'nonce_supported', 'transfer_sub',
]);
/** Root attributes of a profile: an upstream extra may never take their place. */
const ROOT_ATTRIBUTES = new Set([
  'user_id', 'connection', 'email', 'email_verified', 'username', 'phone_number', 'phone_verified', 'name', 'given_name', 'family_name',
  'nickname', 'picture', 'blocked', 'created_at', 'updated_at', 'last_login', 'last_ip', 'logins_count', 'identities', 'user_metadata',
  'app_metadata', 'multifactor', 'blocked_for',
]);
const MAX_TEXT = 300;
const MAX_EXTRA_KEYS = 20;
const MAX_EXTRA_BYTES = 2048;

function readPath(source: unknown, path: string): unknown {
  let value: unknown = source;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, MAX_TEXT) : undefined;

function pictureUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function upstreamId(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^[^\s|]{1,200}$/.test(value)) return value;
  throw new ProfileMappingError('the upstream profile has no usable user id');
}

function emailVerified(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  // Apple sends "true"/"false" as strings.
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

function checked(fields: Record<MappableAttribute, unknown>, extra: Record<string, unknown>): UpstreamProfile {
  const profile: UpstreamProfile = { upstreamId: upstreamId(fields.user_id), extra };
  const email = text(fields.email);
  if (email && /^[^\s@]{1,64}@[^\s@]{1,255}$/.test(email)) profile.email = email;
  const verified = emailVerified(fields.email_verified);
  if (profile.email && verified !== undefined) profile.email_verified = verified;
  for (const key of ['name', 'given_name', 'family_name', 'nickname'] as const) {
    const value = text(fields[key]);
    if (value) profile[key] = value;
  }
  const picture = pictureUrl(fields.picture);
  if (picture) profile.picture = picture;
  return profile;
}

/** Small scalar extras only, so an upstream cannot fill the 10 KB profile. */
function extrasFrom(claims: Record<string, unknown>, taken: Set<string>): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  let bytes = 0;
  for (const [key, value] of Object.entries(claims)) {
    if (taken.has(key) || PROTOCOL_CLAIMS.has(key) || ROOT_ATTRIBUTES.has(key) || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(key)) continue;
    if (!['string', 'number', 'boolean'].includes(typeof value)) continue;
    const size = key.length + String(value).length;
    if (bytes + size > MAX_EXTRA_BYTES || Object.keys(extra).length >= MAX_EXTRA_KEYS) break;
    extra[key] = value;
    bytes += size;
  }
  return extra;
}

/** OIDC: the ID token's claims, completed by /userinfo when the upstream has one (same `sub`, checked by openid-client). */
export function profileFromClaims(claims: Record<string, unknown>): UpstreamProfile {
  const fields = Object.fromEntries(MAPPABLE_ATTRIBUTES.map((a) => [a, a === 'user_id' ? claims.sub : claims[a]])) as Record<MappableAttribute, unknown>;
  fields.nickname ??= claims.preferred_username;
  const taken = new Set<string>([...MAPPABLE_ATTRIBUTES, 'preferred_username']);
  return checked(fields, extrasFrom(claims, taken));
}

/** OAuth 2.0: the profile URL's JSON read through the connection's `profile_map`. */
export function profileFromMap(profile: unknown, map: ProfileMap): UpstreamProfile {
  if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) throw new ProfileMappingError('the profile URL did not answer a JSON object');
  if (!map.user_id) throw new ProfileMappingError('profile_map has no user_id');
  const fields = Object.fromEntries(MAPPABLE_ATTRIBUTES.map((a) => [a, map[a] ? readPath(profile, map[a]) : undefined])) as Record<MappableAttribute, unknown>;
  // Top-level keys used by the map are not repeated as extras.
  const taken = new Set(Object.values(map).map((path) => path.split('.')[0]));
  return checked(fields, extrasFrom(profile as Record<string, unknown>, taken));
}
