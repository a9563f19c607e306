import { timingSafeEqual } from 'node:crypto';
import type { CustomPasswordHash, PasswordEncoding, ValueEncoding } from './types.ts';

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
// Standard and URL-safe alphabets, padding optional: Auth0 accepts "url-encoded base64" too.
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Whether `value` is well-formed in `encoding` (Buffer.from silently skips bad characters). */
export function isWellFormed(value: string, encoding: ValueEncoding): boolean {
  if (encoding === 'hex') return HEX.test(value);
  if (encoding === 'base64') return BASE64.test(value) && value.replace(/=+$/, '').length % 4 !== 1;
  return true;
}

/** Decodes a hash, salt or key value; Node's base64 decoder accepts both alphabets. */
export function decodeValue(value: string, encoding: ValueEncoding = 'utf8'): Buffer {
  return Buffer.from(value, encoding === 'utf8' ? 'utf8' : encoding);
}

/**
 * The bytes the original system hashed. Auth0: the login password (UTF-8 text) is transcoded to
 * `password.encoding` before hashing, e.g. ucs2 for hashes made from UTF-16 strings.
 */
export function passwordBytes(plain: string, encoding: PasswordEncoding = 'utf8'): Buffer {
  return Buffer.from(plain, encoding);
}

/** Password bytes with the spec's salt (if any) placed before or after them. */
export function saltedPassword(plain: string, spec: CustomPasswordHash): Buffer {
  const pw = passwordBytes(plain, spec.password?.encoding);
  if (!spec.salt) return pw;
  const salt = decodeValue(spec.salt.value, spec.salt.encoding);
  return spec.salt.position === 'suffix' ? Buffer.concat([pw, salt]) : Buffer.concat([salt, pw]);
}

/** Constant-time comparison; a length mismatch is answered without comparing contents. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}
