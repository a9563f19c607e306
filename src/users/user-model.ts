// The user profile as Auth0's Management API shows it (reference §1.1, §1.2), what callers may send to create
// or change one, and the row it is stored in.
import type { StoredPasswordHash } from '../platform/passwords/index.ts';

export type Metadata = Record<string, unknown>;

/** One entry of `identities[]`; a database user has exactly one, whose user_id has no provider prefix. */
export interface Identity {
  connection: string;
  user_id: string;
  provider: string;
  isSocial: boolean;
  profileData?: Record<string, unknown>;
  access_token?: string;
  access_token_secret?: string;
  refresh_token?: string;
}

export interface User {
  user_id: string;
  email?: string;
  email_verified?: boolean;
  username?: string;
  phone_number?: string;
  phone_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  /** The stored picture, or the default chain's answer computed when read. */
  picture: string;
  created_at: string;
  updated_at: string;
  last_login?: string;
  last_ip?: string;
  logins_count?: number;
  blocked?: boolean;
  identities: Identity[];
  user_metadata: Metadata;
  app_metadata: Metadata;
  /** Attributes an identity provider supplied beyond the known ones (locale, upn, …), at the root as on Auth0. */
  [providerAttribute: string]: unknown;
}

/** POST /api/v2/users (OAS CreateUserRequestContent) plus `password` already in plain text. */
export interface NewUser {
  connection: string;
  email?: string;
  password?: string;
  username?: string;
  email_verified?: boolean;
  verify_email?: boolean;
  phone_number?: string;
  phone_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  picture?: string;
  user_metadata?: Metadata;
  app_metadata?: Metadata;
  blocked?: boolean;
  /** The id part only; the connection's provider prefix (`auth0|`) is added. */
  user_id?: string;
}

/** A user an identity provider vouched for (social, enterprise): created by sign-in, never through POST /users. */
export interface NewFederatedUser {
  connection: string;
  provider: string;
  isSocial: boolean;
  /** The provider's own id for the user (no prefix). */
  providerUserId: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  /** The provider's picture; stored as `picture` so it wins over the default chain. */
  picture?: string;
  /** Anything else the provider sent (locale, …), kept at the root. */
  attributes?: Record<string, unknown>;
}

/** PATCH /api/v2/users/{id} (OAS UpdateUserRequestContent). `null` removes a root attribute. */
export interface UserPatch {
  blocked?: boolean;
  email_verified?: boolean;
  email?: string | null;
  phone_number?: string | null;
  phone_verified?: boolean;
  user_metadata?: Metadata;
  app_metadata?: Metadata;
  given_name?: string | null;
  family_name?: string | null;
  name?: string | null;
  nickname?: string | null;
  picture?: string | null;
  verify_email?: boolean;
  verify_phone_number?: boolean;
  password?: string;
  connection?: string;
  client_id?: string;
  username?: string | null;
}

/** The users table. Searched and sorted attributes are columns; `*_lc` hold the case-folded copies search uses. */
export interface UsersTable {
  user_id: string;
  connection: string;
  email: string | null;
  email_lc: string | null;
  email_verified: number;
  username: string | null;
  phone_number: string | null;
  phone_verified: number | null;
  name: string | null;
  name_lc: string | null;
  given_name: string | null;
  given_name_lc: string | null;
  family_name: string | null;
  family_name_lc: string | null;
  nickname: string | null;
  nickname_lc: string | null;
  /** null: not set, the default-picture chain answers when the profile is read. */
  picture: string | null;
  blocked: number;
  created_at: string;
  updated_at: string;
  last_login: string | null;
  last_ip: string | null;
  logins_count: number;
  user_metadata: unknown;
  app_metadata: unknown;
  identities: unknown;
  /** Provider attributes beyond the known ones, as a JSON object. */
  extra: unknown;
  /** JSON of StoredPasswordHash; never leaves the store except to the sign-in check. */
  password_hash: unknown;
}

export interface UsersTables {
  users: UsersTable;
}

export type { StoredPasswordHash };

/** The root attributes a federated connection refreshes at each login (§1.3), in Auth0's message order. */
export const SYNCED_ROOT_ATTRIBUTES = ['family_name', 'given_name', 'name', 'nickname', 'picture'] as const;

/** Auth0 strategies whose users Auth0 itself holds: root attributes editable, creatable through the API. */
export const PASSWORDLESS_STRATEGIES = new Set(['email', 'sms']);
export const ENTERPRISE_STRATEGIES = new Set([
  'ad', 'adfs', 'auth0-adldap', 'google-apps', 'ip', 'office365', 'oidc', 'okta', 'pingfederate', 'samlp', 'sharepoint', 'waad',
]);

/** Case-folding used for the `*_lc` columns and for every case-insensitive search value (one rule for both). */
export const fold = (value: string): string => value.toLowerCase();

type FoldedColumn = 'email_lc' | 'name_lc' | 'given_name_lc' | 'family_name_lc' | 'nickname_lc';

/** A whole row from its plain columns: the `*_lc` copies are derived, never written by hand. */
export function withFolded(row: Omit<UsersTable, FoldedColumn>): UsersTable {
  return { ...row, ...folded(row) } as UsersTable;
}

/** The `*_lc` copies of whichever case-insensitive attributes `set` writes (null stays null). */
export function folded(set: Partial<UsersTable>): Partial<UsersTable> {
  const out: Partial<UsersTable> = {};
  for (const key of ['email', 'name', 'given_name', 'family_name', 'nickname'] as const) {
    if (set[key] !== undefined) out[`${key}_lc`] = set[key] === null ? null : fold(set[key]);
  }
  return out;
}
