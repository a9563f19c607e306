import type { CustomPasswordHash } from '../../platform/passwords/index.ts';

/** One user of an Auth0 users file, after `validateImportUser` accepted it (§5.2). */
export interface ImportUser {
  email: string;
  email_verified?: boolean;
  phone_number?: string;
  phone_verified?: boolean;
  /** Without the connection prefix: Auth0 adds `auth0|` itself. */
  user_id?: string;
  username?: string;
  given_name?: string;
  family_name?: string;
  name?: string;
  nickname?: string;
  picture?: string;
  blocked?: boolean;
  /** bcrypt (`$2a$`/`$2b$`), stored as-is and verified at the first login. */
  password_hash?: string;
  custom_password_hash?: CustomPasswordHash;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
  mfa_factors?: MfaFactor[];
}

export type MfaFactor =
  | { totp: { secret: string } }
  | { phone: { value: string } }
  | { email: { value: string } };
