// What each field name of Auth0's user search (reference §3.2) means in the users table. Case-insensitive
// fields (email, name, given_name, family_name, nickname) are matched on their folded `*_lc` columns;
// everything else is case-sensitive. Unknown root names are provider attributes, kept in the `extra` JSON.
import { validationError } from '../validation-messages.ts';

export type FieldSpec =
  | { kind: 'text'; column: string; folded: boolean }
  | { kind: 'bool'; column: string }
  | { kind: 'number'; column: string }
  | { kind: 'date'; column: string }
  | { kind: 'json'; column: 'user_metadata' | 'app_metadata' | 'extra'; path: string[] }
  | { kind: 'identities'; key: string }
  | { kind: 'emailDomain' };

const ROOT: Record<string, FieldSpec> = {
  user_id: { kind: 'text', column: 'user_id', folded: false },
  email: { kind: 'text', column: 'email_lc', folded: true },
  name: { kind: 'text', column: 'name_lc', folded: true },
  given_name: { kind: 'text', column: 'given_name_lc', folded: true },
  family_name: { kind: 'text', column: 'family_name_lc', folded: true },
  nickname: { kind: 'text', column: 'nickname_lc', folded: true },
  username: { kind: 'text', column: 'username', folded: false },
  phone_number: { kind: 'text', column: 'phone_number', folded: false },
  last_ip: { kind: 'text', column: 'last_ip', folded: false },
  email_verified: { kind: 'bool', column: 'email_verified' },
  phone_verified: { kind: 'bool', column: 'phone_verified' },
  blocked: { kind: 'bool', column: 'blocked' },
  logins_count: { kind: 'number', column: 'logins_count' },
  created_at: { kind: 'date', column: 'created_at' },
  updated_at: { kind: 'date', column: 'updated_at' },
  last_login: { kind: 'date', column: 'last_login' },
};

/** Auth0 does not index these; searching them is a client mistake worth a clear 400. */
const NOT_SEARCHABLE = new Set(['picture', 'multifactor', 'blocked_for', 'guardian_authenticators', 'password', 'identities']);

/** Path segments are JSON keys: bounded, and free of the characters metadata keys may not hold anyway. */
const SEGMENT = /^[^.$"\\\u0000-\u001f]{1,128}$/;

export const queryError = (detail: string) => validationError(detail, 'q', 'querystring');

export function resolveField(name: string): FieldSpec {
  if (ROOT[name]) return ROOT[name];
  if (name === 'email.domain') return { kind: 'emailDomain' };
  const [head, ...rest] = name.split('.');
  if (NOT_SEARCHABLE.has(name)) throw queryError(`The field "${name}" is not searchable`);
  if (head === 'identities') {
    if (rest.length !== 1 || !SEGMENT.test(rest[0])) throw queryError(`Search identities by one of their attributes, e.g. identities.connection, not "${name}"`);
    return { kind: 'identities', key: rest[0] };
  }
  for (const segment of head === 'user_metadata' || head === 'app_metadata' ? rest : [head, ...rest]) {
    if (!SEGMENT.test(segment)) throw queryError(`Invalid field name: ${name}`);
  }
  if (head === 'user_metadata' || head === 'app_metadata') return { kind: 'json', column: head, path: rest };
  if (ROOT[head] || head === 'email') throw queryError(`Invalid field name: ${name}`);
  return { kind: 'json', column: 'extra', path: [head, ...rest] };
}

/** Columns GET /users may sort by (Auth0: root attributes only, never metadata). */
export const SORTABLE: Record<string, { column: string; nullable: boolean }> = {
  user_id: { column: 'user_id', nullable: false },
  email: { column: 'email', nullable: true },
  name: { column: 'name', nullable: true },
  given_name: { column: 'given_name', nullable: true },
  family_name: { column: 'family_name', nullable: true },
  nickname: { column: 'nickname', nullable: true },
  username: { column: 'username', nullable: true },
  phone_number: { column: 'phone_number', nullable: true },
  last_ip: { column: 'last_ip', nullable: true },
  created_at: { column: 'created_at', nullable: false },
  updated_at: { column: 'updated_at', nullable: false },
  last_login: { column: 'last_login', nullable: true },
  logins_count: { column: 'logins_count', nullable: false },
  blocked: { column: 'blocked', nullable: false },
  email_verified: { column: 'email_verified', nullable: false },
};
