import { hash, parseOptions, verify } from '@node-rs/argon2';

/**
 * The policy for passwords Portrait hashes itself: argon2id, 19 MiB, 2 passes, 1 lane — OWASP's
 * first recommended argon2id configuration. A stored hash with other figures is re-hashed at the
 * next successful login.
 */
export const ARGON2ID_POLICY = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

// `Algorithm` in @node-rs/argon2's typings is an ambient const enum, which isolatedModules cannot
// read; 2 is its Argon2id member.
const ARGON2ID = 2;

/** Hashes a new password; the result is a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). */
export function hashPassword(plain: string): Promise<string> {
  return hash(plain, { ...ARGON2ID_POLICY, algorithm: ARGON2ID });
}

export async function verifyNativeArgon2id(plain: string, phc: string): Promise<{ ok: boolean; needsRehash: boolean }> {
  let ok: boolean;
  try {
    ok = await verify(phc, plain);
  } catch {
    return { ok: false, needsRehash: false }; // malformed stored hash: never a match
  }
  return { ok, needsRehash: ok && !meetsPolicy(phc) };
}

function meetsPolicy(phc: string): boolean {
  try {
    const o = parseOptions(phc);
    return o.algorithm === ARGON2ID && o.memoryCost === ARGON2ID_POLICY.memoryCost &&
      o.timeCost === ARGON2ID_POLICY.timeCost && o.parallelism === ARGON2ID_POLICY.parallelism;
  } catch {
    return false;
  }
}
