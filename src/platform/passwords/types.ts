/**
 * Shapes shared by the password module: what a stored password hash looks like, Auth0's
 * `custom_password_hash` object as imported, and the Auth0-style validation issue.
 */

/** Auth0's `custom_password_hash` object, kept exactly as it appeared in the users file. */
export interface CustomPasswordHash {
  algorithm: CustomHashAlgorithm;
  hash: {
    value: string;
    encoding?: 'base64' | 'hex' | 'utf8';
    digest?: HmacDigest;
    key?: { value: string; encoding?: 'base64' | 'hex' | 'utf8' };
  };
  salt?: { value: string; encoding?: 'base64' | 'hex' | 'utf8'; position?: 'prefix' | 'suffix' };
  password?: { encoding?: PasswordEncoding };
  keylen?: number;
  cost?: number;
  blockSize?: number;
  parallelization?: number;
}

export const CUSTOM_HASH_ALGORITHMS = [
  'argon2', 'bcrypt', 'hmac', 'ldap', 'md4', 'md5', 'sha1', 'sha256', 'sha512', 'pbkdf2', 'scrypt',
] as const;
export type CustomHashAlgorithm = (typeof CUSTOM_HASH_ALGORITHMS)[number];

export const HMAC_DIGESTS = [
  'md4', 'md5', 'ripemd160', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'whirlpool',
] as const;
export type HmacDigest = (typeof HMAC_DIGESTS)[number];

export const PASSWORD_ENCODINGS = ['ascii', 'utf8', 'utf16le', 'ucs2', 'latin1', 'binary'] as const;
export type PasswordEncoding = (typeof PASSWORD_ENCODINGS)[number];

export const VALUE_ENCODINGS = ['base64', 'hex', 'utf8'] as const;
export type ValueEncoding = (typeof VALUE_ENCODINGS)[number];

/**
 * A password hash as Portrait stores it. Native hashes are argon2id PHC strings made by
 * `hashPassword`; imported ones keep their original form until the first successful login
 * replaces them with a native hash.
 */
export type StoredPasswordHash =
  | { kind: 'argon2id'; phc: string }
  /** Auth0's `password_hash` field: a bcrypt string (`$2a$`/`$2b$`), stored as-is at import. */
  | { kind: 'bcrypt'; hash: string }
  /** Auth0's `custom_password_hash` object, stored as-is at import. */
  | { kind: 'auth0-custom'; spec: CustomPasswordHash };

export interface VerifyResult {
  ok: boolean;
  /** True when the password matched but the stored form is not the current native argon2id policy. */
  needsRehash: boolean;
}
