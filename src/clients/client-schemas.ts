// TypeBox schemas of /api/v2/clients and /api/v2/client-grants, named and bounded as Auth0's OpenAPI
// document names them. The answer schemas double as an allow-list: fastify's serializer writes only the
// properties listed, so a client_secret can leave the server only through the two schemas that name it.
import { Type, type Static } from '@sinclair/typebox';
import { CheckpointPaging, FieldSelection, OffsetPaging } from '../management/schemas.ts';
import type { AppType } from './clients-store.ts';

const AppTypeSchema = Type.Unsafe<AppType>({ type: 'string', enum: ['spa', 'regular_web', 'native', 'non_interactive'] });
const AuthMethod = Type.Unsafe<'none' | 'client_secret_post' | 'client_secret_basic'>({
  type: 'string',
  enum: ['none', 'client_secret_post', 'client_secret_basic'],
});

/** Decided limits (Auth0 publishes none for these lists): 200 URLs of at most 2048 characters each. */
const UrlList = Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 200 });

/** Auth0: at most 10 keys; keys and values at most 255 characters; keys alphanumeric plus a few signs. */
export const ClientMetadata = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9 :,+=_*?"!/^~@()<>-]{1,255}$' }),
  Type.String({ maxLength: 255 }),
  { maxProperties: 10, additionalProperties: false },
);

const JwtConfiguration = Type.Object(
  {
    alg: Type.Optional(Type.String({ maxLength: 16 })),
    // Auth0 caps the ID token lifetime at 30 days.
    lifetime_in_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_592_000 })),
  },
  { additionalProperties: false },
);

/** A secret someone brings (a migration from another tenant): printable ASCII without spaces. */
const ClientSecret = Type.String({ minLength: 32, maxLength: 512, pattern: '^[\\x21-\\x7e]+$' });

const RefreshTokenBody = Type.Object(
  {
    rotation_type: Type.Optional(Type.Union([Type.Literal('rotating'), Type.Literal('non-rotating')])),
    expiration_type: Type.Optional(Type.Union([Type.Literal('expiring'), Type.Literal('non-expiring')])),
    // Auth0's bounds: a reuse interval of at most 60 s, lifetimes of at most 1 year (idle at most 30 days less than that).
    leeway: Type.Optional(Type.Integer({ minimum: 0, maximum: 60 })),
    token_lifetime: Type.Optional(Type.Integer({ minimum: 1, maximum: 31_557_600 })),
    infinite_token_lifetime: Type.Optional(Type.Boolean()),
    idle_token_lifetime: Type.Optional(Type.Integer({ minimum: 1, maximum: 31_557_600 })),
    infinite_idle_token_lifetime: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const OidcLogoutBody = Type.Object(
  {
    backchannel_logout_urls: Type.Array(Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://' }), { maxItems: 1 }),
    backchannel_logout_initiators: Type.Optional(Type.Object({ mode: Type.Optional(Type.String({ maxLength: 16 })), selected_initiators: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })) })),
  },
  { additionalProperties: false },
);

const settableProperties = {
  description: Type.Optional(Type.String({ maxLength: 140 })),
  app_type: Type.Optional(AppTypeSchema),
  callbacks: Type.Optional(UrlList),
  allowed_logout_urls: Type.Optional(UrlList),
  web_origins: Type.Optional(UrlList),
  allowed_origins: Type.Optional(UrlList),
  grant_types: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 20 })),
  token_endpoint_auth_method: Type.Optional(AuthMethod),
  client_metadata: Type.Optional(ClientMetadata),
  logo_uri: Type.Optional(Type.String({ maxLength: 2048 })),
  is_first_party: Type.Optional(Type.Boolean()),
  oidc_conformant: Type.Optional(Type.Boolean()),
  jwt_configuration: Type.Optional(JwtConfiguration),
  refresh_token: Type.Optional(RefreshTokenBody),
  oidc_logout: Type.Optional(OidcLogoutBody),
};

const Name = Type.String({ minLength: 1, maxLength: 256, pattern: '^[^<>]+$' });

export const CreateClientBody = Type.Object(
  { name: Name, ...settableProperties, client_secret: Type.Optional(ClientSecret) },
  { additionalProperties: false },
);
export type CreateClientBody = Static<typeof CreateClientBody>;

/** client_secret is listed only to answer it with a pointer to rotate-secret rather than a bare "not allowed". */
export const UpdateClientBody = Type.Object(
  { name: Type.Optional(Name), ...settableProperties, client_secret: Type.Optional(Type.String({ maxLength: 512 })) },
  { additionalProperties: false },
);
export type UpdateClientBody = Static<typeof UpdateClientBody>;

const clientProperties = {
  client_id: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  app_type: Type.String(),
  is_first_party: Type.Boolean(),
  /** Auth0's tenant-wide "All Applications" client is global; no Portrait client is. */
  global: Type.Boolean(),
  callbacks: Type.Array(Type.String()),
  allowed_logout_urls: Type.Array(Type.String()),
  web_origins: Type.Array(Type.String()),
  allowed_origins: Type.Array(Type.String()),
  grant_types: Type.Array(Type.String()),
  token_endpoint_auth_method: Type.String(),
  client_metadata: Type.Record(Type.String(), Type.String()),
  logo_uri: Type.Optional(Type.String()),
  oidc_conformant: Type.Boolean(),
  jwt_configuration: Type.Object({ alg: Type.String(), lifetime_in_seconds: Type.Integer() }),
  refresh_token: Type.Object({
    rotation_type: Type.String(), expiration_type: Type.String(), leeway: Type.Integer(), token_lifetime: Type.Integer(),
    infinite_token_lifetime: Type.Boolean(), idle_token_lifetime: Type.Integer(), infinite_idle_token_lifetime: Type.Boolean(),
  }),
  oidc_logout: Type.Object({ backchannel_logout_urls: Type.Array(Type.String()) }),
  created_at: Type.String(),
  updated_at: Type.String(),
};

export const ClientSchema = Type.Object(clientProperties, { additionalProperties: false });
/** The answers of POST /clients and POST /clients/:id/rotate-secret: the only ones with a secret. */
export const ClientWithSecretSchema = Type.Object(
  { ...clientProperties, client_secret: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
/** GET answers, which `fields` may trim. */
export const ClientFieldsSchema = Type.Partial(ClientSchema);
export const ClientsListSchema = Type.Union([
  Type.Array(ClientFieldsSchema),
  Type.Object(
    { start: Type.Integer(), limit: Type.Integer(), total: Type.Integer(), clients: Type.Array(ClientFieldsSchema) },
    { additionalProperties: false },
  ),
]);

export const ClientIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
export type ClientIdParams = Static<typeof ClientIdParams>;

export const ListClientsQuery = Type.Object(
  {
    ...OffsetPaging,
    ...FieldSelection,
    app_type: Type.Optional(Type.String({ maxLength: 256, description: 'Comma-separated app types' })),
    is_first_party: Type.Optional(Type.Boolean()),
    is_global: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ListClientsQuery = Static<typeof ListClientsQuery>;

export const GetClientQuery = Type.Object(FieldSelection, { additionalProperties: false });
export type GetClientQuery = Static<typeof GetClientQuery>;

// Client grants.

const Scopes = Type.Array(Type.String({ minLength: 1, maxLength: 280, pattern: '^\\S+$' }), { maxItems: 500 });

export const CreateGrantBody = Type.Object(
  {
    client_id: Type.String({ minLength: 1, maxLength: 128 }),
    audience: Type.String({ minLength: 1, maxLength: 600 }),
    scope: Type.Optional(Scopes),
  },
  { additionalProperties: false },
);
export type CreateGrantBody = Static<typeof CreateGrantBody>;

export const UpdateGrantBody = Type.Object({ scope: Type.Optional(Scopes) }, { additionalProperties: false });
export type UpdateGrantBody = Static<typeof UpdateGrantBody>;

export const GrantSchema = Type.Object(
  { id: Type.String(), client_id: Type.String(), audience: Type.String(), scope: Type.Array(Type.String()) },
  { additionalProperties: false },
);
// The serializer takes the first branch that validates: the offset envelope must come before the checkpoint one.
export const GrantsListSchema = Type.Union([
  Type.Array(GrantSchema),
  Type.Object(
    { start: Type.Integer(), limit: Type.Integer(), total: Type.Integer(), client_grants: Type.Array(GrantSchema) },
    { additionalProperties: false },
  ),
  Type.Object({ client_grants: Type.Array(GrantSchema), next: Type.Optional(Type.String()) }, { additionalProperties: false }),
]);

export const GrantIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type GrantIdParams = Static<typeof GrantIdParams>;

export const ListGrantsQuery = Type.Object(
  {
    ...OffsetPaging,
    ...CheckpointPaging,
    client_id: Type.Optional(Type.String({ maxLength: 128 })),
    audience: Type.Optional(Type.String({ maxLength: 600 })),
  },
  { additionalProperties: false },
);
export type ListGrantsQuery = Static<typeof ListGrantsQuery>;
