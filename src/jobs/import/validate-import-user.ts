/**
 * The per-user schema of Auth0's users file (§5.2): `additionalProperties: false`, `email`
 * required, types, formats, lengths, MFA factors, exclusive password fields. Hand-written rather
 * than schema-compiled because it runs a million times per large import and must say exactly what
 * Auth0 says: z-schema codes and messages, `Error in <path> property - …`, dotted paths.
 */
import { BCRYPT_HASH, validateCustomPasswordHash } from '../../platform/passwords/index.ts';
import {
  additionalProperty, invalidType, isPlainObject, issue, missingProperty, type ValidationIssue,
} from '../../platform/passwords/validation-issue.ts';
import { isEmail } from './email-format.ts';

const E164 = /^\+[0-9]{1,15}$/;
const BASE32 = /^[A-Z2-7]+$/;
const NO_WHITESPACE = /^\S*$/;
const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/i;
// password_hash takes only what Auth0 documents for it; $2y$ and others go in custom_password_hash.
const PASSWORD_HASH_PREFIX = /^\$2[ab]\$/;

/** Length limits of the profile attributes (reference §1.1): min 1, these maxima. */
const MAX_LENGTH: Record<string, number> = {
  user_id: 255, username: 128, given_name: 150, family_name: 150, name: 300, nickname: 300, picture: 2048,
};
export const MAX_MFA_FACTORS = 10;

/** app_metadata keys Auth0 reserves for itself (bulk import schema page). */
const RESERVED_APP_METADATA = new Set([
  '__tenant', '_id', 'blocked', 'clientID', 'created_at', 'email_verified', 'email', 'globalClientID',
  'global_client_id', 'identities', 'lastIP', 'lastLogin', 'loginsCount', 'metadata',
  'multifactor_last_modified', 'multifactor', 'updated_at', 'user_id',
]);

const PATTERN_TEXT: Record<string, string> = {
  phone_number: E164.source, user_id: NO_WHITESPACE.source,
};

/** Every issue with one user of the file; an empty array means the user can be imported. */
export function validateImportUser(user: unknown): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  if (!isPlainObject(user)) return [invalidType('', 'object', user)];
  for (const key in user) {
    const v = user[key];
    switch (key) {
      case 'email':
        if (typeof v !== 'string') out.push(invalidType(key, 'string', v));
        else if (!isEmail(v)) out.push(formatIssue(key, 'email', v));
        break;
      case 'email_verified': case 'phone_verified': case 'blocked':
        if (typeof v !== 'boolean') out.push(invalidType(key, 'boolean', v));
        break;
      case 'phone_number': case 'user_id':
        if (checkString(key, v, out) && !(key === 'phone_number' ? E164 : NO_WHITESPACE).test(v as string)) {
          out.push(patternIssue(key, PATTERN_TEXT[key], v as string));
        }
        break;
      case 'username': case 'given_name': case 'family_name': case 'name': case 'nickname':
        checkString(key, v, out);
        break;
      case 'picture':
        if (checkString(key, v, out) && !HTTP_URL.test(v as string)) out.push(formatIssue(key, 'uri', v as string));
        break;
      case 'password_hash':
        if (typeof v !== 'string') out.push(invalidType(key, 'string', v));
        else if (!PASSWORD_HASH_PREFIX.test(v) || !BCRYPT_HASH.test(v)) {
          out.push(issue('PATTERN', key,
            'password_hash must be a bcrypt hash starting with $2a$ or $2b$ (use custom_password_hash for other algorithms or prefixes)'));
        }
        break;
      case 'custom_password_hash':
        for (const i of validateCustomPasswordHash(v, key)) out.push(i);
        if (user.password_hash !== undefined) {
          out.push(issue('NOT_PASSED', key, 'password_hash and custom_password_hash are mutually exclusive'));
        }
        break;
      case 'app_metadata':
        if (!isPlainObject(v)) out.push(invalidType(key, 'object', v));
        else for (const k in v) {
          if (RESERVED_APP_METADATA.has(k)) out.push(issue('NOT_PASSED', `${key}.${k}`, `app_metadata must not contain the reserved property ${k}`));
        }
        break;
      case 'user_metadata':
        if (!isPlainObject(v)) out.push(invalidType(key, 'object', v));
        break;
      case 'mfa_factors':
        checkMfaFactors(v, out);
        break;
      default:
        out.push(additionalProperty(key));
    }
  }
  if (user.email === undefined) out.push(missingProperty('email'));
  return out;
}

function checkString(key: string, v: unknown, out: ValidationIssue[]): boolean {
  if (typeof v !== 'string') { out.push(invalidType(key, 'string', v)); return false; }
  const max = MAX_LENGTH[key];
  if (v.length === 0) { out.push(issue('MIN_LENGTH', key, 'String is too short (0 chars), minimum 1')); return false; }
  if (max !== undefined && v.length > max) {
    out.push(issue('MAX_LENGTH', key, `String is too long (${v.length} chars), maximum ${max}`));
    return false;
  }
  return true;
}

function formatIssue(path: string, format: string, v: string): ValidationIssue {
  return issue('FORMAT', path, `Object didn't pass validation for format ${format}: ${v}`);
}

function patternIssue(path: string, pattern: string, v: string): ValidationIssue {
  return issue('PATTERN', path, `String does not match pattern ${pattern}: ${v}`);
}

/** 1–10 factors, each an object with exactly one of totp / phone / email. */
function checkMfaFactors(v: unknown, out: ValidationIssue[]): void {
  if (!Array.isArray(v)) { out.push(invalidType('mfa_factors', 'array', v)); return; }
  if (v.length === 0) out.push(issue('ARRAY_LENGTH_SHORT', 'mfa_factors', 'Array is too short (0), minimum 1'));
  if (v.length > MAX_MFA_FACTORS) {
    out.push(issue('ARRAY_LENGTH_LONG', 'mfa_factors', `Array is too long (${v.length}), maximum ${MAX_MFA_FACTORS}`));
    return; // the factors themselves are not looked at when there are too many
  }
  for (let i = 0; i < v.length; i++) {
    const path = `mfa_factors[${i}]`;
    const f = v[i];
    if (!isPlainObject(f)) { out.push(invalidType(path, 'object', f)); continue; }
    const keys = Object.keys(f);
    if (keys.length === 0) {
      out.push(issue('ANY_OF_MISSING', path, "Data does not match any schemas from 'anyOf' (an MFA factor needs one of totp, phone, email)"));
    } else if (keys.length > 1) {
      out.push(issue('OBJECT_PROPERTIES_MAXIMUM', path, `Too many properties defined (${keys.length}), maximum 1`));
    }
    for (const k of keys) {
      if (k === 'totp') checkFactor(f[k], `${path}.totp`, 'secret', (s) => BASE32.test(s) ? null : patternIssue(`${path}.totp.secret`, BASE32.source, s), out);
      else if (k === 'phone') checkFactor(f[k], `${path}.phone`, 'value', (s) => E164.test(s) ? null : patternIssue(`${path}.phone.value`, E164.source, s), out);
      else if (k === 'email') checkFactor(f[k], `${path}.email`, 'value', (s) => isEmail(s) ? null : formatIssue(`${path}.email.value`, 'email', s), out);
      else out.push(additionalProperty(`${path}.${k}`));
    }
  }
}

function checkFactor(
  v: unknown, path: string, field: string, check: (s: string) => ValidationIssue | null, out: ValidationIssue[],
): void {
  if (!isPlainObject(v)) { out.push(invalidType(path, 'object', v)); return; }
  for (const k in v) if (k !== field) out.push(additionalProperty(`${path}.${k}`));
  const s = v[field];
  if (s === undefined) { out.push(missingProperty(`${path}.${field}`)); return; }
  if (typeof s !== 'string') { out.push(invalidType(`${path}.${field}`, 'string', s)); return; }
  const problem = check(s);
  if (problem) out.push(problem);
}
