// /api/v2/client-grants: which APIs (audiences) a client may get tokens for with client_credentials, and with
// which scopes. As on Auth0, a grant names an existing API (the Management API or one of /resource-servers) and
// only scopes that API defines; the authz domain answers which APIs exist.
import type { FastifyInstance } from 'fastify';
import type { ManagementAudience } from '../management/access-tokens.ts';
import { checkpointPage, offsetPage } from '../management/paging.ts';
import { withErrors } from '../management/schemas.ts';
import { fail } from '../platform/errors.ts';
import {
  CreateGrantBody,
  GrantIdParams,
  GrantSchema,
  GrantsListSchema,
  ListGrantsQuery,
  UpdateGrantBody,
} from './client-schemas.ts';
import type { ClientGrant, ClientsStore } from './clients-store.ts';

/** The APIs a grant may name (the authz domain's registry). */
export interface GrantAudiences {
  findApi(audience: string): Promise<{ identifier: string; name: string; scopes: Array<{ value: string }> } | null>;
}

export async function clientGrantsRoutes(
  api: FastifyInstance,
  opts: { clients: ClientsStore; managementAudience: ManagementAudience; apis: GrantAudiences },
): Promise<void> {
  const { clients, managementAudience, apis } = opts;
  const found = async (id: string) => (await clients.getGrant(id)) ?? fail('inexistent_client_grant', 'The client grant does not exist.');
  /** Every spelling of the Management API's identifier (the SDK writes https://) is stored as the canonical one. */
  const canonicalAudience = (audience: string) => (managementAudience.accepted.includes(audience) ? managementAudience.canonical : audience);

  async function checkedScopes(audience: string, scope: string[]): Promise<string[]> {
    const unique = [...new Set(scope)];
    const target = (await apis.findApi(audience)) ?? fail('inexistent_resource_server', `The resource server ${audience} does not exist.`);
    const defined = new Set(target.scopes.map((s) => s.value));
    const unknown = unique.filter((s) => !defined.has(s));
    if (unknown.length > 0) {
      fail('invalid_body', `Payload validation error: 'not scopes of the ${target.name} (${target.identifier}): ${unknown.join(', ')}' on property scope.`);
    }
    return unique;
  }

  api.get<{ Querystring: ListGrantsQuery }>('/client-grants', {
    config: { scopes: ['read:client_grants'] },
    schema: { tags: ['client-grants'], querystring: ListGrantsQuery, response: withErrors({ 200: GrantsListSchema }) },
  }, async (request) => {
    const q = request.query;
    const all = await clients.listGrants({ client_id: q.client_id, audience: q.audience === undefined ? undefined : canonicalAudience(q.audience) });
    // Checkpoint paging (what the auth0 SDK sends: take=50 and include_totals) answers {client_grants, next}.
    if (q.from !== undefined || q.take !== undefined) return checkpointPage(all, (g) => g.id, q, 'client_grants', 'a client grant');
    return offsetPage(all, q, 'client_grants');
  });

  api.get<{ Params: GrantIdParams }>('/client-grants/:id', {
    config: { scopes: ['read:client_grants'] },
    schema: { tags: ['client-grants'], params: GrantIdParams, response: withErrors({ 200: GrantSchema }) },
  }, async (request) => found(request.params.id));

  api.post<{ Body: CreateGrantBody }>('/client-grants', {
    config: { scopes: ['create:client_grants'] },
    schema: { tags: ['client-grants'], body: CreateGrantBody, response: withErrors({ 201: GrantSchema }) },
  }, async (request, reply) => {
    const { client_id: clientId } = request.body;
    const audience = canonicalAudience(request.body.audience);
    if (!(await clients.get(clientId))) fail('inexistent_client', 'The client does not exist.');
    const scope = await checkedScopes(audience, request.body.scope ?? []);
    const conflict = () => fail('conflict', `A client grant for this client and audience already exists.`);
    if ((await clients.listGrants({ client_id: clientId, audience })).length > 0) conflict();
    let grant: ClientGrant;
    try {
      grant = await clients.createGrant(clientId, audience, scope);
    } catch (error) {
      // Two requests for the same pair at once: the unique constraint let one through.
      if ((await clients.listGrants({ client_id: clientId, audience })).length > 0) conflict();
      // Or the client was deleted meanwhile, and the foreign key refused the grant.
      if (!(await clients.get(clientId))) fail('inexistent_client', 'The client does not exist.');
      throw error;
    }
    return reply.status(201).send(grant);
  });

  api.patch<{ Params: GrantIdParams; Body: UpdateGrantBody }>('/client-grants/:id', {
    config: { scopes: ['update:client_grants'] },
    schema: { tags: ['client-grants'], params: GrantIdParams, body: UpdateGrantBody, response: withErrors({ 200: GrantSchema }) },
  }, async (request) => {
    const grant = await found(request.params.id);
    if (request.body.scope === undefined) return grant;
    const updated = await clients.updateGrantScope(grant.id, await checkedScopes(grant.audience, request.body.scope));
    return updated ?? fail('inexistent_client_grant', 'The client grant does not exist.');
  });

  api.delete<{ Params: GrantIdParams }>('/client-grants/:id', {
    config: { scopes: ['delete:client_grants'] },
    schema: { tags: ['client-grants'], params: GrantIdParams, response: withErrors({}) },
  }, async (request, reply) => {
    if (!(await clients.deleteGrant(request.params.id))) fail('inexistent_client_grant', 'The client grant does not exist.');
    return reply.status(204).send();
  });
}
