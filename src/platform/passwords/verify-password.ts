/** Checks a login password against any stored form: native argon2id, imported bcrypt, Auth0 custom hashes. */
import { ALGORITHMS } from './custom-hash-schema.ts';
import { verifyBcrypt } from './algorithms/bcrypt.ts';
import { verifyNativeArgon2id } from './native-argon2id.ts';
import type { StoredPasswordHash, VerifyResult } from './types.ts';

/**
 * `needsRehash` is true whenever the password matched a hash that is not a native argon2id hash
 * with the current policy: the caller then stores `await hashPassword(plain)` in its place, so
 * imported hashes are replaced on the first successful login.
 */
let verifications = 0;
/**
 * How many password verifications this process has run: the work a login did, which must not depend on whether
 * the account exists (brute-force and enumeration tests read it; it is a plain counter, cheap enough to keep on).
 */
export function passwordVerificationCount(): number {
  return verifications;
}

export async function verifyPassword(plain: string, stored: StoredPasswordHash): Promise<VerifyResult> {
  verifications += 1;
  if (stored.kind === 'argon2id') return verifyNativeArgon2id(plain, stored.phc);
  let ok = false;
  try {
    if (stored.kind === 'bcrypt') ok = await verifyBcrypt(plain, stored.hash);
    else {
      const impl = Object.hasOwn(ALGORITHMS, stored.spec.algorithm) ? ALGORITHMS[stored.spec.algorithm] : undefined;
      ok = impl !== undefined && (await impl.verify(plain, stored.spec));
    }
  } catch {
    // A stored spec that cannot be evaluated (it should have been refused at import) never matches.
    ok = false;
  }
  return { ok, needsRehash: ok };
}
