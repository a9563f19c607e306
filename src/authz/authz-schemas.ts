// TypeBox schemas of /api/v2/resource-servers, /api/v2/roles and the users' roles and permissions, named and
// bounded as Auth0's OpenAPI document names them. Answer schemas double as allow-lists for the serializer.
import { Type, type Static } from '@sinclair/typebox';
import { CheckpointPaging, OffsetPaging } from '../management/schemas.ts';
import { TOKEN_DIALECTS } from './resource-server-model.ts';

const ScopeValue = Type.String({ minLength: 1, maxLength: 280, pattern: '^\\S+$' });
const ScopeSchema = Type.Object({ value: ScopeValue, description: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
const Dialect = Type.Unsafe<(typeof TOKEN_DIALECTS)[number]>({ type: 'string', enum: [...TOKEN_DIALECTS] });
/** Auth0 caps API token lifetimes at 30 days. */
const Lifetime = Type.Integer({ minimum: 1, maximum: 2_592_000 });
const ApiName = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^<>]+$' });

/** Listed so that a request for another algorithm gets a sentence saying why, not a bare enum error. */
const SigningAlg = Type.String({ maxLength: 16 });

const settable = {
  name: Type.Optional(ApiName),
  scopes: Type.Optional(Type.Array(ScopeSchema, { maxItems: 1000 })),
  signing_alg: Type.Optional(SigningAlg),
  signing_secret: Type.Optional(Type.String({ maxLength: 512 })),
  token_lifetime: Type.Optional(Lifetime),
  token_lifetime_for_web: Type.Optional(Lifetime),
  allow_offline_access: Type.Optional(Type.Boolean()),
  skip_consent_for_verifiable_first_party_clients: Type.Optional(Type.Boolean()),
  enforce_policies: Type.Optional(Type.Boolean()),
  token_dialect: Type.Optional(Dialect),
};

export const CreateResourceServerBody = Type.Object(
  { identifier: Type.String({ minLength: 1, maxLength: 600 }), ...settable },
  { additionalProperties: false },
);
export type CreateResourceServerBody = Static<typeof CreateResourceServerBody>;

/** `identifier` is listed only to refuse it with a sentence: it cannot change. */
export const UpdateResourceServerBody = Type.Object({ ...settable, identifier: Type.Optional(Type.String({ maxLength: 600 })) }, { additionalProperties: false });
export type UpdateResourceServerBody = Static<typeof UpdateResourceServerBody>;

export const ResourceServerSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    identifier: Type.String(),
    is_system: Type.Boolean(),
    scopes: Type.Array(ScopeSchema),
    signing_alg: Type.String(),
    token_lifetime: Type.Integer(),
    token_lifetime_for_web: Type.Integer(),
    allow_offline_access: Type.Boolean(),
    skip_consent_for_verifiable_first_party_clients: Type.Boolean(),
    enforce_policies: Type.Boolean(),
    token_dialect: Type.String(),
  },
  { additionalProperties: false },
);

export const ResourceServersListSchema = Type.Union([
  Type.Array(ResourceServerSchema),
  Type.Object(
    { start: Type.Integer(), limit: Type.Integer(), total: Type.Integer(), resource_servers: Type.Array(ResourceServerSchema) },
    { additionalProperties: false },
  ),
]);

export const ListResourceServersQuery = Type.Object(
  {
    ...OffsetPaging,
    identifiers: Type.Optional(Type.Union([Type.String({ maxLength: 600 }), Type.Array(Type.String({ maxLength: 600 }), { maxItems: 100 })])),
    include_fields: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ListResourceServersQuery = Static<typeof ListResourceServersQuery>;

/** The path names an API by id or by identifier (URL-encoded). */
export const ResourceServerIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 600 }) });
export type ResourceServerIdParams = Static<typeof ResourceServerIdParams>;

// Roles.

const RoleName = Type.String({ minLength: 1, maxLength: 50, pattern: '^[^<>]+$' });
const RoleDescription = Type.String({ maxLength: 140 });

export const CreateRoleBody = Type.Object({ name: RoleName, description: Type.Optional(RoleDescription) }, { additionalProperties: false });
export type CreateRoleBody = Static<typeof CreateRoleBody>;
export const UpdateRoleBody = Type.Object({ name: Type.Optional(RoleName), description: Type.Optional(RoleDescription) }, { additionalProperties: false });
export type UpdateRoleBody = Static<typeof UpdateRoleBody>;

export const RoleSchema = Type.Object(
  { id: Type.String(), name: Type.String(), description: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
export const RolesListSchema = Type.Union([
  Type.Array(RoleSchema),
  Type.Object({ start: Type.Integer(), limit: Type.Integer(), total: Type.Integer(), roles: Type.Array(RoleSchema) }, { additionalProperties: false }),
]);

export const ListRolesQuery = Type.Object(
  { ...OffsetPaging, name_filter: Type.Optional(Type.String({ maxLength: 50 })) },
  { additionalProperties: false },
);
export type ListRolesQuery = Static<typeof ListRolesQuery>;
export const OffsetQuery = Type.Object(OffsetPaging, { additionalProperties: false });
export type OffsetQuery = Static<typeof OffsetQuery>;
export const RoleUsersQuery = Type.Object({ ...OffsetPaging, ...CheckpointPaging }, { additionalProperties: false });
export type RoleUsersQuery = Static<typeof RoleUsersQuery>;

export const RoleIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type RoleIdParams = Static<typeof RoleIdParams>;
export const UserIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 1024 }) });
export type UserIdParams = Static<typeof UserIdParams>;

// Permissions and assignments.

const PermissionRef = Type.Object(
  { resource_server_identifier: Type.String({ minLength: 1, maxLength: 600 }), permission_name: ScopeValue },
  { additionalProperties: false },
);
export const PermissionsBody = Type.Object({ permissions: Type.Array(PermissionRef, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });
export type PermissionsBody = Static<typeof PermissionsBody>;

export const PermissionSchema = Type.Object(
  {
    resource_server_identifier: Type.String(),
    permission_name: Type.String(),
    resource_server_name: Type.String(),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export const PermissionsListSchema = Type.Union([
  Type.Array(PermissionSchema),
  Type.Object({ start: Type.Integer(), limit: Type.Integer(), total: Type.Integer(), permissions: Type.Array(PermissionSchema) }, { additionalProperties: false }),
]);

export const RoleUsersBody = Type.Object({ users: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });
export type RoleUsersBody = Static<typeof RoleUsersBody>;
export const UserRolesBody = Type.Object({ roles: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });
export type UserRolesBody = Static<typeof UserRolesBody>;

const RoleUser = Type.Object(
  { user_id: Type.String(), email: Type.Optional(Type.String()), name: Type.Optional(Type.String()), picture: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
// The serializer takes the first branch that validates: the offset envelope comes before the checkpoint one.
export const RoleUsersListSchema = Type.Union([
  Type.Array(RoleUser),
  Type.Object({ start: Type.Integer(), limit: Type.Integer(), total: Type.Integer(), users: Type.Array(RoleUser) }, { additionalProperties: false }),
  Type.Object({ users: Type.Array(RoleUser), next: Type.Optional(Type.String()) }, { additionalProperties: false }),
]);
