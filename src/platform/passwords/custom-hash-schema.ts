/**
 * Validation of Auth0's `custom_password_hash` object: first the JSON schema Auth0 publishes
 * (types, enums, required properties), then each algorithm's own rules (bcrypt prefixes, hmac
 * key, encodings, PHC strings…), so a spec that passes can be verified at login.
 */
import { argon2 } from './algorithms/argon2.ts';
import { bcrypt } from './algorithms/bcrypt.ts';
import { hmac } from './algorithms/hmac.ts';
import { ldap } from './algorithms/ldap.ts';
import { md4, md5, sha1, sha256, sha512 } from './algorithms/plain-digest.ts';
import { pbkdf2 } from './algorithms/pbkdf2.ts';
import type { CustomHashAlgorithmImpl } from './algorithms/rules.ts';
import { scrypt } from './algorithms/scrypt.ts';
import {
  CUSTOM_HASH_ALGORITHMS, HMAC_DIGESTS, PASSWORD_ENCODINGS, VALUE_ENCODINGS,
  type CustomHashAlgorithm, type CustomPasswordHash,
} from './types.ts';
import {
  checkEnum, checkNoExtraKeys, checkType, invalidType, isPlainObject, joinPath, missingProperty,
  type ValidationIssue,
} from './validation-issue.ts';

export const ALGORITHMS: Record<CustomHashAlgorithm, CustomHashAlgorithmImpl> = {
  argon2, bcrypt, hmac, ldap, md4, md5, sha1, sha256, sha512, pbkdf2, scrypt,
};

const SPEC_KEYS = new Set(['algorithm', 'hash', 'salt', 'password', 'keylen', 'cost', 'blockSize', 'parallelization']);
const KEY_KEYS = new Set(['value', 'encoding']);

/**
 * Issues for a `custom_password_hash` value, with paths under `path` (default
 * `custom_password_hash`). An empty array means `verifyPassword` can check passwords against it.
 */
export function validateCustomPasswordHash(spec: unknown, path = 'custom_password_hash'): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  if (!isPlainObject(spec)) return [invalidType(path, 'object', spec)];
  checkNoExtraKeys(spec, SPEC_KEYS, path, out);
  if (spec.algorithm === undefined) out.push(missingProperty(joinPath(path, 'algorithm')));
  const algorithm = checkEnum(spec, 'algorithm', CUSTOM_HASH_ALGORITHMS, path, out);
  if (spec.hash === undefined) out.push(missingProperty(joinPath(path, 'hash')));
  else if (checkType(spec, 'hash', 'object', path, out)) checkHashObject(spec.hash as Record<string, unknown>, joinPath(path, 'hash'), out);
  if (checkType(spec, 'salt', 'object', path, out)) checkSaltObject(spec.salt as Record<string, unknown>, joinPath(path, 'salt'), out);
  if (checkType(spec, 'password', 'object', path, out)) {
    checkEnum(spec.password as Record<string, unknown>, 'encoding', PASSWORD_ENCODINGS, joinPath(path, 'password'), out);
  }
  for (const key of ['keylen', 'cost', 'blockSize', 'parallelization']) checkType(spec, key, 'integer', path, out);
  // Algorithm rules read the fields above, so they run only on a structurally valid spec.
  if (out.length === 0 && algorithm) ALGORITHMS[algorithm].validate(spec as unknown as CustomPasswordHash, path, out);
  return out;
}

function checkHashObject(hash: Record<string, unknown>, path: string, out: ValidationIssue[]): void {
  // Auth0's schema leaves `hash.value` optional, but no algorithm can work without it.
  if (hash.value === undefined) out.push(missingProperty(joinPath(path, 'value')));
  checkType(hash, 'value', 'string', path, out);
  checkEnum(hash, 'encoding', VALUE_ENCODINGS, path, out);
  checkEnum(hash, 'digest', HMAC_DIGESTS, path, out);
  if (checkType(hash, 'key', 'object', path, out)) {
    const key = hash.key as Record<string, unknown>;
    const keyPath = joinPath(path, 'key');
    checkNoExtraKeys(key, KEY_KEYS, keyPath, out);
    if (key.value === undefined) out.push(missingProperty(joinPath(keyPath, 'value')));
    checkType(key, 'value', 'string', keyPath, out);
    checkEnum(key, 'encoding', VALUE_ENCODINGS, keyPath, out);
  }
}

function checkSaltObject(salt: Record<string, unknown>, path: string, out: ValidationIssue[]): void {
  if (salt.value === undefined) out.push(missingProperty(joinPath(path, 'value')));
  checkType(salt, 'value', 'string', path, out);
  checkEnum(salt, 'encoding', VALUE_ENCODINGS, path, out);
  checkEnum(salt, 'position', ['prefix', 'suffix'] as const, path, out);
}
