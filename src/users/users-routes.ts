// /api/v2/users and /api/v2/users-by-email, as Auth0 answers them (reference §3). Scopes on every route; user
// tokens reach only their own user; every client mistake is a 4xx in Auth0's shape (schema-errors.ts).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance } from 'fastify';
import { selectFields, withErrors } from '../management/schemas.ts';
import { ApiError } from '../platform/errors.ts';
import { auth0ValidationError } from './schema-errors.ts';
import type { PasswordChange, VerificationRequest } from './user-events.ts';
import { assertMayPatch, requireFor, withoutIdpTokens } from './user-access.ts';
import type { User } from './user-model.ts';
import {
  ByEmailQuery, CreateUserBody, FieldQuery, ListQuery, UpdateUserBody, UserIdParams, UserListResponse, UserSchema,
} from './users-schemas.ts';
import { notFound, type UsersStore } from './users-store.ts';
import { validationError } from './validation-messages.ts';

/** GET /users/{id} and /users-by-email accept only these in `fields` (OAS pattern). */
const SINGLE_USER_FIELDS = [
  'phone_number', 'email', 'email_verified', 'picture', 'username', 'user_id', 'name', 'nickname', 'created_at', 'identities',
  'app_metadata', 'user_metadata', 'last_ip', 'last_login', 'logins_count', 'updated_at', 'blocked', 'family_name', 'given_name',
];
const FIELDS_PATTERN = `^((${SINGLE_USER_FIELDS.join(')|(')}))(,((${SINGLE_USER_FIELDS.join(')|(')})))*$`;

/** Auth0's search returns at most the first 1,000 results of a query. */
export const MAX_SEARCH_RESULTS = 1000;

function checkedFields(fields: string | undefined): string | undefined {
  if (fields === undefined || fields === '') return undefined;
  if (!fields.split(',').every((f) => SINGLE_USER_FIELDS.includes(f))) {
    throw validationError(`String does not match pattern ${FIELDS_PATTERN}: ${fields}`, 'fields', 'querystring');
  }
  return fields;
}

const shown = (users: User[], fields: string | undefined, include: boolean | undefined) => selectFields(users, fields, include !== false);

export async function usersRoutes(api: FastifyInstance, opts: { users: UsersStore }): Promise<void> {
  const { users } = opts;
  api.setErrorHandler((error: FastifyError, request) => {
    throw error.validation ? auth0ValidationError(error, request) : error;
  });

  api.post<{ Body: Static<typeof CreateUserBody> }>('/users', {
    config: { scopes: ['create:users'] },
    schema: { tags: ['users'], body: CreateUserBody, response: withErrors({ 201: UserSchema }) },
  }, async (request, reply) => {
    const created = await users.create(request.body);
    // Auth0: a user created with an unverified address gets a verification mail unless verify_email is false.
    const verify = request.body.verify_email ?? created.email_verified !== true;
    if (verify && created.email) await users.verificationRequests.announce({ user: created as unknown as VerificationRequest['user'] });
    return reply.status(201).send(created);
  });

  api.get<{ Params: Static<typeof UserIdParams>; Querystring: Static<typeof FieldQuery> }>('/users/:id', {
    config: { scopes: ['read:users', 'read:current_user', 'read:user_idp_tokens'] },
    schema: { tags: ['users'], params: UserIdParams, querystring: FieldQuery, response: withErrors({ 200: UserSchema }) },
  }, async (request) => {
    const { id } = request.params;
    requireFor(request, id, { client: ['read:users', 'read:user_idp_tokens'], user: ['read:current_user'] });
    const fields = checkedFields(request.query.fields);
    const user = await users.get(id);
    if (!user) throw notFound();
    return shown([withoutIdpTokens(user, request)], fields, request.query.include_fields)[0];
  });

  api.patch<{ Params: Static<typeof UserIdParams>; Body: Static<typeof UpdateUserBody> }>('/users/:id', {
    config: {
      scopes: ['update:users', 'update:users_app_metadata', 'update:current_user_metadata', 'create:current_user_metadata', 'delete:current_user_metadata'],
    },
    schema: { tags: ['users'], params: UserIdParams, body: UpdateUserBody, response: withErrors({ 200: UserSchema }) },
  }, async (request) => {
    const { id } = request.params;
    const patch = request.body ?? {};
    await assertMayPatch(request, id, patch, () => users.get(id));
    const updated = await users.update(id, patch, { userContext: request.principal.kind === 'user' });
    if (typeof patch.password === 'string') {
      await users.passwordChanges.announce({
        user: updated as unknown as PasswordChange['user'],
        request: { ip: request.ip, method: request.method, hostname: request.hostname, user_agent: request.headers['user-agent'], language: request.headers['accept-language']?.split(',')[0] },
      });
    }
    // An address changed through PATCH is unverified again (users-store) and gets a verification mail, unless the
    // caller marked it verified or said verify_email: false; verify_email: true always sends one.
    const emailChanged = typeof patch.email === 'string' && patch.email_verified !== true && patch.verify_email !== false;
    if ((patch.verify_email === true || emailChanged) && updated.email) {
      await users.verificationRequests.announce({ user: updated as unknown as VerificationRequest['user'] });
    }
    return withoutIdpTokens(updated, request);
  });

  api.delete<{ Params: Static<typeof UserIdParams> }>('/users/:id', {
    config: { scopes: ['delete:users', 'delete:current_user'] },
    schema: { tags: ['users'], params: UserIdParams, response: withErrors({}) },
  }, async (request, reply) => {
    const { id } = request.params;
    requireFor(request, id, { client: ['delete:users'], user: ['delete:current_user'] });
    // Idempotent, as on Auth0: deleting a user that is already gone is still a 204.
    await users.delete(id);
    return reply.status(204).send();
  });

  api.get<{ Querystring: Static<typeof ByEmailQuery> }>('/users-by-email', {
    config: { scopes: ['read:users'] },
    schema: { tags: ['users'], querystring: ByEmailQuery, response: withErrors({ 200: Type.Array(UserSchema) }) },
  }, async (request) => {
    const fields = checkedFields(request.query.fields);
    const found = await users.getByEmail(request.query.email);
    return shown(found.map((u) => withoutIdpTokens(u, request)), fields, request.query.include_fields);
  });

  api.get<{ Querystring: Static<typeof ListQuery> }>('/users', {
    config: { scopes: ['read:users', 'read:user_idp_tokens'] },
    schema: { tags: ['users'], querystring: ListQuery, response: withErrors({ 200: UserListResponse }) },
  }, async (request) => {
    const q = request.query;
    if (q.search_engine === 'v1') throw new ApiError('invalid_query_string', 'You are not allowed to use search_engine=v1.');
    if (q.search_engine === 'v2') throw new ApiError('invalid_query_string', 'You are not allowed to use search_engine=v2. Use search_engine=v3 instead.');
    const page = q.page ?? 0;
    const perPage = q.per_page ?? 50;
    if (page * perPage + perPage > MAX_SEARCH_RESULTS) {
      throw new ApiError('invalid_paging', 'You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation.');
    }
    const result = await users.search({ q: q.q, sort: q.sort, page, perPage, includeTotals: q.include_totals === true });
    const list = shown(result.users.map((u) => withoutIdpTokens(u, request)), q.fields, q.include_fields);
    if (!q.include_totals) return list;
    return { start: page * perPage, limit: perPage, length: list.length, total: result.total ?? 0, users: list };
  });
}
