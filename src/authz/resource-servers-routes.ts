// /api/v2/resource-servers: the tenant's APIs. The Management API is listed first as a system API; it can be
// read (by id or identifier) but not changed or deleted. Deleting an API removes its permissions (store) and
// announces the deletion, on which the clients domain drops the grants that named it.
import type { FastifyInstance } from 'fastify';
import { withErrors } from '../management/schemas.ts';
import { offsetPage } from '../management/paging.ts';
import { fail } from '../platform/errors.ts';
import {
  CreateResourceServerBody,
  ListResourceServersQuery,
  ResourceServerIdParams,
  ResourceServerSchema,
  ResourceServersListSchema,
  UpdateResourceServerBody,
} from './authz-schemas.ts';
import type { Authz } from './index.ts';
import type { ResourceServer, ResourceServerScope } from './resource-server-model.ts';
import { DuplicateIdentifier } from './resource-servers-store.ts';

const notFound = (): never => fail('inexistent_resource_server', 'The resource server does not exist.');

/** Portrait signs with one RS256 key set; a symmetric secret per API is not something it keeps. */
function checkSigning(body: { signing_alg?: string; signing_secret?: string }): void {
  if (body.signing_alg !== undefined && body.signing_alg !== 'RS256') {
    fail('invalid_body', `signing_alg ${body.signing_alg} is not supported: Portrait signs every access token with its RS256 signing keys (published at /.well-known/jwks.json); HS256 would need a secret shared with each API, and PS256/ES256 are not available yet.`);
  }
  if (body.signing_secret !== undefined) fail('invalid_body', 'signing_secret is not supported: access tokens are signed with RS256 only.');
}

function checkScopes(scopes: ResourceServerScope[] | undefined): void {
  if (!scopes) return;
  const seen = new Set<string>();
  for (const s of scopes) {
    if (seen.has(s.value)) fail('invalid_body', `Payload validation error: the scope ${s.value} is listed twice on property scopes.`);
    seen.add(s.value);
  }
}

function checkLifetimes(next: { token_lifetime: number; token_lifetime_for_web: number }): void {
  if (next.token_lifetime_for_web > next.token_lifetime) {
    fail('invalid_body', 'token_lifetime_for_web cannot be greater than token_lifetime.');
  }
}

export async function resourceServersRoutes(api: FastifyInstance, opts: { authz: Authz }): Promise<void> {
  const { authz } = opts;
  const isSystem = (idOrIdentifier: string) =>
    idOrIdentifier === authz.systemApi.id || authz.managementAudience.accepted.includes(idOrIdentifier);
  const found = async (idOrIdentifier: string): Promise<ResourceServer> =>
    isSystem(idOrIdentifier) ? authz.systemApi : ((await authz.resourceServers.get(idOrIdentifier)) ?? notFound());
  const refuseSystem = (what: string): never => fail('operation_not_supported', `The ${authz.systemApi.name} is a system API and cannot be ${what}.`);

  api.get<{ Querystring: ListResourceServersQuery }>('/resource-servers', {
    config: { scopes: ['read:resource_servers'] },
    schema: { tags: ['resource-servers'], querystring: ListResourceServersQuery, response: withErrors({ 200: ResourceServersListSchema }) },
  }, async (request) => {
    const q = request.query;
    const identifiers = q.identifiers === undefined ? undefined : [q.identifiers].flat();
    const custom = await authz.resourceServers.list({ identifiers });
    const system = !identifiers || identifiers.some((i) => authz.managementAudience.accepted.includes(i)) ? [authz.systemApi] : [];
    return offsetPage([...system, ...custom], q, 'resource_servers');
  });

  api.get<{ Params: ResourceServerIdParams }>('/resource-servers/:id', {
    config: { scopes: ['read:resource_servers'] },
    schema: { tags: ['resource-servers'], params: ResourceServerIdParams, response: withErrors({ 200: ResourceServerSchema }) },
  }, async (request) => found(request.params.id));

  api.post<{ Body: CreateResourceServerBody }>('/resource-servers', {
    config: { scopes: ['create:resource_servers'] },
    schema: { tags: ['resource-servers'], body: CreateResourceServerBody, response: withErrors({ 201: ResourceServerSchema }) },
  }, async (request, reply) => {
    const body = request.body;
    checkSigning(body);
    checkScopes(body.scopes);
    checkLifetimes({ token_lifetime: body.token_lifetime ?? 86400, token_lifetime_for_web: body.token_lifetime_for_web ?? Math.min(7200, body.token_lifetime ?? 7200) });
    const conflict = () => fail('conflict', `A resource server with identifier ${body.identifier} already exists.`);
    if (isSystem(body.identifier)) conflict();
    const { signing_alg: _alg, signing_secret: _secret, ...settings } = body;
    try {
      const created = await authz.resourceServers.create({
        ...settings,
        // A short token_lifetime without token_lifetime_for_web: the browser lifetime follows it down.
        ...(body.token_lifetime !== undefined && body.token_lifetime_for_web === undefined ? { token_lifetime_for_web: Math.min(7200, body.token_lifetime) } : {}),
      });
      return reply.status(201).send(created);
    } catch (error) {
      if (error instanceof DuplicateIdentifier) conflict();
      throw error;
    }
  });

  api.patch<{ Params: ResourceServerIdParams; Body: UpdateResourceServerBody }>('/resource-servers/:id', {
    config: { scopes: ['update:resource_servers'] },
    schema: { tags: ['resource-servers'], params: ResourceServerIdParams, body: UpdateResourceServerBody, response: withErrors({ 200: ResourceServerSchema }) },
  }, async (request) => {
    const current = await found(request.params.id);
    if (current.is_system) refuseSystem('changed');
    const { identifier, signing_alg: _alg, signing_secret: _secret, ...changes } = request.body;
    if (identifier !== undefined && identifier !== current.identifier) fail('invalid_body', 'The identifier of an API cannot be changed.');
    checkSigning(request.body);
    checkScopes(changes.scopes);
    checkLifetimes({ token_lifetime: changes.token_lifetime ?? current.token_lifetime, token_lifetime_for_web: changes.token_lifetime_for_web ?? current.token_lifetime_for_web });
    return (await authz.resourceServers.update(current.id, changes)) ?? notFound();
  });

  api.delete<{ Params: ResourceServerIdParams }>('/resource-servers/:id', {
    config: { scopes: ['delete:resource_servers'] },
    schema: { tags: ['resource-servers'], params: ResourceServerIdParams, response: withErrors({}) },
  }, async (request, reply) => {
    const current = await found(request.params.id);
    if (current.is_system) refuseSystem('deleted');
    const identifier = (await authz.resourceServers.delete(current.id)) ?? notFound();
    await authz.apiDeletions.announce({ identifier });
    return reply.status(204).send();
  });
}
