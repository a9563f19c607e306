// One password login against a database connection: find the user, refuse blocked users and blocked
// (user, IP) pairs, verify the password (argon2id or an imported form), re-hash when the stored form is not the
// current policy, count failures for brute-force protection, and record the login. Shared by the hosted login
// page and the password-realm grant, so both answer the same way.
import { hashPassword, verifyPassword } from '../platform/passwords/index.ts';
import type { Connection } from '../connections/connections-store.ts';
import { unknownAccountKey, type BruteForceGuard } from './brute-force.ts';
import type { LoginUser, LoginUsersPort } from './users-port.ts';

export type PasswordLoginResult =
  | { ok: true; user: LoginUser }
  /** Wrong email or password, or no such user: the same answer, so nothing about the account leaks. */
  | { ok: false; reason: 'wrong_credentials' }
  /** The user is blocked by an administrator (`blocked: true`). */
  | { ok: false; reason: 'user_blocked' }
  /** Brute-force protection blocked this user from this IP. */
  | { ok: false; reason: 'too_many_attempts' };

export const LOGIN_MESSAGES: Record<Exclude<PasswordLoginResult, { ok: true }>['reason'], string> = {
  wrong_credentials: 'Wrong email or password.',
  user_blocked: 'user is blocked',
  too_many_attempts: 'Your account has been blocked after multiple consecutive login attempts.',
};

let decoyHash: Promise<string> | null = null;
/**
 * An address that names no account (or an account without a password) is verified against this decoy, hashed
 * with the current argon2id policy: the same work as for a real account, so timing reveals nothing.
 */
function decoy(): Promise<string> {
  decoyHash ??= hashPassword('portrait-decoy-password-never-matches');
  return decoyHash;
}
/** Computes the decoy ahead of the first login, so that login does not pay for it (and stand out). */
export function prepareDecoyHash(): void {
  void decoy();
}

export interface PasswordLoginDeps {
  users: LoginUsersPort;
  bruteForce: BruteForceGuard;
}

/**
 * Known and unknown addresses take the same path: one lookup, one attempt counted in the database before any
 * verification (brute-force.ts), one argon2id verification (the real hash or the decoy), one failure recorded.
 * After ten failures both answer too_many_attempts; only the password's owner ever learns more.
 */
export async function passwordLogin(
  deps: PasswordLoginDeps,
  attempt: { connection: Connection; identifier: string; password: string; ip: string },
): Promise<PasswordLoginResult> {
  const { users, bruteForce } = deps;
  const { connection, identifier, password, ip } = attempt;
  if (!identifier || !password) return { ok: false, reason: 'wrong_credentials' };
  const candidate = await users.findLoginCandidate(connection.name, identifier);
  const account = candidate?.passwordHash ? { user: candidate.user, passwordHash: candidate.passwordHash } : null;
  const key = { userId: account ? account.user.user_id : unknownAccountKey(connection.name, identifier), ip, identifier, connection: connection.name };
  const protect = connection.options.brute_force_protection !== false;
  if (protect && !(await bruteForce.admit(key))) return { ok: false, reason: 'too_many_attempts' };

  const verdict = await verifyPassword(password, account ? account.passwordHash : { kind: 'argon2id', phc: await decoy() });
  if (!account || !verdict.ok) {
    if (protect && (await bruteForce.recordFailure(key))) return { ok: false, reason: 'too_many_attempts' };
    return { ok: false, reason: 'wrong_credentials' };
  }
  const { user } = account;
  // Only the password's owner learns that the account is blocked.
  if (user.blocked) return { ok: false, reason: 'user_blocked' };
  if (verdict.needsRehash) await users.setPasswordHash(user.user_id, { kind: 'argon2id', phc: await hashPassword(password) });
  if (protect) await bruteForce.recordSuccess(user.user_id, ip);
  await users.recordLogin(user.user_id, { ip });
  return { ok: true, user };
}
