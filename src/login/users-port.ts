// What sign-in needs from the users domain, written as the subset of UsersStore (src/users/) it calls. The users
// domain's store satisfies it structurally; sign-in never touches the users' tables.
import type { StoredPasswordHash } from '../platform/passwords/index.ts';

/** The Auth0 profile fields sign-in reads. */
export interface LoginUser {
  user_id: string;
  email?: string;
  email_verified?: boolean;
  username?: string;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  updated_at?: string;
  created_at?: string;
  blocked?: boolean;
  logins_count?: number;
  identities?: Array<{ connection: string; provider: string; user_id: string; isSocial?: boolean }>;
  user_metadata?: Record<string, unknown>;
  app_metadata?: Record<string, unknown>;
  [claim: string]: unknown;
}

export interface NewLoginUser {
  connection: string;
  email: string;
  password: string;
  username?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  picture?: string;
  user_metadata?: Record<string, unknown>;
}

export interface LoginUsersPort {
  create(input: NewLoginUser): Promise<LoginUser>;
  get(userId: string): Promise<LoginUser | null>;
  findLoginCandidate(connection: string, emailOrUsername: string): Promise<{ user: LoginUser; passwordHash: StoredPasswordHash | null } | null>;
  recordLogin(userId: string, info: { ip: string }): Promise<void>;
  setPasswordHash(userId: string, hash: StoredPasswordHash): Promise<void>;
}
