// /api/v2/client-grants: which APIs (audiences) a client may get tokens for with client_credentials, and with
// which scopes. Portrait has no /resource-servers yet, so the Management API is the one audience whose scopes
// are known and checked; any other audience is accepted with free-form scopes (Auth0 would answer 404 for an
// audience no resource server declares).
import type { FastifyInstance } from 'fastify';
import type { ManagementAudience } from '../management/access-tokens.ts';
import { withErrors } from '../management/schemas.ts';
import { MANAGEMENT_SCOPES } from '../management/scopes.ts';
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

export async function clientGrantsRoutes(
  api: FastifyInstance,
  opts: { clients: ClientsStore; managementAudience: ManagementAudience },
): Promise<void> {
  const { clients, managementAudience } = opts;
  const found = async (id: string) => (await clients.getGrant(id)) ?? fail('inexistent_client_grant', 'The client grant does not exist.');
  /** Every spelling of the Management API's identifier (the SDK writes https://) is stored as the canonical one. */
  const canonicalAudience = (audience: string) => (managementAudience.accepted.includes(audience) ? managementAudience.canonical : audience);

  function checkedScopes(audience: string, scope: string[]): string[] {
    const unique = [...new Set(scope)];
    if (audience === managementAudience.canonical) {
      const unknown = unique.filter((s) => !MANAGEMENT_SCOPES.includes(s));
      if (unknown.length > 0) {
        fail('invalid_body', `Payload validation error: 'not scopes of the Management API: ${unknown.join(', ')}' on property scope.`);
      }
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
    if (q.from !== undefined || q.take !== undefined) {
      const start = q.from ? all.findIndex((g) => g.id === q.from) : 0;
      if (start < 0) fail('invalid_paging', 'The "from" value does not name a client grant.');
      const take = q.take ?? 50;
      const next = all[start + take]?.id;
      const page = all.slice(start, start + take);
      return next ? { client_grants: page, next } : { client_grants: page };
    }
    const perPage = q.per_page ?? 50;
    const start = (q.page ?? 0) * perPage;
    const page = all.slice(start, start + perPage);
    return q.include_totals ? { start, limit: perPage, total: all.length, client_grants: page } : page;
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
    const scope = checkedScopes(audience, request.body.scope ?? []);
    if (!(await clients.get(clientId))) fail('inexistent_client', 'The client does not exist.');
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
    const updated = await clients.updateGrantScope(grant.id, checkedScopes(grant.audience, request.body.scope));
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
