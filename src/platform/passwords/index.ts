/** Password hashing for Portrait: argon2id for new passwords, verifiers for every imported form. */
export { hashPassword, ARGON2ID_POLICY } from './native-argon2id.ts';
export { verifyPassword, passwordVerificationCount } from './verify-password.ts';
export { validateCustomPasswordHash } from './custom-hash-schema.ts';
export { BCRYPT_HASH } from './algorithms/bcrypt.ts';
export type {
  CustomPasswordHash, CustomHashAlgorithm, HmacDigest, PasswordEncoding, StoredPasswordHash, VerifyResult,
} from './types.ts';
export type { ValidationIssue } from './validation-issue.ts';
