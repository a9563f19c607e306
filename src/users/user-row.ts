// Between a users row and the Auth0-shaped User. `picture` is resolved here, at read time: a stored picture
// (set through the API or by a provider) is returned as is; when none is stored the default-picture chain
// answers, so a tenant-wide change of the default (Gravatar off, a default_url) applies to every existing
// user at once instead of being frozen into each row at creation.
import type { PictureSources } from '../pictures/gravatar.ts';
import { fromJsonColumn } from '../platform/db/json.ts';
import type { Identity, Metadata, StoredPasswordHash, User, UsersTable } from './user-model.ts';

export type ResolvePicture = (sources: PictureSources) => string;

/** Column values that are absent in Auth0's answers are left out rather than sent as null. */
function put<T extends object, K extends string>(target: T, key: K, value: unknown): void {
  if (value !== null && value !== undefined) (target as Record<string, unknown>)[key] = value;
}

export function userFromRow(row: UsersTable, resolvePicture: ResolvePicture): User {
  const identities = fromJsonColumn<Identity[]>(row.identities);
  const extra = fromJsonColumn<Record<string, unknown>>(row.extra) ?? {};
  // Provider extras first, so no extra attribute can shadow a known one.
  const user = { ...extra } as User;
  user.user_id = row.user_id;
  put(user, 'email', row.email);
  if (row.email !== null) user.email_verified = Boolean(row.email_verified);
  put(user, 'username', row.username);
  put(user, 'phone_number', row.phone_number);
  if (row.phone_verified !== null) user.phone_verified = Boolean(row.phone_verified);
  put(user, 'name', row.name);
  put(user, 'given_name', row.given_name);
  put(user, 'family_name', row.family_name);
  put(user, 'nickname', row.nickname);
  const providerPicture = row.picture;
  user.picture = providerPicture ?? resolvePicture({ email: row.email, name: row.name, nickname: row.nickname });
  user.created_at = row.created_at;
  user.updated_at = row.updated_at;
  put(user, 'last_login', row.last_login);
  put(user, 'last_ip', row.last_ip);
  if (row.logins_count > 0 || row.last_login !== null) user.logins_count = row.logins_count;
  if (row.blocked) user.blocked = true;
  user.identities = identities;
  user.user_metadata = fromJsonColumn<Metadata>(row.user_metadata) ?? {};
  user.app_metadata = fromJsonColumn<Metadata>(row.app_metadata) ?? {};
  return user;
}

export function passwordHashFromRow(row: Pick<UsersTable, 'password_hash'>): StoredPasswordHash | null {
  return row.password_hash === null || row.password_hash === undefined ? null : fromJsonColumn<StoredPasswordHash>(row.password_hash);
}
