// TypeBox schemas of the /api/v2/users routes: request bodies as strict as Auth0's (additionalProperties false,
// OAS CreateUserRequestContent / UpdateUserRequestContent) and responses loose where Auth0's are (metadata
// and provider attributes are arbitrary). Value rules with Auth0's wording live in user-rules.ts.
import { Type } from '@sinclair/typebox';
import { FieldSelection, OffsetPaging, QueryBoolean } from '../management/schemas.ts';
import { PROPERTY_DESCRIPTIONS as D } from './validation-messages.ts';
import { SORT_PATTERN } from './search/search-query.ts';

/** A string that `null` removes (PATCH). One JSON-schema type list keeps the validation message simple. */
const Nullable = (options: Record<string, unknown> = {}) => Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
const Text = (name: string, options: Record<string, unknown> = {}) => Type.Optional(Type.String({ description: D[name], ...options }));
const Flag = (name: string) => Type.Optional(Type.Boolean({ description: D[name] }));
const MetadataObject = (name: string) => Type.Optional(Type.Object({}, { additionalProperties: true, description: D[name] }));

export const CreateUserBody = Type.Object(
  {
    connection: Type.String({ minLength: 1, maxLength: 128, description: D.connection }),
    email: Text('email'),
    phone_number: Text('phone_number'),
    user_metadata: MetadataObject('user_metadata'),
    app_metadata: MetadataObject('app_metadata'),
    blocked: Flag('blocked'),
    email_verified: Flag('email_verified'),
    phone_verified: Flag('phone_verified'),
    given_name: Text('given_name'),
    family_name: Text('family_name'),
    name: Text('name'),
    nickname: Text('nickname'),
    picture: Text('picture'),
    user_id: Text('user_id'),
    password: Text('password'),
    verify_email: Flag('verify_email'),
    username: Text('username'),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    blocked: Flag('blocked'),
    email_verified: Flag('email_verified'),
    email: Type.Optional(Nullable({ description: D.email })),
    phone_number: Type.Optional(Nullable({ description: D.phone_number })),
    phone_verified: Flag('phone_verified'),
    user_metadata: MetadataObject('user_metadata'),
    app_metadata: MetadataObject('app_metadata'),
    given_name: Type.Optional(Nullable({ description: D.given_name })),
    family_name: Type.Optional(Nullable({ description: D.family_name })),
    name: Type.Optional(Nullable({ description: D.name })),
    nickname: Type.Optional(Nullable({ description: D.nickname })),
    picture: Type.Optional(Nullable({ description: D.picture })),
    verify_email: Flag('verify_email'),
    verify_phone_number: Type.Optional(Type.Boolean()),
    password: Text('password'),
    connection: Type.Optional(Type.String({ maxLength: 128, description: 'Name of the connection to target for this user update.' })),
    client_id: Type.Optional(Type.String({ maxLength: 128 })),
    username: Type.Optional(Nullable({ description: D.username })),
  },
  { additionalProperties: false },
);

/** One entry of `identities[]` (§1.2); IdP tokens appear only for `read:user_idp_tokens`. */
export const IdentitySchema = Type.Object(
  {
    connection: Type.String(),
    user_id: Type.String(),
    provider: Type.String(),
    isSocial: Type.Boolean(),
    profileData: Type.Optional(Type.Object({}, { additionalProperties: true })),
    access_token: Type.Optional(Type.String()),
    access_token_secret: Type.Optional(Type.String()),
    refresh_token: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

/** Every property optional: `fields` may leave any of them out. Provider attributes pass through. */
export const UserSchema = Type.Object(
  {
    user_id: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    email_verified: Type.Optional(Type.Boolean()),
    username: Type.Optional(Type.String()),
    phone_number: Type.Optional(Type.String()),
    phone_verified: Type.Optional(Type.Boolean()),
    created_at: Type.Optional(Type.String()),
    updated_at: Type.Optional(Type.String()),
    identities: Type.Optional(Type.Array(IdentitySchema)),
    app_metadata: Type.Optional(Type.Object({}, { additionalProperties: true })),
    user_metadata: Type.Optional(Type.Object({}, { additionalProperties: true })),
    picture: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    nickname: Type.Optional(Type.String()),
    given_name: Type.Optional(Type.String()),
    family_name: Type.Optional(Type.String()),
    last_ip: Type.Optional(Type.String()),
    last_login: Type.Optional(Type.String()),
    logins_count: Type.Optional(Type.Integer()),
    blocked: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);

export const UsersEnvelope = Type.Object(
  { start: Type.Integer(), limit: Type.Integer(), length: Type.Integer(), total: Type.Integer(), users: Type.Array(UserSchema) },
  { additionalProperties: false },
);

export const UserIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 512, description: 'ID of the user' }) },
  { additionalProperties: false },
);

export const FieldQuery = Type.Object(FieldSelection, { additionalProperties: false });

export const ByEmailQuery = Type.Object(
  { ...FieldSelection, email: Type.String({ minLength: 1, maxLength: 320, description: 'Email address to search for (case-sensitive).' }) },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    ...OffsetPaging,
    ...FieldSelection,
    sort: Type.Optional(Type.String({ maxLength: 256, pattern: SORT_PATTERN, description: 'Field to sort by: field:1 ascending, field:-1 descending.' })),
    connection: Type.Optional(Type.String({ maxLength: 128, description: 'Connection filter (search_engine=v1 only; ignored).' })),
    q: Type.Optional(Type.String({ maxLength: 2048, description: 'Query in Lucene query string syntax.' })),
    search_engine: Type.Optional(Type.Union([Type.Literal('v1'), Type.Literal('v2'), Type.Literal('v3')])),
    primary_order: Type.Optional(QueryBoolean),
  },
  { additionalProperties: false },
);

export const UserListResponse = Type.Union([Type.Array(UserSchema), UsersEnvelope]);
