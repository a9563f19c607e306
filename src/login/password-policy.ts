// Auth0's password policies for database connections (`options.passwordPolicy`, with
// `password_complexity_options.min_length`), checked before a password is accepted at sign-up.
import type { Connection } from '../connections/connections-store.ts';

type PolicyName = 'none' | 'low' | 'fair' | 'good' | 'excellent';

const POLICIES: Record<PolicyName, { minLength: number; kinds: number; noTriples: boolean; describe: string }> = {
  none: { minLength: 1, kinds: 0, noTriples: false, describe: 'Any non-empty password.' },
  low: { minLength: 6, kinds: 0, noTriples: false, describe: 'At least {n} characters.' },
  fair: { minLength: 8, kinds: 3, noTriples: false, describe: 'At least {n} characters, with lower case, upper case and numbers.' },
  good: { minLength: 8, kinds: 3, noTriples: false, describe: 'At least {n} characters, with 3 of: lower case, upper case, numbers, special characters.' },
  excellent: { minLength: 10, kinds: 3, noTriples: true, describe: 'At least {n} characters, with 3 of: lower case, upper case, numbers, special characters; no more than 2 identical characters in a row.' },
};

/** Auth0 caps passwords at 72 bytes for bcrypt-era compatibility; argon2 has no such limit, but a cap bounds work. */
export const MAX_PASSWORD_LENGTH = 1024;

function policyOf(connection: Connection) {
  const options = connection.options as { passwordPolicy?: string; password_complexity_options?: { min_length?: number } };
  const name = (options.passwordPolicy && options.passwordPolicy in POLICIES ? options.passwordPolicy : 'good') as PolicyName;
  const policy = POLICIES[name];
  const minLength = Math.max(policy.minLength, Number(options.password_complexity_options?.min_length) || 0);
  return { name, ...policy, minLength };
}

export function describePasswordPolicy(connection: Connection): string {
  const p = policyOf(connection);
  return p.describe.replace('{n}', String(p.minLength));
}

/** Null when the password satisfies the connection's policy; otherwise Auth0's message. */
export function checkPasswordPolicy(connection: Connection, password: string): string | null {
  const p = policyOf(connection);
  if (password.length > MAX_PASSWORD_LENGTH) return 'Password is too long';
  if (password.length < p.minLength) return 'Password is too weak';
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const needed = p.name === 'fair' ? [/[a-z]/, /[A-Z]/, /[0-9]/].every((re) => re.test(password)) : kinds >= p.kinds;
  if (!needed) return 'Password is too weak';
  if (p.noTriples && /(.)\1\1/.test(password)) return 'Password is too weak';
  return null;
}
