// Management API v2: the sign-in sessions and what they issued, as Auth0 exposes them — /sessions,
// /users/{id}/sessions, /refresh-tokens, /users/{id}/refresh-tokens, /grants and /device-credentials (refresh
// tokens only: Portrait has no public-key device credentials). Ending a session tells its apps over back-channel
// logout; revoking it also kills the refresh tokens it issued.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CheckpointPaging, OffsetPaging, selectFields, withErrors } from '../management/schemas.ts';
import { fail } from '../platform/errors.ts';
import { notifyBackchannelLogout } from './backchannel-logout.ts';
import type { ProviderHost } from './provider-host.ts';
import type { RefreshTokenView, SessionRecords } from './session-records.ts';
import type { LoginUsersPort } from './users-port.ts';

const Id = Type.String({ minLength: 1, maxLength: 255 });
const IdParams = Type.Object({ id: Id });
const Date_ = Type.Optional(Type.String());
const Device = Type.Record(Type.String(), Type.String());

const SessionSchema = Type.Object({
  id: Type.String(), user_id: Type.String(), created_at: Date_, updated_at: Date_, authenticated_at: Date_, idle_expires_at: Date_,
  expires_at: Date_, last_interacted_at: Date_, device: Device, clients: Type.Array(Type.Object({ client_id: Type.String() })),
  authentication: Type.Object({ methods: Type.Array(Type.Object({ name: Type.String(), timestamp: Date_ })) }),
  cookie: Type.Object({ mode: Type.String() }),
});
const RefreshTokenSchema = Type.Object({
  id: Type.String(), user_id: Type.String(), created_at: Date_, idle_expires_at: Date_, expires_at: Date_, device: Device,
  client_id: Type.String(), session_id: Type.Union([Type.String(), Type.Null()]), rotating: Type.Boolean(),
  resource_servers: Type.Array(Type.Object({ audience: Type.String(), scopes: Type.String() })), last_exchanged_at: Date_,
});
const GrantSchema = Type.Object({ id: Type.String(), clientID: Type.String(), user_id: Type.String(), audience: Type.String(), scope: Type.Array(Type.String()) });
const DeviceCredentialSchema = Type.Object({ id: Type.String(), device_name: Type.String(), type: Type.String(), user_id: Type.String(), client_id: Type.String() });

const CheckpointQuery = Type.Object({ ...CheckpointPaging, include_totals: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const GrantsQuery = Type.Object(
  { ...OffsetPaging, user_id: Type.Optional(Id), client_id: Type.Optional(Id), audience: Type.Optional(Type.String({ maxLength: 600 })) },
  { additionalProperties: false },
);
const DeleteGrantsQuery = Type.Object({ user_id: Id }, { additionalProperties: false });
const DeviceCredentialsQuery = Type.Object(
  {
    ...OffsetPaging,
    user_id: Type.Optional(Id),
    client_id: Type.Optional(Id),
    type: Type.Optional(Type.Union([Type.Literal('public_key'), Type.Literal('refresh_token'), Type.Literal('rotating_refresh_token')])),
    fields: Type.Optional(Type.String({ maxLength: 2048 })),
    include_fields: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Checkpoint paging over a list ordered by the store: `from` is the last id of the previous page. */
function checkpoint<T extends { id: string }>(items: T[], query: { from?: string; take?: number }): { page: T[]; next?: string } {
  const start = query.from ? items.findIndex((i) => i.id === query.from) + 1 : 0;
  if (query.from && start === 0) fail('invalid_paging', `The "from" checkpoint ${query.from} is not in this list.`);
  const take = query.take ?? 50;
  const page = items.slice(start, start + take);
  return start + take < items.length ? { page, next: page[page.length - 1].id } : { page };
}

function offset<T>(items: T[], query: { page?: number; per_page?: number; include_totals?: boolean }, key: string) {
  const perPage = query.per_page ?? 50;
  const start = (query.page ?? 0) * perPage;
  const page = items.slice(start, start + perPage);
  return query.include_totals ? { start, limit: perPage, total: items.length, [key]: page } : page;
}

const deviceCredential = (token: RefreshTokenView) => ({
  id: token.id,
  device_name: '',
  type: token.rotating ? 'rotating_refresh_token' : 'refresh_token',
  user_id: token.user_id,
  client_id: token.client_id,
});

export async function sessionRoutes(api: FastifyInstance, opts: { records: SessionRecords; host: ProviderHost; users: LoginUsersPort }): Promise<void> {
  const { records, host, users } = opts;
  const userExists = async (id: string) => (await users.get(id)) ?? fail('inexistent_user', 'The user does not exist.');
  const sessionFound = async (id: string) => (await records.session(id)) ?? fail('not_found', 'The session does not exist.');

  /** Deletes a session (and with `revoke`, its refresh tokens), then tells its apps over back-channel logout. */
  const endSession = async (id: string, revoke: boolean) => {
    const payload = await records.sessionPayload(id);
    if (!payload?.accountId) fail('not_found', 'The session does not exist.');
    if (revoke) for (const grantId of await records.refreshTokenGrantIds({ sessionId: id })) await records.revokeGrant(grantId);
    await records.deleteSession(id);
    const { provider } = await host.current();
    await notifyBackchannelLogout(provider, payload as { uid: string }, (err, clientId) => api.log.warn({ err, clientId }, 'back-channel logout notification failed'));
  };

  api.get<{ Params: Static<typeof IdParams> }>('/sessions/:id', {
    config: { scopes: ['read:sessions'] },
    schema: { tags: ['sessions'], params: IdParams, response: withErrors({ 200: SessionSchema }) },
  }, async (request) => sessionFound(request.params.id));

  api.delete<{ Params: Static<typeof IdParams> }>('/sessions/:id', {
    config: { scopes: ['delete:sessions'] },
    schema: { tags: ['sessions'], params: IdParams, response: withErrors({}) },
  }, async (request, reply) => {
    await endSession(request.params.id, false);
    return reply.status(200).send();
  });

  api.post<{ Params: Static<typeof IdParams> }>('/sessions/:id/revoke', {
    config: { scopes: ['delete:sessions'] },
    schema: { tags: ['sessions'], params: IdParams, response: withErrors({}) },
  }, async (request, reply) => {
    await endSession(request.params.id, true);
    return reply.status(202).send();
  });

  api.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof CheckpointQuery> }>('/users/:id/sessions', {
    config: { scopes: ['read:sessions'] },
    schema: { tags: ['sessions'], params: IdParams, querystring: CheckpointQuery, response: withErrors({ 200: Type.Object({ sessions: Type.Array(SessionSchema), next: Type.Optional(Type.String()) }) }) },
  }, async (request) => {
    await userExists(request.params.id);
    const { page, next } = checkpoint(await records.sessionsOf(request.params.id), request.query);
    return { sessions: page, ...(next ? { next } : {}) };
  });

  api.delete<{ Params: Static<typeof IdParams> }>('/users/:id/sessions', {
    config: { scopes: ['delete:sessions'] },
    schema: { tags: ['sessions'], params: IdParams, response: withErrors({}) },
  }, async (request, reply) => {
    await userExists(request.params.id);
    for (const session of await records.sessionsOf(request.params.id)) await endSession(session.id, false);
    return reply.status(202).send();
  });

  api.get<{ Params: Static<typeof IdParams> }>('/refresh-tokens/:id', {
    config: { scopes: ['read:refresh_tokens'] },
    schema: { tags: ['refresh-tokens'], params: IdParams, response: withErrors({ 200: RefreshTokenSchema }) },
  }, async (request) => (await records.refreshToken(request.params.id)) ?? fail('not_found', 'The refresh token does not exist.'));

  api.delete<{ Params: Static<typeof IdParams> }>('/refresh-tokens/:id', {
    config: { scopes: ['delete:refresh_tokens'] },
    schema: { tags: ['refresh-tokens'], params: IdParams, response: withErrors({}) },
  }, async (request, reply) => {
    if (!(await records.refreshToken(request.params.id))) fail('not_found', 'The refresh token does not exist.');
    await records.revokeGrant(request.params.id);
    return reply.status(202).send();
  });

  api.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof CheckpointQuery> }>('/users/:id/refresh-tokens', {
    config: { scopes: ['read:refresh_tokens'] },
    schema: { tags: ['refresh-tokens'], params: IdParams, querystring: CheckpointQuery, response: withErrors({ 200: Type.Object({ tokens: Type.Array(RefreshTokenSchema), next: Type.Optional(Type.String()) }) }) },
  }, async (request) => {
    await userExists(request.params.id);
    const { page, next } = checkpoint(await records.refreshTokensOf(request.params.id), request.query);
    return { tokens: page, ...(next ? { next } : {}) };
  });

  api.delete<{ Params: Static<typeof IdParams> }>('/users/:id/refresh-tokens', {
    config: { scopes: ['delete:refresh_tokens'] },
    schema: { tags: ['refresh-tokens'], params: IdParams, response: withErrors({}) },
  }, async (request, reply) => {
    await userExists(request.params.id);
    for (const grantId of await records.refreshTokenGrantIds({ userId: request.params.id })) await records.revokeGrant(grantId);
    return reply.status(202).send();
  });

  api.get<{ Querystring: Static<typeof GrantsQuery> }>('/grants', {
    config: { scopes: ['read:grants'] },
    schema: { tags: ['grants'], querystring: GrantsQuery, response: withErrors({ 200: Type.Union([Type.Array(GrantSchema), Type.Object({ start: Type.Integer(), limit: Type.Integer(), total: Type.Integer(), grants: Type.Array(GrantSchema) })]) }) },
  }, async (request) => offset(await records.grants(request.query), request.query, 'grants'));

  api.delete<{ Params: Static<typeof IdParams> }>('/grants/:id', {
    config: { scopes: ['delete:grants'] },
    schema: { tags: ['grants'], params: IdParams, response: withErrors({}) },
  }, async (request, reply) => {
    if (!(await records.grantExists(request.params.id))) fail('not_found', 'The grant does not exist.');
    await records.revokeGrant(request.params.id);
    return reply.status(204).send();
  });

  api.delete<{ Querystring: Static<typeof DeleteGrantsQuery> }>('/grants', {
    config: { scopes: ['delete:grants'] },
    schema: { tags: ['grants'], querystring: DeleteGrantsQuery, response: withErrors({}) },
  }, async (request, reply) => {
    for (const grant of await records.grants({ user_id: request.query.user_id })) await records.revokeGrant(grant.id);
    return reply.status(204).send();
  });

  api.get<{ Querystring: Static<typeof DeviceCredentialsQuery> }>('/device-credentials', {
    config: { scopes: ['read:device_credentials'] },
    schema: {
      tags: ['device-credentials'], querystring: DeviceCredentialsQuery,
      response: withErrors({ 200: Type.Union([Type.Array(Type.Partial(DeviceCredentialSchema)), Type.Object({ start: Type.Integer(), limit: Type.Integer(), total: Type.Integer(), device_credentials: Type.Array(Type.Partial(DeviceCredentialSchema)) })]) }),
    },
  }, async (request) => {
    const { type, user_id, client_id, fields, include_fields } = request.query;
    // Portrait issues no public-key credentials; every refresh token is listed, rotating or not, under refresh_token.
    const tokens = type === 'public_key' ? [] : await records.refreshTokens({ user_id, client_id });
    const credentials = tokens.map(deviceCredential).filter((c) => type !== 'rotating_refresh_token' || c.type === type);
    return offset(selectFields(credentials, fields, include_fields !== false), request.query, 'device_credentials');
  });

  api.delete<{ Params: Static<typeof IdParams> }>('/device-credentials/:id', {
    config: { scopes: ['delete:device_credentials'] },
    schema: { tags: ['device-credentials'], params: IdParams, response: withErrors({}) },
  }, async (request, reply) => {
    if (!(await records.refreshToken(request.params.id))) fail('not_found', 'The device credential does not exist.');
    await records.revokeGrant(request.params.id);
    return reply.status(204).send();
  });
}
