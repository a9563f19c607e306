// /api/v2/roles: roles, the permissions they carry (/roles/{id}/permissions) and their members
// (/roles/{id}/users, offset or checkpoint paging). Deleting a role removes its links in the same transaction.
import type { FastifyInstance } from 'fastify';
import { checkpointPage, offsetPage } from '../management/paging.ts';
import { withErrors } from '../management/schemas.ts';
import { fail } from '../platform/errors.ts';
import {
  CreateRoleBody, ListRolesQuery, RoleIdParams, RoleSchema, RolesListSchema,
  RoleUsersBody, RoleUsersListSchema, RoleUsersQuery, UpdateRoleBody,
} from './authz-schemas.ts';
import type { Authz } from './index.ts';
import { permissionRoutes } from './permission-refs.ts';
import { DuplicateRoleName } from './roles-store.ts';

/** The users domain as the roles routes need it: does a user exist, and the few fields a member list shows. */
export interface AuthzUsersPort {
  get(userId: string): Promise<{ user_id: string; email?: string; name?: string; picture?: string } | null>;
}

export const roleNotFound = (): never => fail('inexistent_role', 'The role does not exist.');
const nameTaken = (name: string): never => fail('conflict', `A role with the name ${name} already exists.`);

export async function rolesRoutes(api: FastifyInstance, opts: { authz: Authz; users: AuthzUsersPort }): Promise<void> {
  const { authz, users } = opts;
  const roles = authz.roles;
  const found = async (id: string) => (await roles.get(id)) ?? roleNotFound();

  api.get<{ Querystring: ListRolesQuery }>('/roles', {
    config: { scopes: ['read:roles'] },
    schema: { tags: ['roles'], querystring: ListRolesQuery, response: withErrors({ 200: RolesListSchema }) },
  }, async (request) => offsetPage(await roles.list(request.query.name_filter), request.query, 'roles'));

  api.post<{ Body: CreateRoleBody }>('/roles', {
    config: { scopes: ['create:roles'] },
    schema: { tags: ['roles'], body: CreateRoleBody, response: withErrors({ 200: RoleSchema }) },
  }, async (request) => {
    try {
      return await roles.create(request.body);
    } catch (error) {
      if (error instanceof DuplicateRoleName) nameTaken(request.body.name);
      throw error;
    }
  });

  api.get<{ Params: RoleIdParams }>('/roles/:id', {
    config: { scopes: ['read:roles'] },
    schema: { tags: ['roles'], params: RoleIdParams, response: withErrors({ 200: RoleSchema }) },
  }, async (request) => found(request.params.id));

  api.patch<{ Params: RoleIdParams; Body: UpdateRoleBody }>('/roles/:id', {
    config: { scopes: ['update:roles'] },
    schema: { tags: ['roles'], params: RoleIdParams, body: UpdateRoleBody, response: withErrors({ 200: RoleSchema }) },
  }, async (request) => {
    await found(request.params.id);
    try {
      return (await roles.update(request.params.id, request.body)) ?? roleNotFound();
    } catch (error) {
      if (error instanceof DuplicateRoleName) nameTaken(request.body.name ?? '');
      throw error;
    }
  });

  api.delete<{ Params: RoleIdParams }>('/roles/:id', {
    config: { scopes: ['delete:roles'] },
    schema: { tags: ['roles'], params: RoleIdParams, response: withErrors({}) },
  }, async (request, reply) => {
    if (!(await roles.delete(request.params.id))) roleNotFound();
    return reply.status(204).send();
  });

  permissionRoutes(api, authz, {
    path: '/roles/:id/permissions',
    tag: 'roles',
    params: RoleIdParams,
    scopes: { read: ['read:roles'], write: ['update:roles'] },
    found,
    list: (id) => roles.rolePermissions(id),
    add: (id, refs) => roles.addRolePermissions(id, refs),
    remove: (id, refs) => roles.removeRolePermissions(id, refs),
  });

  api.get<{ Params: RoleIdParams; Querystring: RoleUsersQuery }>('/roles/:id/users', {
    config: { scopes: ['read:users', 'read:roles', 'read:role_members'] },
    schema: { tags: ['roles'], params: RoleIdParams, querystring: RoleUsersQuery, response: withErrors({ 200: RoleUsersListSchema }) },
  }, async (request) => {
    await found(request.params.id);
    const q = request.query;
    const memberIds = await roles.members(request.params.id);
    const profiles = async (ids: string[]) => {
      const out = [];
      for (const id of ids) {
        const user = await users.get(id);
        if (user) out.push({ user_id: user.user_id, email: user.email, name: user.name, picture: user.picture });
      }
      return out;
    };
    if (q.from !== undefined || q.take !== undefined) {
      const page = checkpointPage(memberIds, (id) => id, q, 'users', 'a member of this role');
      return { ...page, users: await profiles(page.users) };
    }
    const page = offsetPage(memberIds, q, 'users');
    if (Array.isArray(page)) return profiles(page);
    return { ...page, users: await profiles(page.users) };
  });

  api.post<{ Params: RoleIdParams; Body: RoleUsersBody }>('/roles/:id/users', {
    config: { scopes: ['update:roles', 'create:role_members'] },
    schema: { tags: ['roles'], params: RoleIdParams, body: RoleUsersBody, response: withErrors({}) },
  }, async (request, reply) => {
    await found(request.params.id);
    const ids = [...new Set(request.body.users)];
    for (const id of ids) if (!(await users.get(id))) fail('inexistent_user', `The user ${id} does not exist.`);
    await roles.assignUsers(request.params.id, ids);
    return reply.status(200).send();
  });
}
