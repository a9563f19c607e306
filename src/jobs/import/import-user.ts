import type { BulkImportUser } from '../../users/index.ts';

/**
 * One user of an Auth0 users file, after `validateImportUser` accepted it (§5.2): what the users domain's bulk
 * import takes, plus the MFA factors Portrait validates but cannot store yet.
 */
export interface ImportUser extends BulkImportUser {
  mfa_factors?: MfaFactor[];
}

export type MfaFactor =
  | { totp: { secret: string } }
  | { phone: { value: string } }
  | { email: { value: string } };
