/** bcrypt hashes: Auth0's `password_hash` field and the `bcrypt` custom algorithm (with optional salt). */
import { verify } from '@node-rs/bcrypt';
import { saltedPassword } from '../encodings.ts';
import { issue, joinPath } from '../validation-issue.ts';
import { checkSaltEncoding, requireUtf8Hash, type CustomHashAlgorithmImpl } from './rules.ts';

/** `$2a$`, `$2b$` or `$2y$`, a two-digit cost 04–31, 22 salt and 31 hash characters of bcrypt base64. */
export const BCRYPT_HASH = /^\$2[aby]\$(?:0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

export const bcrypt: CustomHashAlgorithmImpl = {
  validate(spec, path, out) {
    requireUtf8Hash(spec, path, out);
    checkSaltEncoding(spec, path, out);
    if (!BCRYPT_HASH.test(spec.hash.value)) {
      out.push(issue('PATTERN', joinPath(path, 'hash.value'),
        'bcrypt hash.value must start with $2a$, $2b$ or $2y$ followed by a cost 04-31 and 53 characters of salt and hash'));
    }
  },
  // The salt, when given, is part of the 72 bytes bcrypt reads, exactly as the original system did.
  verify: (plain, spec) => verifyBcrypt(saltedPassword(plain, spec), spec.hash.value),
};

/** Verifies bytes against a bcrypt string; malformed hashes answer false rather than throwing. */
export async function verifyBcrypt(password: Uint8Array | string, hash: string): Promise<boolean> {
  try {
    return await verify(password, hash);
  } catch {
    return false;
  }
}
