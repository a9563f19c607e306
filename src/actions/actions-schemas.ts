// TypeBox schemas of /api/v2/actions, with Auth0's field names (reference §6.5, and the auth0 SDK v7 types).
// Response schemas double as a filter: a secret's schema has only name and updated_at, so the serializer
// cannot write a secret's value even if one reached it.
import { Type, type Static } from '@sinclair/typebox';

const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', description: 'UUID' });

export const ActionIdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const VersionParams = Type.Object({ actionId: Uuid, id: Uuid }, { additionalProperties: false });
export const VersionsListParams = Type.Object({ actionId: Uuid }, { additionalProperties: false });
export const TriggerParams = Type.Object({ triggerId: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }) }, { additionalProperties: false });

const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: 'Zero-based page index' })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Items per page (default 50, max 100)' })),
};
export const PagingQuery = Type.Object(Paging, { additionalProperties: false });
export const ListActionsQuery = Type.Object(
  {
    ...Paging,
    triggerId: Type.Optional(Type.String({ maxLength: 64 })),
    actionName: Type.Optional(Type.String({ maxLength: 128 })),
    deployed: Type.Optional(Type.Boolean()),
    installed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const DeleteActionQuery = Type.Object({ force: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

/** A trigger as clients send it; the descriptive fields GET /actions/triggers returns are accepted and ignored. */
const TriggerRefBody = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    version: Type.Optional(Type.String({ pattern: '^v[0-9]{1,2}$' })),
    status: Type.Optional(Type.String({ maxLength: 32 })),
    runtimes: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 })),
    default_runtime: Type.Optional(Type.String({ maxLength: 32 })),
    compatible_triggers: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 20 })),
    binding_policy: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);
const DependencyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 214 }),
    version: Type.String({ minLength: 1, maxLength: 64 }),
    registry_url: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: false },
);
/** A secret without `value` keeps the value it has (so a client can resend the list without knowing values). */
const SecretBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 128 }), value: Type.Optional(Type.String({ maxLength: 4096 })) },
  { additionalProperties: false },
);
// The item caps below only bound the input; the §6.4 limits (10 dependencies, 30 secrets) are checked in
// ActionsService with messages that name them.
const DraftFields = {
  name: Type.String({ minLength: 1, maxLength: 128 }),
  supported_triggers: Type.Array(TriggerRefBody, { minItems: 1, maxItems: 5 }),
  code: Type.Optional(Type.String({ maxLength: 512 * 1024 })),
  dependencies: Type.Optional(Type.Array(DependencyBody, { maxItems: 100 })),
  runtime: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  secrets: Type.Optional(Type.Array(SecretBody, { maxItems: 200 })),
  modules: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 10 })),
};
export const CreateActionBody = Type.Object({ ...DraftFields, deploy: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const UpdateActionBody = Type.Object(
  { ...DraftFields, name: Type.Optional(DraftFields.name), supported_triggers: Type.Optional(DraftFields.supported_triggers) },
  { additionalProperties: false },
);
export const TestActionBody = Type.Object({ payload: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: false });
export const RollbackBody = Type.Object({ update_draft: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const UpdateBindingsBody = Type.Object(
  {
    bindings: Type.Array(
      Type.Object(
        {
          ref: Type.Object(
            { type: Type.Union([Type.Literal('action_id'), Type.Literal('action_name'), Type.Literal('binding_id')]), value: Type.String({ minLength: 1, maxLength: 128 }) },
            { additionalProperties: false },
          ),
          display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
          secrets: Type.Optional(Type.Array(SecretBody, { maxItems: 50 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

export type CreateActionBody = Static<typeof CreateActionBody>;
export type UpdateActionBody = Static<typeof UpdateActionBody>;
export type UpdateBindingsBody = Static<typeof UpdateBindingsBody>;

// ---- responses ----

const TriggerRefSchema = Type.Object({ id: Type.String(), version: Type.String() });
const DependencySchema = Type.Object({ name: Type.String(), version: Type.String(), registry_url: Type.Optional(Type.String()) });
const SecretSchema = Type.Object({ name: Type.String(), updated_at: Type.String() });
const ErrorItem = Type.Object({
  id: Type.String(),
  msg: Type.String(),
  url: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer({ description: 'Portrait: line of the action code the error points at' })),
  column: Type.Optional(Type.Integer()),
});
const ActionBaseSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  supported_triggers: Type.Array(TriggerRefSchema),
  all_changes_deployed: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export const ActionVersionSchema = Type.Object({
  id: Type.String(),
  action_id: Type.String(),
  code: Type.String(),
  dependencies: Type.Array(DependencySchema),
  deployed: Type.Boolean(),
  runtime: Type.String(),
  secrets: Type.Array(SecretSchema),
  status: Type.Union([Type.Literal('built'), Type.Literal('failed')]),
  number: Type.Integer(),
  errors: Type.Array(ErrorItem),
  action: ActionBaseSchema,
  built_at: Type.Optional(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
  supported_triggers: Type.Array(TriggerRefSchema),
  modules: Type.Array(Type.Object({})),
});
export const ActionSchema = Type.Object({
  ...ActionBaseSchema.properties,
  code: Type.String(),
  dependencies: Type.Array(DependencySchema),
  runtime: Type.String(),
  secrets: Type.Array(SecretSchema),
  deployed_version: Type.Optional(ActionVersionSchema),
  status: Type.String(),
  built_at: Type.String(),
  deploy: Type.Boolean(),
  modules: Type.Array(Type.Object({})),
});
const Envelope = { total: Type.Integer(), page: Type.Integer(), per_page: Type.Integer() };
export const ActionsListSchema = Type.Object({ ...Envelope, actions: Type.Array(ActionSchema) });
export const VersionsListSchema = Type.Object({ ...Envelope, versions: Type.Array(ActionVersionSchema) });
export const BindingSchema = Type.Object({
  id: Type.String(),
  trigger_id: Type.String(),
  display_name: Type.String(),
  action: ActionSchema,
  created_at: Type.String(),
  updated_at: Type.String(),
});
export const BindingsListSchema = Type.Object({ ...Envelope, bindings: Type.Array(BindingSchema) });
export const BindingsUpdatedSchema = Type.Object({ bindings: Type.Array(BindingSchema) });
export const TriggersListSchema = Type.Object({
  triggers: Type.Array(
    Type.Object({
      id: Type.String(),
      version: Type.String(),
      status: Type.String(),
      runtimes: Type.Array(Type.String()),
      default_runtime: Type.String(),
      compatible_triggers: Type.Array(Type.Object({ id: Type.String(), version: Type.String() })),
      binding_policy: Type.String(),
    }),
  ),
});
