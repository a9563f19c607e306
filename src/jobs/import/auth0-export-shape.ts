/**
 * Turns a line of an Auth0 (or Portrait) users export back into a users-file user, so an export
 * can be re-imported as NDJSON:
 * - `user_id` loses its `auth0|` prefix (Auth0 adds the connection prefix at import; keeping it
 *   would give `auth0|auth0|…`). Other prefixes (`google-oauth2|…`) are kept: those users did not
 *   come from a database connection, and the id stays recognisable.
 * - The columns of Auth0's default export (`Id`, `Given Name`, `Family Name`, `Nickname`, `Name`,
 *   `Email`, `Email Verified`, `Picture`, used when the export job named no `fields`) are renamed
 *   to the schema's names; `Connection`, `Created At`, `Updated At` are dropped.
 * - Attributes an export carries but an import cannot set (created_at, identities, logins_count, …)
 *   are dropped instead of failing `additionalProperties`.
 * Anything else is left for `validateImportUser` to judge.
 */
// A Map, not an object literal: a key such as "__proto__" or "constructor" must not hit Object.prototype.
const RENAMED = new Map<string, string>([
  ['Id', 'user_id'], ['Given Name', 'given_name'], ['Family Name', 'family_name'], ['Nickname', 'nickname'],
  ['Name', 'name'], ['Email', 'email'], ['Email Verified', 'email_verified'], ['Picture', 'picture'],
]);

const EXPORT_ONLY = new Set([
  'Connection', 'Created At', 'Updated At',
  'created_at', 'updated_at', 'last_login', 'last_ip', 'logins_count', 'identities', 'multifactor',
  'multifactor_last_modified', 'last_password_reset', 'password_set_date', 'blocked_for',
  'guardian_authenticators', 'tenant', 'connection',
]);

const BOOLEAN_FIELDS = new Set(['email_verified', 'phone_verified', 'blocked']);
const PREFIX = 'auth0|';

/** Returns `exported` itself when nothing needs changing (the common case), else a normalized copy. */
export function fromAuth0Export(exported: unknown): unknown {
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) return exported;
  const src = exported as Record<string, unknown>;
  if (!needsChange(src)) return exported;
  const out: Record<string, unknown> = {};
  for (const key in src) {
    if (EXPORT_ONLY.has(key)) continue;
    const name = RENAMED.get(key) ?? key;
    if (name !== key && src[name] !== undefined) continue; // the schema's own name wins
    let value = src[key];
    if (name === 'user_id' && typeof value === 'string' && value.startsWith(PREFIX)) value = value.slice(PREFIX.length);
    // CSV-minded exporters write booleans as text.
    if (BOOLEAN_FIELDS.has(name) && (value === 'true' || value === 'false')) value = value === 'true';
    // A "__proto__" key must stay an own property (as JSON.parse made it) so the schema refuses it.
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function needsChange(src: Record<string, unknown>): boolean {
  for (const key in src) {
    if (EXPORT_ONLY.has(key) || RENAMED.has(key)) return true;
    if (BOOLEAN_FIELDS.has(key) && typeof src[key] === 'string') return true;
  }
  const id = src.user_id;
  return typeof id === 'string' && id.startsWith(PREFIX);
}
