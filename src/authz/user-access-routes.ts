// /api/v2/users/{id}/roles and /api/v2/users/{id}/permissions: a user's roles and direct permissions, with
// Auth0's offset paging. GET /users/{id}/permissions lists the permissions given directly, as Auth0's does.
import type { FastifyInstance } from 'fastify';
import { offsetPage } from '../management/paging.ts';
import { withErrors } from '../management/schemas.ts';
import { fail } from '../platform/errors.ts';
import { OffsetQuery, RolesListSchema, UserIdParams, UserRolesBody } from './authz-schemas.ts';
import type { Authz } from './index.ts';
import { permissionRoutes } from './permission-refs.ts';
import type { AuthzUsersPort } from './roles-routes.ts';

export async function userAccessRoutes(api: FastifyInstance, opts: { authz: Authz; users: AuthzUsersPort }): Promise<void> {
  const { authz, users } = opts;
  const roles = authz.roles;
  const userFound = async (id: string) => {
    if (!(await users.get(id))) fail('inexistent_user', 'The user does not exist.');
  };
  const rolesFound = async (ids: string[]) => {
    const unique = [...new Set(ids)];
    const existing = await roles.existing(unique);
    const missing = unique.find((id) => !existing.has(id));
    if (missing) fail('inexistent_role', `The role ${missing} does not exist.`);
    return unique;
  };

  api.get<{ Params: UserIdParams; Querystring: OffsetQuery }>('/users/:id/roles', {
    config: { scopes: ['read:users', 'read:roles', 'read:role_members'] },
    schema: { tags: ['users'], params: UserIdParams, querystring: OffsetQuery, response: withErrors({ 200: RolesListSchema }) },
  }, async (request) => {
    await userFound(request.params.id);
    return offsetPage(await roles.rolesOf(request.params.id), request.query, 'roles');
  });

  api.post<{ Params: UserIdParams; Body: UserRolesBody }>('/users/:id/roles', {
    config: { scopes: ['update:users', 'create:role_members'] },
    schema: { tags: ['users'], params: UserIdParams, body: UserRolesBody, response: withErrors({}) },
  }, async (request, reply) => {
    await userFound(request.params.id);
    await roles.assignRoles(request.params.id, await rolesFound(request.body.roles));
    return reply.status(201).send();
  });

  api.delete<{ Params: UserIdParams; Body: UserRolesBody }>('/users/:id/roles', {
    config: { scopes: ['update:users', 'delete:role_members'] },
    schema: { tags: ['users'], params: UserIdParams, body: UserRolesBody, response: withErrors({}) },
  }, async (request, reply) => {
    await userFound(request.params.id);
    await roles.removeRoles(request.params.id, await rolesFound(request.body.roles));
    return reply.status(204).send();
  });

  permissionRoutes(api, authz, {
    path: '/users/:id/permissions',
    tag: 'users',
    params: UserIdParams,
    scopes: { read: ['read:users'], write: ['update:users'] },
    found: userFound,
    list: (id) => roles.userPermissions(id),
    add: (id, refs) => roles.addUserPermissions(id, refs),
    remove: (id, refs) => roles.removeUserPermissions(id, refs),
  });
}
