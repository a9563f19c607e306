// One password login against a database connection: find the user, refuse blocked users and blocked
// (user, IP) pairs, verify the password (argon2id or an imported form), re-hash when the stored form is not the
// current policy, count failures for brute-force protection, and record the login. Shared by the hosted login
// page and the password-realm grant, so both answer the same way.
import { hashPassword, verifyPassword } from '../platform/passwords/index.ts';
import type { Connection } from '../connections/connections-store.ts';
import type { BruteForceGuard } from './brute-force.ts';
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
/** Verifying against a decoy when the user does not exist keeps the answer's timing from revealing that. */
function decoy(): Promise<string> {
  decoyHash ??= hashPassword('portrait-decoy-password-never-matches');
  return decoyHash;
}

export interface PasswordLoginDeps {
  users: LoginUsersPort;
  bruteForce: BruteForceGuard;
}

export async function passwordLogin(
  deps: PasswordLoginDeps,
  attempt: { connection: Connection; identifier: string; password: string; ip: string },
): Promise<PasswordLoginResult> {
  const { users, bruteForce } = deps;
  const { connection, identifier, password, ip } = attempt;
  const candidate = identifier && password ? await users.findLoginCandidate(connection.name, identifier) : null;
  if (!candidate || !candidate.passwordHash) {
    if (password) await verifyPassword(password, { kind: 'argon2id', phc: await decoy() });
    return { ok: false, reason: 'wrong_credentials' };
  }
  const { user, passwordHash } = candidate;
  const protect = connection.options.brute_force_protection !== false;
  if (protect && (await bruteForce.isBlocked(user.user_id, ip))) return { ok: false, reason: 'too_many_attempts' };

  const verdict = await verifyPassword(password, passwordHash);
  if (!verdict.ok) {
    if (protect) {
      const blocked = await bruteForce.recordFailure({ userId: user.user_id, ip, identifier, connection: connection.name });
      if (blocked) return { ok: false, reason: 'too_many_attempts' };
    }
    return { ok: false, reason: 'wrong_credentials' };
  }
  // Only the password's owner learns that the account is blocked.
  if (user.blocked) return { ok: false, reason: 'user_blocked' };
  if (verdict.needsRehash) await users.setPasswordHash(user.user_id, { kind: 'argon2id', phc: await hashPassword(password) });
  if (protect) await bruteForce.recordSuccess(user.user_id, ip);
  await users.recordLogin(user.user_id, { ip });
  return { ok: true, user };
}
