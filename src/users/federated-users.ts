// Rows for users an upstream identity provider vouched for. The provider's attributes are kept as it sent
// them (emails are not lower-cased outside Auth0's own stores, §1.1); its picture is stored, so it wins over
// the default chain; anything beyond the known attributes stays at the root of the profile (`extra`).
import { toJsonColumn } from '../platform/db/json.ts';
import type { Identity, NewFederatedUser, UsersTable } from './user-model.ts';
import { withFolded } from './user-model.ts';

const KNOWN = new Set([
  'user_id', 'connection', 'email', 'email_verified', 'username', 'phone_number', 'phone_verified', 'name', 'given_name', 'family_name',
  'nickname', 'picture', 'blocked', 'created_at', 'updated_at', 'last_login', 'last_ip', 'logins_count', 'identities', 'user_metadata',
  'app_metadata',
]);

export function federatedUserRow(input: NewFederatedUser): UsersTable {
  const identity: Identity = { connection: input.connection, user_id: input.providerUserId, provider: input.provider, isSocial: input.isSocial };
  const extra = Object.fromEntries(Object.entries(input.attributes ?? {}).filter(([k]) => !KNOWN.has(k)));
  const email = input.email ?? null;
  // Observed on Auth0 (§2): without email and name, name and nickname are empty strings.
  const name = input.name ?? email ?? '';
  const nickname = input.nickname ?? (email ? email.slice(0, email.lastIndexOf('@')) : '');
  const now = new Date().toISOString();
  return withFolded({
    user_id: `${input.provider}|${input.providerUserId}`,
    connection: input.connection,
    email,
    email_verified: input.email_verified ? 1 : 0,
    username: null,
    phone_number: null,
    phone_verified: null,
    name,
    given_name: input.given_name ?? null,
    family_name: input.family_name ?? null,
    nickname,
    picture: input.picture ?? null,
    blocked: 0,
    created_at: now,
    updated_at: now,
    last_login: null,
    last_ip: null,
    logins_count: 0,
    user_metadata: toJsonColumn({}),
    app_metadata: toJsonColumn({}),
    identities: toJsonColumn([identity]),
    extra: toJsonColumn(extra),
    password_hash: null,
  });
}
