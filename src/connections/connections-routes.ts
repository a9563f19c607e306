// /api/v2/connections: database, social and enterprise (OIDC, OAuth 2.0) connections with their options and
// enabled clients. Each strategy's options are checked (connection-options.ts); secrets never leave.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { fail } from '../platform/errors.ts';
import { CheckpointPaging, FieldSelection, OffsetPaging, selectFields, withErrors } from '../management/schemas.ts';
import { checkFederatedOptions, isFederatedStrategy, keepStoredSecrets } from './connection-options.ts';
import { ADMIN_CONNECTION, DATABASE_STRATEGIES, isAdminConnection, type Connection, type ConnectionsStore } from './connections-store.ts';
import { SECRET_OPTIONS } from './strategies.ts';

const Name = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9](-?[a-zA-Z0-9])*$' });

export const DatabaseConnectionOptions = Type.Object(
  {
    requires_username: Type.Optional(Type.Boolean()),
    disable_signup: Type.Optional(Type.Boolean()),
    brute_force_protection: Type.Optional(Type.Boolean()),
    passwordPolicy: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('low'), Type.Literal('fair'), Type.Literal('good'), Type.Literal('excellent'), Type.Null()])),
    password_complexity_options: Type.Optional(Type.Object({ min_length: Type.Optional(Type.Integer({ minimum: 1, maximum: 128 })) })),
    validation: Type.Optional(Type.Object({ username: Type.Optional(Type.Object({ min: Type.Integer({ minimum: 1, maximum: 128 }), max: Type.Integer({ minimum: 1, maximum: 128 }) })) })),
    set_user_root_attributes: Type.Optional(Type.Union([Type.Literal('on_each_login'), Type.Literal('on_first_login'), Type.Literal('never_on_login')])),
    non_persistent_attrs: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 50 })),
  },
  { additionalProperties: true },
);

const Metadata = Type.Record(Type.String({ maxLength: 255 }), Type.String({ maxLength: 255 }), { maxProperties: 10 });
const ClientIds = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 1000 });

const ConnectionBody = Type.Object(
  {
    name: Name,
    strategy: Type.String({ minLength: 1, maxLength: 64 }),
    display_name: Type.Optional(Type.String({ maxLength: 128 })),
    options: Type.Optional(DatabaseConnectionOptions),
    enabled_clients: Type.Optional(ClientIds),
    is_domain_connection: Type.Optional(Type.Boolean()),
    realms: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 10 })),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);
// Name and strategy are fixed once a connection exists.
const ConnectionPatch = Type.Omit(ConnectionBody, ['name', 'strategy'], { additionalProperties: false });

const ConnectionSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    strategy: Type.String(),
    display_name: Type.Optional(Type.String()),
    options: Type.Record(Type.String(), Type.Unknown()),
    enabled_clients: Type.Array(Type.String()),
    is_domain_connection: Type.Boolean(),
    realms: Type.Array(Type.String()),
    metadata: Type.Record(Type.String(), Type.String()),
  },
  { $id: 'Connection', additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const ListQuery = Type.Object(
  {
    ...OffsetPaging,
    ...CheckpointPaging,
    ...FieldSelection,
    strategy: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })])),
    name: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);

/** What leaves the server: secrets an upstream gave us (options.client_secret, Apple's app_secret) never do. */
export function publicConnection(connection: Connection): Connection {
  const options = { ...connection.options };
  for (const key of SECRET_OPTIONS) delete options[key];
  return { ...connection, options };
}

export async function connectionsRoutes(api: FastifyInstance, opts: { connections: ConnectionsStore }): Promise<void> {
  const { connections } = opts;
  const found = async (id: string) => (await connections.get(id)) ?? fail('inexistent_connection', 'The connection does not exist.');

  api.get<{ Querystring: Static<typeof ListQuery> }>('/connections', {
    config: { scopes: ['read:connections'] },
    schema: { tags: ['connections'], querystring: ListQuery, response: withErrors({}) },
  }, async (request) => {
    const q = request.query;
    const strategy = q.strategy === undefined ? undefined : Array.isArray(q.strategy) ? q.strategy : [q.strategy];
    const all = (await connections.list({ strategy, name: q.name })).map(publicConnection);
    const shown = (items: Connection[]) => selectFields(items, q.fields, q.include_fields !== false);
    if (q.from !== undefined || q.take !== undefined) {
      const start = q.from ? all.findIndex((c) => c.id === q.from) : 0;
      if (start < 0) fail('invalid_paging', 'The "from" value does not name a connection.');
      const take = q.take ?? 50;
      const page = all.slice(start, start + take);
      const next = all[start + take]?.id;
      return next ? { connections: shown(page), next } : { connections: shown(page) };
    }
    const perPage = q.per_page ?? 50;
    const pageIndex = q.page ?? 0;
    const page = all.slice(pageIndex * perPage, pageIndex * perPage + perPage);
    if (q.include_totals) return { total: all.length, start: pageIndex * perPage, limit: perPage, connections: shown(page) };
    return shown(page);
  });

  api.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof FieldQuery> }>('/connections/:id', {
    config: { scopes: ['read:connections'] },
    schema: { tags: ['connections'], params: IdParams, querystring: FieldQuery, response: withErrors({}) },
  }, async (request) => selectFields([publicConnection(await found(request.params.id))], request.query.fields, request.query.include_fields !== false)[0]);

  api.post<{ Body: Static<typeof ConnectionBody> }>('/connections', {
    config: { scopes: ['create:connections'] },
    schema: { tags: ['connections'], body: ConnectionBody, response: withErrors({ 201: ConnectionSchema }) },
  }, async (request, reply) => {
    const body = request.body;
    if (!DATABASE_STRATEGIES.has(body.strategy) && !isFederatedStrategy(body.strategy)) {
      fail('bad_request', `Strategy "${body.strategy}" is not supported. Supported strategies: auth0, oidc, oauth2, google-oauth2, github, facebook, apple, windowslive.`);
    }
    checkFederatedOptions(body.strategy, body.options ?? {});
    if (await connections.getByName(body.name)) fail('conflict', 'A connection with the same name already exists');
    const created = await connections.create(body);
    return reply.status(201).send(publicConnection(created));
  });

  api.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof ConnectionPatch> }>('/connections/:id', {
    config: { scopes: ['update:connections'] },
    schema: { tags: ['connections'], params: IdParams, body: ConnectionPatch, response: withErrors({ 200: ConnectionSchema }) },
  }, async (request) => {
    const current = await found(request.params.id);
    // As on Auth0, `options` replaces the whole options object: send every option you want to keep (secrets,
    // which are never shown, excepted: left out, they are kept).
    const changes = { ...request.body };
    if (isAdminConnection(current) && changes.enabled_clients && changes.enabled_clients.join() !== current.enabled_clients.join()) {
      fail('operation_not_supported', `The ${ADMIN_CONNECTION} connection signs in the dashboard's administrators only; its enabled_clients cannot be changed.`);
    }
    if (changes.options !== undefined && isFederatedStrategy(current.strategy)) {
      changes.options = keepStoredSecrets(current.options, changes.options);
      checkFederatedOptions(current.strategy, changes.options);
    }
    const updated = await connections.update(request.params.id, changes);
    return publicConnection(updated ?? fail('inexistent_connection', 'The connection does not exist.'));
  });

  api.delete<{ Params: Static<typeof IdParams> }>('/connections/:id', {
    config: { scopes: ['delete:connections'] },
    schema: { tags: ['connections'], params: IdParams, response: withErrors({}) },
  }, async (request, reply) => {
    if (!(await connections.delete(request.params.id))) fail('inexistent_connection', 'The connection does not exist.');
    return reply.status(202).send();
  });
}

const FieldQuery = Type.Object(FieldSelection, { additionalProperties: false });
