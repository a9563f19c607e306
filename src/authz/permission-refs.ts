// The checks every assignment of permissions makes (to a role, or to a user directly), and the way permissions
// are answered: with their API's name and the scope's description, as Auth0 answers them.
import type { FastifyInstance } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { offsetPage } from '../management/paging.ts';
import { withErrors } from '../management/schemas.ts';
import { fail } from '../platform/errors.ts';
import { OffsetQuery, PermissionsBody, PermissionsListSchema } from './authz-schemas.ts';
import type { Authz } from './index.ts';
import type { ResourceServer } from './resource-server-model.ts';
import type { PermissionRef } from './roles-store.ts';

/** Each permission must name an existing API and a scope that API defines; duplicates are folded. */
export async function checkedPermissions(authz: Authz, refs: PermissionRef[]): Promise<PermissionRef[]> {
  const apis = new Map<string, ResourceServer>();
  const out = new Map<string, PermissionRef>();
  for (const ref of refs) {
    let api = apis.get(ref.resource_server_identifier);
    if (!api) {
      api = (await authz.findApi(ref.resource_server_identifier)) ?? fail('inexistent_resource_server', `The resource server ${ref.resource_server_identifier} does not exist.`);
      apis.set(ref.resource_server_identifier, api);
    }
    if (!api.scopes.some((s) => s.value === ref.permission_name)) {
      fail('invalid_body', `The permission ${ref.permission_name} is not defined by the resource server ${ref.resource_server_identifier}.`);
    }
    // Any spelling of the Management API's identifier is stored as the canonical one.
    const canonical = { resource_server_identifier: api.identifier, permission_name: ref.permission_name };
    out.set(`${canonical.resource_server_identifier}\u0000${canonical.permission_name}`, canonical);
  }
  return [...out.values()];
}

/** Permissions as answered: `resource_server_name` and `description` from the API as it is now. */
export async function describePermissions(authz: Authz, refs: PermissionRef[]) {
  const apis = new Map<string, ResourceServer | null>();
  const out = [];
  for (const ref of refs) {
    if (!apis.has(ref.resource_server_identifier)) apis.set(ref.resource_server_identifier, await authz.findApi(ref.resource_server_identifier));
    const api = apis.get(ref.resource_server_identifier);
    const description = api?.scopes.find((s) => s.value === ref.permission_name)?.description;
    out.push({ ...ref, resource_server_name: api?.name ?? ref.resource_server_identifier, ...(description !== undefined ? { description } : {}) });
  }
  return out;
}

/** What a holder of permissions (a role, or a user directly) offers the three permission routes. */
export interface PermissionHolder {
  /** `/roles/:id/permissions` or `/users/:id/permissions`. */
  path: string;
  tag: string;
  params: TSchema;
  scopes: { read: string[]; write: string[] };
  /** Fails with the holder's 404 when it does not exist. */
  found(id: string): Promise<unknown>;
  list(id: string): Promise<PermissionRef[]>;
  add(id: string, refs: PermissionRef[]): Promise<void>;
  remove(id: string, refs: PermissionRef[]): Promise<void>;
}

/** GET (offset paging), POST and DELETE of a holder's permissions; every named permission is checked first. */
export function permissionRoutes(api: FastifyInstance, authz: Authz, holder: PermissionHolder): void {
  type Params = { id: string };
  api.get<{ Params: Params; Querystring: OffsetQuery }>(holder.path, {
    config: { scopes: holder.scopes.read },
    schema: { tags: [holder.tag], params: holder.params, querystring: OffsetQuery, response: withErrors({ 200: PermissionsListSchema }) },
  }, async (request) => {
    await holder.found(request.params.id);
    return offsetPage(await describePermissions(authz, await holder.list(request.params.id)), request.query, 'permissions');
  });
  for (const [method, status] of [['POST', 201], ['DELETE', 204]] as const) {
    api.route<{ Params: Params; Body: PermissionsBody }>({
      method,
      url: holder.path,
      config: { scopes: holder.scopes.write },
      schema: { tags: [holder.tag], params: holder.params, body: PermissionsBody, response: withErrors({}) },
      handler: async (request, reply) => {
        await holder.found(request.params.id);
        const refs = await checkedPermissions(authz, request.body.permissions);
        await (method === 'POST' ? holder.add : holder.remove)(request.params.id, refs);
        return reply.status(status).send();
      },
    });
  }
}
