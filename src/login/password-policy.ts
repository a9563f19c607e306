// What the sign-up form tells the user about the connection's password policy. The check itself is the users
// domain's (checkPasswordPolicy in src/users/), which users.create applies: one rule, one place.
import type { Connection } from '../connections/connections-store.ts';
import { ApiError } from '../platform/errors.ts';
import { checkPasswordPolicy as usersPasswordPolicy } from '../users/index.ts';

const DESCRIPTIONS: Record<string, string> = {
  none: 'Any non-empty password.',
  low: 'At least {n} characters.',
  fair: 'At least {n} characters, with lower case, upper case and numbers.',
  good: 'At least {n} characters, with 3 of: lower case, upper case, numbers, special characters.',
  excellent: 'At least {n} characters, with 3 of: lower case, upper case, numbers, special characters; no more than 2 identical characters in a row.',
};
const DEFAULT_LENGTH: Record<string, number> = { none: 1, low: 6, fair: 8, good: 8, excellent: 10 };

export function describePasswordPolicy(connection: Connection): string {
  const raw = connection.options.passwordPolicy;
  const name = typeof raw === 'string' && raw in DESCRIPTIONS ? raw : 'none';
  const min = (connection.options.password_complexity_options as { min_length?: number } | undefined)?.min_length ?? DEFAULT_LENGTH[name];
  return DESCRIPTIONS[name].replace('{n}', String(min));
}

/** Null when the password satisfies the policy; otherwise Auth0's message ("Password is too weak"). */
export function checkPasswordPolicy(connection: Connection, password: string): string | null {
  try {
    usersPasswordPolicy(password, connection);
    return null;
  } catch (error) {
    if (error instanceof ApiError) return error.message.replace(/^PasswordStrengthError: /, '');
    throw error;
  }
}

/** Longest password a form accepts (the users domain refuses longer ones at sign-up). */
export const MAX_PASSWORD_LENGTH = 1024;
