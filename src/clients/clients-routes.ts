// /api/v2/clients: applications and machine-to-machine clients. The plaintext secret leaves the server in
// two answers only, the one that created the client and the one that rotated its secret; every other answer's
// schema has no client_secret property, so the serializer could not write one even by mistake.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConnectionsStore } from '../connections/connections-store.ts';
import { selectFields, withErrors } from '../management/schemas.ts';
import { fail } from '../platform/errors.ts';
import {
  BOOTSTRAP_METADATA_KEY,
  assertCoherent,
  assertNoReservedMetadata,
  isBootstrapClient,
  withDefaults,
} from './client-rules.ts';
import {
  ClientFieldsSchema,
  ClientIdParams,
  ClientWithSecretSchema,
  ClientsListSchema,
  ClientSchema,
  CreateClientBody,
  GetClientQuery,
  ListClientsQuery,
  UpdateClientBody,
} from './client-schemas.ts';
import { DEFAULT_REFRESH_TOKEN, type Client, type ClientSettings, type ClientsStore } from './clients-store.ts';

type PublicClient = Client & { global: boolean };

const publicClient = (client: Client): PublicClient => ({ ...client, global: false });

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

/** A jwt_configuration as stored: RS256 (assertCoherent refused any other) with a lifetime. */
function jwtConfiguration(
  current: ClientSettings['jwt_configuration'],
  requested: { alg?: string; lifetime_in_seconds?: number } | undefined,
): ClientSettings['jwt_configuration'] {
  return { alg: 'RS256', lifetime_in_seconds: requested?.lifetime_in_seconds ?? current.lifetime_in_seconds };
}

const DEFAULT_JWT: ClientSettings['jwt_configuration'] = { alg: 'RS256', lifetime_in_seconds: 36000 };

export async function clientsRoutes(api: FastifyInstance, opts: { clients: ClientsStore; connections: ConnectionsStore }): Promise<void> {
  const { clients, connections } = opts;
  const found = async (id: string) => (await clients.get(id)) ?? fail('inexistent_client', 'The client does not exist.');

  api.get<{ Querystring: ListClientsQuery }>('/clients', {
    config: { scopes: ['read:clients', 'read:client_keys'] },
    schema: { tags: ['clients'], querystring: ListClientsQuery, response: withErrors({ 200: ClientsListSchema }) },
  }, async (request) => {
    const q = request.query;
    const appTypes = q.app_type?.split(',').map((t) => t.trim()).filter(Boolean);
    const all = (await clients.list())
      .filter((c) => !appTypes || appTypes.includes(c.app_type))
      .filter((c) => q.is_first_party === undefined || c.is_first_party === q.is_first_party)
      // No Portrait client is global (Auth0's tenant-wide "All Applications" client has no counterpart here).
      .filter(() => q.is_global !== true)
      .map(publicClient);
    const perPage = q.per_page ?? 50;
    const start = (q.page ?? 0) * perPage;
    const page = selectFields(all.slice(start, start + perPage), q.fields, q.include_fields !== false);
    return q.include_totals ? { start, limit: perPage, total: all.length, clients: page } : page;
  });

  api.get<{ Params: ClientIdParams; Querystring: GetClientQuery }>('/clients/:id', {
    config: { scopes: ['read:clients', 'read:client_keys'] },
    schema: { tags: ['clients'], params: ClientIdParams, querystring: GetClientQuery, response: withErrors({ 200: ClientFieldsSchema }) },
  }, async (request) => {
    const client = publicClient(await found(request.params.id));
    return selectFields([client], request.query.fields, request.query.include_fields !== false)[0];
  });

  api.post<{ Body: CreateClientBody }>('/clients', {
    config: { scopes: ['create:clients'] },
    schema: { tags: ['clients'], body: CreateClientBody, response: withErrors({ 201: ClientWithSecretSchema }) },
  }, async (request, reply) => {
    assertNoReservedMetadata(request.body.client_metadata);
    const input = withDefaults(request.body);
    assertCoherent({ ...input, client_metadata: input.client_metadata ?? {} });
    const { client, secret } = await clients.create({
      ...input,
      jwt_configuration: jwtConfiguration(DEFAULT_JWT, input.jwt_configuration),
      refresh_token: { ...DEFAULT_REFRESH_TOKEN, ...input.refresh_token },
      oidc_logout: input.oidc_logout && { backchannel_logout_urls: input.oidc_logout.backchannel_logout_urls },
    });
    // Auth0's tenant flag enable_client_connections (on by default): a new client may use every connection.
    await connections.enableClientEverywhere(client.client_id);
    return reply.status(201).send({ ...publicClient(client), ...(secret ? { client_secret: secret } : {}) });
  });

  api.patch<{ Params: ClientIdParams; Body: UpdateClientBody }>('/clients/:id', {
    config: { scopes: ['update:clients', 'update:client_keys'] },
    schema: { tags: ['clients'], params: ClientIdParams, body: UpdateClientBody, response: withErrors({ 200: ClientSchema }) },
  }, async (request) => {
    const { client_secret: secret, ...body } = request.body;
    if (secret !== undefined) {
      fail('invalid_body', "Payload validation error: 'client_secret cannot be changed here: POST /api/v2/clients/{id}/rotate-secret makes a new one and answers it once' on property client_secret.");
    }
    assertNoReservedMetadata(body.client_metadata);
    const current = await found(request.params.id);
    const changes = definedOnly(body);
    if (changes.client_metadata && isBootstrapClient(current)) {
      // The first start finds its admin client again by this mark; a PATCH replacing the metadata keeps it.
      changes.client_metadata = { ...changes.client_metadata, [BOOTSTRAP_METADATA_KEY]: 'true' };
      if (Object.keys(changes.client_metadata).length > 10) {
        fail('invalid_body', `Payload validation error: 'the bootstrap client keeps ${BOOTSTRAP_METADATA_KEY}, so at most 9 other keys fit in client_metadata' on property client_metadata.`);
      }
    }
    const jwt = changes.jwt_configuration ? jwtConfiguration(current.jwt_configuration, changes.jwt_configuration) : undefined;
    const next = { ...current, ...changes, jwt_configuration: changes.jwt_configuration ?? current.jwt_configuration };
    assertCoherent(next);
    if (isBootstrapClient(current) && (!next.grant_types.includes('client_credentials') || next.token_endpoint_auth_method === 'none')) {
      fail('operation_not_supported', 'The bootstrap client must keep the client_credentials grant and a secret: it is the way back into this tenant.');
    }
    const updated = await clients.update(request.params.id, {
      ...changes,
      jwt_configuration: jwt,
      // A partial refresh_token object changes only the fields it names.
      refresh_token: changes.refresh_token && { ...current.refresh_token, ...changes.refresh_token },
      oidc_logout: changes.oidc_logout && { backchannel_logout_urls: changes.oidc_logout.backchannel_logout_urls },
    });
    return publicClient(updated ?? fail('inexistent_client', 'The client does not exist.'));
  });

  api.delete<{ Params: ClientIdParams }>('/clients/:id', {
    config: { scopes: ['delete:clients'] },
    schema: { tags: ['clients'], params: ClientIdParams, response: withErrors({}) },
  }, async (request, reply) => {
    const client = await found(request.params.id);
    assertMayDelete(request, client);
    if (!(await clients.delete(client.client_id))) fail('inexistent_client', 'The client does not exist.');
    // A deleted client leaves no dangling id in the connections it could use.
    for (const connection of await connections.list()) {
      if (connection.enabled_clients.includes(client.client_id)) {
        await connections.update(connection.id, { enabled_clients: connection.enabled_clients.filter((id) => id !== client.client_id) });
      }
    }
    return reply.status(204).send();
  });

  api.post<{ Params: ClientIdParams }>('/clients/:id/rotate-secret', {
    config: { scopes: ['update:client_keys'] },
    schema: { tags: ['clients'], params: ClientIdParams, response: withErrors({ 200: ClientWithSecretSchema }) },
  }, async (request) => {
    const client = await found(request.params.id);
    if (client.token_endpoint_auth_method === 'none') {
      fail('operation_not_supported', 'The client is public (token_endpoint_auth_method none) and has no secret: PATCH it to client_secret_post or client_secret_basic first.');
    }
    const secret = (await clients.rotateSecret(client.client_id)) ?? fail('inexistent_client', 'The client does not exist.');
    const rotated = await found(client.client_id);
    return { ...publicClient(rotated), client_secret: secret };
  });
}

/**
 * Auth0 lets a token delete any client. Portrait refuses two deletions that lock the tenant out: the bootstrap
 * client (the operator's way back in, found by its client_metadata mark), and the client whose token makes
 * the request (it would saw off the branch it sits on; use another client's token).
 */
function assertMayDelete(request: FastifyRequest, client: Client): void {
  if (isBootstrapClient(client)) {
    fail('operation_not_supported', `The bootstrap client (client_metadata.${BOOTSTRAP_METADATA_KEY}) cannot be deleted: it is the way back into this tenant.`);
  }
  if (request.principal.kind === 'client' && request.principal.clientId === client.client_id) {
    fail('operation_not_supported', 'A client cannot delete itself: use a token issued to another client.');
  }
}
