// The options of each federated strategy, with Auth0's option names, checked when a connection is created or
// changed. Auth0's option objects carry many provider flags (`email: true`, `profile: true`, …): unknown
// options are kept and ignored, known ones must be right. Upstream URLs must be https.
import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ApiError } from '../platform/errors.ts';
import { MAPPABLE_ATTRIBUTES, PROFILE_PATH_PATTERN } from './profile-mapping.ts';
import { SECRET_OPTIONS, strategyDefinition } from './strategies.ts';

const HttpsUrl = Type.String({ maxLength: 2048, pattern: '^https://[^\\s]+$' });
const Scope = Type.Union([Type.String({ maxLength: 2048 }), Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 50 })]);
export const SyncMode = Type.Union([Type.Literal('on_each_login'), Type.Literal('on_first_login'), Type.Literal('never_on_login')]);

const common = {
  client_id: Type.String({ minLength: 1, maxLength: 512 }),
  client_secret: Type.String({ minLength: 1, maxLength: 4096 }),
  scope: Type.Optional(Scope),
  set_user_root_attributes: Type.Optional(SyncMode),
  non_persistent_attrs: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 50 })),
};
const open = { additionalProperties: true };

const ProfileMapSchema = Type.Object(
  Object.fromEntries(MAPPABLE_ATTRIBUTES.map((a) => [a, a === 'user_id' ? Type.String({ pattern: PROFILE_PATH_PATTERN }) : Type.Optional(Type.String({ pattern: PROFILE_PATH_PATTERN }))])),
  { additionalProperties: false },
);

const OPTION_SCHEMAS: Record<string, TSchema> = {
  oidc: Type.Object(
    {
      ...common,
      discovery_url: Type.Optional(HttpsUrl),
      issuer: Type.Optional(HttpsUrl),
      type: Type.Optional(Type.Union([Type.Literal('back_channel'), Type.Literal('front_channel')])),
    },
    open,
  ),
  oauth2: Type.Object(
    { ...common, authorizationURL: HttpsUrl, tokenURL: HttpsUrl, profile_url: HttpsUrl, profile_map: ProfileMapSchema },
    open,
  ),
  'google-oauth2': Type.Object(common, open),
  github: Type.Object(common, open),
  facebook: Type.Object(common, open),
  windowslive: Type.Object(common, open),
  // Apple's client secret is a JWT Portrait signs with the team's key (app_secret, a PEM PKCS#8 EC key).
  apple: Type.Object(
    {
      client_id: common.client_id,
      app_secret: Type.String({ minLength: 1, maxLength: 4096, pattern: '-----BEGIN PRIVATE KEY-----' }),
      team_id: Type.String({ pattern: '^[A-Z0-9]{10}$' }),
      kid: Type.String({ pattern: '^[A-Z0-9]{10}$' }),
      scope: common.scope,
      set_user_root_attributes: common.set_user_root_attributes,
      non_persistent_attrs: common.non_persistent_attrs,
    },
    open,
  ),
};

function invalid(detail: string): never {
  throw new ApiError('invalid_body', `Payload validation error: ${detail}.`);
}

/** Throws Auth0's invalid_body when the options do not suit the strategy; database strategies are checked by the route schema. */
export function checkFederatedOptions(strategy: string, options: Record<string, unknown>): void {
  const schema = OPTION_SCHEMAS[strategy];
  if (!schema) return;
  const first = Value.Errors(schema, options).First();
  if (first) {
    const where = first.path ? `options${first.path.replaceAll('/', '.')}` : 'options';
    const missing = first.message.startsWith('Expected required property') || first.value === undefined;
    invalid(missing ? `Missing required property: ${where}` : `'${first.message}' on property ${where}`);
  }
  if (strategy === 'oidc') {
    if (!options.discovery_url && !options.issuer) invalid('options.discovery_url or options.issuer is required for an oidc connection');
    if (options.type === 'front_channel') {
      // The code flow with PKCE gives an access token and keeps tokens out of the browser; the implicit
      // (id_token via form_post) variant is not implemented.
      invalid("options.type 'front_channel' is not supported: Portrait signs in with the authorization code flow and PKCE ('back_channel')");
    }
  }
}

/** Whether `strategy` is one Portrait can sign in with (besides its own database strategy). */
export const isFederatedStrategy = (strategy: string): boolean => strategyDefinition(strategy) !== undefined;

/**
 * PATCH replaces `options` whole, as on Auth0; but Portrait never shows the secrets, so a client that read the
 * options and writes them back would erase them. A secret the PATCH leaves out is kept.
 */
export function keepStoredSecrets(stored: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...next };
  for (const key of SECRET_OPTIONS) if (merged[key] === undefined && stored[key] !== undefined) merged[key] = stored[key];
  return merged;
}
