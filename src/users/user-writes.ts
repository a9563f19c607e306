// Turns a validated request into column values: the rows of POST /users and the SET of PATCH /users/{id}.
// Every Auth0 rule about values is applied here, before the single statement that writes them.
import type { Connection } from '../connections/connections-store.ts';
import { toJsonColumn } from '../platform/db/json.ts';
import { ApiError } from '../platform/errors.ts';
import { newDatabaseUserId } from '../platform/ids.ts';
import { hashPassword } from '../platform/passwords/index.ts';
import { isAuth0Store, isDatabase, isDisabled, isEnterprise, isPasswordless, providerOf } from './connection-kinds.ts';
import { checkMetadata, jsonBytes } from './metadata-rules.ts';
import { checkPasswordPolicy } from './password-policy.ts';
import type { Identity, Metadata, NewUser, StoredPasswordHash, UserPatch, UsersTable } from './user-model.ts';
import { folded, withFolded } from './user-model.ts';
import {
  assertUsernameAllowed, checkEmail, checkLength, checkPhone, checkPicture, checkUsername, requiresUsername,
} from './user-rules.ts';
import { tooLong, validationError } from './validation-messages.ts';

export function profileTooLarge(limit: number): ApiError {
  return new ApiError(
    'invalid_body',
    `Payload validation error: 'The user profile is too large: user_metadata and app_metadata together must not exceed ${limit} bytes'.`,
  );
}

const missing = (property: string) => new ApiError('invalid_body', `Payload validation error: 'Missing required property: ${property}'.`);

function withoutNulls(metadata: Metadata | undefined): Metadata {
  return Object.fromEntries(Object.entries(metadata ?? {}).filter(([, v]) => v !== null));
}

async function passwordHashFor(password: string, connection: Connection): Promise<StoredPasswordHash> {
  if (!isDatabase(connection)) throw new ApiError('bad_request', 'Cannot set password for connection without database strategy.');
  checkPasswordPolicy(password, connection);
  return { kind: 'argon2id', phc: await hashPassword(password) };
}

/** Folded copies of the case-insensitive search fields, kept beside every write of those fields. */
export async function newUserRow(input: NewUser, connection: Connection, maxProfileBytes: number): Promise<UsersTable> {
  if (!isAuth0Store(connection)) {
    throw new ApiError('bad_request', 'Connection does not support user creation through the API. It must either be a database or passwordless connection.');
  }
  if (isDisabled(connection)) throw new ApiError('bad_request', 'Connection is disabled.');
  if (isDatabase(connection) || connection.strategy === 'email') {
    if (input.email === undefined) throw missing('email');
  }
  if (connection.strategy === 'sms' && input.phone_number === undefined) throw missing('phone_number');
  if (isDatabase(connection) && input.password === undefined) throw missing('password');
  if (input.username !== undefined) assertUsernameAllowed(connection);
  else if (isDatabase(connection) && requiresUsername(connection)) throw missing('username');

  if (input.user_id !== undefined) {
    if (input.user_id.length > 255) throw validationError(tooLong(input.user_id, 255), 'user_id');
    if (!/^\S+$/.test(input.user_id)) throw validationError(`String does not match pattern ^\\S*$: ${input.user_id}`, 'user_id');
  }
  if (input.email !== undefined) checkEmail(input.email);
  if (input.phone_number !== undefined) checkPhone(input.phone_number);
  if (input.username !== undefined) checkUsername(input.username, connection);
  for (const key of ['name', 'given_name', 'family_name', 'nickname'] as const) {
    if (input[key] !== undefined) checkLength(key, input[key]);
  }
  if (input.picture !== undefined) checkPicture(input.picture);
  const userMetadata = withoutNulls(input.user_metadata);
  const appMetadata = withoutNulls(input.app_metadata);
  checkMetadata('user_metadata', userMetadata);
  checkMetadata('app_metadata', appMetadata);
  if (jsonBytes(userMetadata) + jsonBytes(appMetadata) > maxProfileBytes) throw profileTooLarge(maxProfileBytes);
  const passwordHash = input.password !== undefined ? await passwordHashFor(input.password, connection) : null;

  // Auth0 lower-cases emails (and usernames) in the stores it owns; both are unique per connection that way.
  const email = input.email === undefined ? null : input.email.toLowerCase();
  const username = input.username === undefined ? null : input.username.toLowerCase();
  const phone = input.phone_number ?? null;
  const idPart = input.user_id ?? newDatabaseUserId();
  const provider = providerOf(connection);
  const identity: Identity = { connection: connection.name, user_id: idPart, provider, isSocial: false };
  const now = new Date().toISOString();
  const row = {
    user_id: `${provider}|${idPart}`,
    connection: connection.name,
    email,
    email_verified: input.email_verified ? 1 : 0,
    username,
    phone_number: phone,
    phone_verified: phone === null ? null : input.phone_verified ? 1 : 0,
    // §1.1 and §10: name defaults to the email (the phone for SMS users), nickname to the email's local part.
    name: input.name ?? email ?? phone ?? username,
    given_name: input.given_name ?? null,
    family_name: input.family_name ?? null,
    nickname: input.nickname ?? (email ? email.slice(0, email.lastIndexOf('@')) : (username ?? phone)),
    picture: input.picture ?? null,
    blocked: input.blocked ? 1 : 0,
    created_at: now,
    updated_at: now,
    last_login: null,
    last_ip: null,
    logins_count: 0,
    user_metadata: toJsonColumn(userMetadata),
    app_metadata: toJsonColumn(appMetadata),
    identities: toJsonColumn([identity]),
    extra: toJsonColumn({}),
    password_hash: passwordHash ? toJsonColumn(passwordHash) : null,
  };
  return withFolded(row);
}

export interface PreparedPatch {
  /** Root columns to set (updated_at included). */
  set: Partial<UsersTable>;
  user_metadata?: Metadata;
  app_metadata?: Metadata;
}

/** Applies §1.4 and §3.4 to a PATCH of a user in `connection`; `current` is what the row holds now. */
export async function preparePatch(patch: UserPatch, current: Pick<UsersTable, 'email' | 'username'>, connection: Connection): Promise<PreparedPatch> {
  const set: Partial<UsersTable> = {};
  const changesEmail = patch.email !== undefined;
  if ((changesEmail || patch.password !== undefined) && isDisabled(connection) && isAuth0Store(connection)) {
    throw new ApiError('bad_request', 'Cannot change email or password for users in a disabled connection.');
  }
  if (changesEmail && !isAuth0Store(connection)) throw new ApiError('bad_request', 'Cannot update email for non-database user.');
  if (patch.email_verified !== undefined && isEnterprise(connection)) {
    throw new ApiError('bad_request', 'Email verification is not supported for enterprise users.');
  }

  if (patch.email === null) {
    if (isAuth0Store(connection) && connection.strategy !== 'sms') throw new ApiError('bad_request', 'The following user attributes cannot be removed: email.');
    set.email = null;
  } else if (patch.email !== undefined) {
    checkEmail(patch.email);
    set.email = isAuth0Store(connection) ? patch.email.toLowerCase() : patch.email;
    // Auth0: a new address is unverified unless the same request says otherwise.
    if (set.email !== current.email && patch.email_verified === undefined) set.email_verified = 0;
  }
  if (patch.email_verified !== undefined) set.email_verified = patch.email_verified ? 1 : 0;

  if (patch.username !== undefined) {
    assertUsernameAllowed(connection);
    if (patch.username === null) throw new ApiError('bad_request', 'The following user attributes cannot be removed: username.');
    checkUsername(patch.username, connection);
    set.username = patch.username.toLowerCase();
  }
  if (patch.phone_number === null) {
    if (isPasswordless(connection) && connection.strategy === 'sms') throw new ApiError('bad_request', 'The following user attributes cannot be removed: phone_number.');
    set.phone_number = null;
    set.phone_verified = null;
  } else if (patch.phone_number !== undefined) {
    checkPhone(patch.phone_number);
    set.phone_number = patch.phone_number;
    if (patch.phone_verified === undefined) set.phone_verified = 0;
  }
  if (patch.phone_verified !== undefined && set.phone_number !== null) set.phone_verified = patch.phone_verified ? 1 : 0;

  for (const key of ['name', 'given_name', 'family_name', 'nickname'] as const) {
    const value = patch[key];
    if (value === undefined) continue;
    if (value !== null) checkLength(key, value);
    set[key] = value;
  }
  if (patch.picture !== undefined) {
    if (patch.picture !== null) checkPicture(patch.picture);
    set.picture = patch.picture;
  }
  if (patch.blocked !== undefined) set.blocked = patch.blocked ? 1 : 0;
  if (patch.password !== undefined) set.password_hash = toJsonColumn(await passwordHashFor(patch.password, connection));

  if (patch.user_metadata !== undefined) checkMetadata('user_metadata', patch.user_metadata);
  if (patch.app_metadata !== undefined) checkMetadata('app_metadata', patch.app_metadata);
  return {
    set: { ...set, ...folded(set), updated_at: new Date().toISOString() },
    user_metadata: patch.user_metadata,
    app_metadata: patch.app_metadata,
  };
}
