// The database connection's password policy (Auth0 "Password Strength": none, low, fair, good, excellent),
// with `password_complexity_options.min_length` overriding the policy's length. Auth0 answers a weak password
// with "PasswordStrengthError: Password is too weak".
import type { Connection } from '../connections/connections-store.ts';
import { ApiError } from '../platform/errors.ts';

/** argon2id costs the same for any length; the cap keeps request bodies from making hashing a DoS lever. */
export const MAX_PASSWORD_LENGTH = 128;

const POLICIES = {
  none: { min: 1, classes: 0, of: 4, noTriples: false },
  low: { min: 6, classes: 0, of: 4, noTriples: false },
  fair: { min: 8, classes: 3, of: 3, noTriples: false },
  good: { min: 8, classes: 3, of: 4, noTriples: false },
  excellent: { min: 10, classes: 3, of: 4, noTriples: true },
} as const;

type PolicyName = keyof typeof POLICIES;

function characterClasses(password: string, of: 3 | 4): number {
  const tests = [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].slice(0, of);
  return tests.filter((t) => t.test(password)).length;
}

export function checkPasswordPolicy(password: string, connection: Connection): void {
  if ([...password].length > MAX_PASSWORD_LENGTH) {
    throw new ApiError('invalid_body', `PasswordStrengthError: Password is too long (maximum ${MAX_PASSWORD_LENGTH} characters)`);
  }
  const raw = connection.options.passwordPolicy;
  const name: PolicyName = typeof raw === 'string' && raw in POLICIES ? (raw as PolicyName) : 'none';
  const policy = POLICIES[name];
  const complexity = connection.options.password_complexity_options as { min_length?: number } | undefined;
  const min = complexity?.min_length ?? policy.min;
  const weak =
    [...password].length < min ||
    (policy.classes > 0 && characterClasses(password, policy.of as 3 | 4) < policy.classes) ||
    (policy.noTriples && /(.)\1\1/u.test(password));
  if (weak) throw new ApiError('invalid_body', 'PasswordStrengthError: Password is too weak');
}
