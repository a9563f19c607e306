// Auth0 answers a bad Management API payload with z-schema's wording inside its own frame:
//   Payload validation error: 'String is too long (301 chars), maximum 300' on property name (The user's full name).
// These helpers build that text, so the rules (user-rules.ts) and the route schemas' error formatter
// (schema-errors.ts) word every complaint the same way.
import { ApiError, type ErrorCode } from '../platform/errors.ts';

/** OAS descriptions of the user properties, quoted in parentheses after the property name as Auth0 does. */
export const PROPERTY_DESCRIPTIONS: Record<string, string> = {
  connection: 'Name of the connection this user should be created in.',
  email: "The user's email.",
  phone_number: "The user's phone number (following the E.164 recommendation).",
  user_metadata: "Data related to the user that does not affect the application's core functionality.",
  app_metadata: "Data related to the user that does affect the application's core functionality.",
  blocked: 'Whether this user was blocked by an administrator (true) or not (false).',
  email_verified: 'Whether this email address is verified (true) or unverified (false).',
  phone_verified: 'Whether this phone number has been verified (true) or not (false).',
  given_name: "The user's given name(s).",
  family_name: "The user's family name(s).",
  name: "The user's full name.",
  nickname: "The user's nickname.",
  picture: "A URI pointing to the user's picture.",
  user_id: "The external user's id provided by the identity provider.",
  password: 'Initial password for this user. Only valid for auth0 connection strategy.',
  verify_email: 'Whether the user will receive a verification email after creation (true) or no email (false).',
  username: "The user's username. Only valid if the connection requires a username.",
};

const FRAMES = {
  body: { code: 'invalid_body', prefix: 'Payload validation error' },
  querystring: { code: 'invalid_query_string', prefix: 'Query validation error' },
  params: { code: 'invalid_uri', prefix: 'Path validation error' },
} as const satisfies Record<string, { code: ErrorCode; prefix: string }>;

export type ValidationFrame = keyof typeof FRAMES;

/** `Payload validation error: '<detail>' on property <path> (<description>).` */
export function validationError(detail: string, property?: string, frame: ValidationFrame = 'body'): ApiError {
  const { code, prefix } = FRAMES[frame];
  let where = '';
  if (property) {
    const description = frame === 'body' ? PROPERTY_DESCRIPTIONS[property] : undefined;
    where = ` on property ${property}${description ? ` (${description.replace(/\.$/, '')})` : ''}`;
  }
  return new ApiError(code, `${prefix}: '${detail}'${where}.`);
}

export const tooLong = (value: string, max: number) => `String is too long (${[...value].length} chars), maximum ${max}`;
export const tooShort = (value: string, min: number) => `String is too short (${[...value].length} chars), minimum ${min}`;
export const badFormat = (format: string, value: unknown) => `Object didn't pass validation for format ${format}: ${String(value)}`;
export const badPattern = (pattern: string, value: unknown) => `String does not match pattern ${pattern}: ${String(value)}`;
