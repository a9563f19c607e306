/** Checks several algorithms share: which hash encodings they take, whether a salt is allowed. */
import { isWellFormed, decodeValue } from '../encodings.ts';
import type { CustomPasswordHash, ValueEncoding } from '../types.ts';
import { issue, joinPath, missingProperty, type ValidationIssue } from '../validation-issue.ts';

/** What each algorithm module provides; `validate` runs after the structural checks passed. */
export interface CustomHashAlgorithmImpl {
  validate(spec: CustomPasswordHash, path: string, out: ValidationIssue[]): void;
  verify(plain: string, spec: CustomPasswordHash): Promise<boolean>;
}

/** Text-format hashes (argon2, bcrypt, ldap, pbkdf2): `hash.encoding` may only be utf8. */
export function requireUtf8Hash(spec: CustomPasswordHash, path: string, out: ValidationIssue[]): void {
  const enc = spec.hash.encoding;
  if (enc !== undefined && enc !== 'utf8') {
    out.push(issue('ENUM_MISMATCH', joinPath(path, 'hash.encoding'),
      `No enum match for: "${enc}" (${spec.algorithm} hashes must use utf8)`));
  }
}

/**
 * Binary digests (hmac, md*, sha*, scrypt): `hash.encoding` must say hex or base64, and the
 * value must decode to `expectedBytes` (when known) or it could never match.
 */
export function requireBinaryHash(
  spec: CustomPasswordHash, path: string, out: ValidationIssue[], expectedBytes?: number,
): void {
  const enc = spec.hash.encoding;
  const encPath = joinPath(path, 'hash.encoding');
  if (enc === undefined) {
    out.push(missingProperty(encPath));
    return;
  }
  if (enc !== 'hex' && enc !== 'base64') {
    out.push(issue('ENUM_MISMATCH', encPath, `No enum match for: "${enc}" (${spec.algorithm} hashes must use hex or base64)`));
    return;
  }
  const valuePath = joinPath(path, 'hash.value');
  if (!isWellFormed(spec.hash.value, enc)) {
    out.push(issue('FORMAT', valuePath, `Object didn't pass validation for format ${enc}: ${spec.hash.value}`));
    return;
  }
  const got = decodeValue(spec.hash.value, enc).length;
  if (expectedBytes !== undefined && got !== expectedBytes) {
    out.push(issue('FORMAT', valuePath,
      `A ${spec.hash.digest ?? spec.algorithm} hash is ${expectedBytes} bytes but hash.value decodes to ${got}`));
  } else if (got === 0) {
    out.push(issue('MIN_LENGTH', valuePath, 'String is too short (0 chars), minimum 1'));
  }
}

/** argon2, ldap and pbkdf2 carry their salt inside the hash string. */
export function forbidSaltObject(spec: CustomPasswordHash, path: string, out: ValidationIssue[]): void {
  if (spec.salt !== undefined) {
    out.push(issue('NOT_PASSED', joinPath(path, 'salt'),
      `salt is not allowed with ${spec.algorithm}: the salt is part of hash.value`));
  }
}

/** The salt's value must be well-formed in its declared encoding. */
export function checkSaltEncoding(spec: CustomPasswordHash, path: string, out: ValidationIssue[]): void {
  const salt = spec.salt;
  if (salt && !isWellFormed(salt.value, salt.encoding ?? 'utf8')) {
    out.push(issue('FORMAT', joinPath(path, 'salt.value'),
      `Object didn't pass validation for format ${salt.encoding as ValueEncoding}: ${salt.value}`));
  }
}

/**
 * The validation of a hash whose `hash.value` carries everything (scheme, parameters, salt): UTF-8, no salt
 * object, and a value that `parse` accepts (it answers the reason as a string when it does not).
 */
export function validateSelfDescribingHash(parse: (value: string) => unknown): CustomHashAlgorithmImpl['validate'] {
  return (spec, path, out) => {
    requireUtf8Hash(spec, path, out);
    forbidSaltObject(spec, path, out);
    const parsed = parse(spec.hash.value);
    if (typeof parsed === 'string') out.push(issue('PATTERN', joinPath(path, 'hash.value'), parsed));
  };
}
