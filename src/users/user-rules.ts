// Auth0's rules for the values of a profile (reference §1.1, §3.3, §4), checked by the store so that every
// caller (Management API, sign-up, import) meets the same rules. Each failure is a 400 in Auth0's wording.
import type { Connection } from '../connections/connections-store.ts';
import { ApiError } from '../platform/errors.ts';
import { badFormat, badPattern, tooLong, tooShort, validationError } from './validation-messages.ts';

/** Length limits of the OAS create/update schemas (name and nickname: 300 there; the docs say less). */
export const ROOT_LENGTHS = {
  name: { min: 1, max: 300 },
  given_name: { min: 1, max: 150 },
  family_name: { min: 1, max: 150 },
  nickname: { min: 1, max: 300 },
} as const;

// Local part: printable characters other than space and the few RFC 5322 specials nobody uses unquoted;
// domain: dot-separated labels of letters, digits (any script) and inner hyphens, ending in a 2+ letter TLD.
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u;

export function checkEmail(email: string, property = 'email'): void {
  const at = email.lastIndexOf('@');
  if (at > 64) throw validationError(`${tooLong(email.slice(0, at), 64)} (local part)`, property);
  if (email.length > 254) throw validationError(tooLong(email, 254), property);
  if (!EMAIL.test(email)) throw validationError(badFormat('email', email), property);
}

export const PHONE_PATTERN = '^\\+[0-9]{1,15}$';
export function checkPhone(phone: string): void {
  if (!new RegExp(PHONE_PATTERN).test(phone)) throw validationError(badPattern(PHONE_PATTERN, phone), 'phone_number');
}

export function checkLength(property: keyof typeof ROOT_LENGTHS, value: string): void {
  const { min, max } = ROOT_LENGTHS[property];
  const length = [...value].length;
  if (length < min) throw validationError(tooShort(value, min), property);
  if (length > max) throw validationError(tooLong(value, max), property);
}

/** OAS `strict-uri`: an absolute http(s) URL, nothing a browser would run (javascript:, data:). */
export function checkPicture(picture: string): void {
  if (picture.length > 2048) throw validationError(tooLong(picture, 2048), 'picture');
  let url: URL | null = null;
  try {
    url = new URL(picture);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw validationError(badFormat('strict-uri', picture), 'picture');
  }
}

/** §1.1: letters, digits and `@ ^ $ ! - # . + ' ~ _` and backquote; `@` is allowed but an email is not. */
export const USERNAME_PATTERN = "^[a-zA-Z0-9_+\\-.!#$^`~@']*$";

export function usernameLimits(connection: Connection): { min: number; max: number } {
  const limits = (connection.options.validation as { username?: { min?: number; max?: number } } | undefined)?.username;
  return { min: limits?.min ?? 1, max: limits?.max ?? 15 };
}

export function checkUsername(username: string, connection: Connection): void {
  const { min, max } = usernameLimits(connection);
  if (username.length < min) throw validationError(tooShort(username, min), 'username');
  if (username.length > max) throw validationError(tooLong(username, max), 'username');
  if (!new RegExp(USERNAME_PATTERN).test(username)) throw validationError(badPattern(USERNAME_PATTERN, username), 'username');
  if (EMAIL.test(username)) throw validationError(`The username cannot be an email address: ${username}`, 'username');
}

export function requiresUsername(connection: Connection): boolean {
  return connection.options.requires_username === true;
}

export function assertUsernameAllowed(connection: Connection): void {
  if (!requiresUsername(connection)) throw new ApiError('bad_request', 'Cannot set username for connection without requires_username.');
}

/** §1.4: the combinations Auth0 refuses in one PATCH, checked in its order, with its messages. */
export function checkPatchCombinations(patch: { email?: unknown; email_verified?: unknown; password?: unknown; username?: unknown }): void {
  const has = (k: keyof typeof patch) => patch[k] !== undefined;
  const refuse = (message: string) => {
    throw new ApiError('bad_request', message);
  };
  if (has('password') && has('email')) refuse('Cannot update password and email simultaneously.');
  if (has('password') && has('email_verified')) refuse('Cannot update password and email_verified simultaneously.');
  if (has('username') && has('email')) refuse('Cannot update username and email simultaneously.');
  if (has('username') && has('email_verified')) refuse('Cannot update username and email_verified simultaneously.');
  if (has('username') && has('password')) refuse('Cannot update username and password simultaneously.');
}
