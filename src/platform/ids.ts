// Identifiers in the formats Auth0 uses, so that apps that parse or validate them keep working.
import { randomBytes, randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** The id part of a database user (`auth0|` + this): 24 hex characters, like a MongoDB ObjectId. */
export function newDatabaseUserId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return seconds + randomBytes(8).toString('hex');
}

export const newConnectionId = (): string => `con_${randomAlphanumeric(16)}`;
export const newJobId = (): string => `job_${randomAlphanumeric(16)}`;
export const newClientId = (): string => randomAlphanumeric(32);
export const newClientSecret = (): string => randomBytes(48).toString('base64url');
export const newClientGrantId = (): string => `cgr_${randomAlphanumeric(16)}`;
export const newRoleId = (): string => `rol_${randomAlphanumeric(16)}`;
/** Auth0's API ids are 24 hex characters. */
export const newResourceServerId = (): string => randomBytes(12).toString('hex');
export const newRequestId = (): string => `req_${randomAlphanumeric(12)}`;

export const ID_PATTERNS = {
  connection: /^con_[A-Za-z0-9]{16}$/,
  job: /^job_[A-Za-z0-9]{16}$/,
  clientGrant: /^cgr_[A-Za-z0-9]{16}$/,
};
