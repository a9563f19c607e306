// /api/v2/users/{id}/identities: account linking as Auth0 answers it. POST links a secondary user (named by
// provider + user_id, or by `link_with`, an ID token Portrait issued to the secondary) into the primary and
// answers the primary's identities; DELETE unlinks one and answers the identities that remain. IdP tokens in
// those arrays are shown only with read:user_idp_tokens, as everywhere else.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { ConnectionsStore } from '../connections/connections-store.ts';
import { hasScope } from '../management/guard.ts';
import type { AccessTokens } from '../management/access-tokens.ts';
import { withErrors } from '../management/schemas.ts';
import { ApiError } from '../platform/errors.ts';
import type { UserIdentities } from './identities.ts';
import { auth0ValidationError } from './schema-errors.ts';
import { requireFor } from './user-access.ts';
import type { Identity } from './user-model.ts';
import { IdentitySchema } from './users-schemas.ts';

const Identities = Type.Array(IdentitySchema);

const LinkBody = Type.Object(
  {
    provider: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    connection_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    user_id: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 512 }), Type.Integer()])),
    link_with: Type.Optional(Type.String({ minLength: 1, maxLength: 16384 })),
  },
  { additionalProperties: false },
);
const PrimaryParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });
const UnlinkParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 512 }), provider: Type.String({ minLength: 1, maxLength: 64 }), user_id: Type.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);

const SCOPES = { client: ['update:users'], user: ['update:current_user_identities'] };

function shownIdentities(identities: Identity[], request: FastifyRequest): Identity[] {
  if (hasScope(request, 'read:user_idp_tokens')) return identities;
  return identities.map(({ access_token: _a, refresh_token: _r, access_token_secret: _s, ...rest }) => rest);
}

export interface IdentitiesRoutesOptions {
  identities: UserIdentities;
  connections: ConnectionsStore;
  /** Verifies a token Portrait signed (the ID token of `link_with`). */
  tokens: AccessTokens;
}

export async function identitiesRoutes(api: FastifyInstance, opts: IdentitiesRoutesOptions): Promise<void> {
  const { identities, connections, tokens } = opts;
  api.setErrorHandler((error: FastifyError, request) => {
    throw error.validation ? auth0ValidationError(error, request) : error;
  });

  /** The secondary named by link_with: an ID token we issued, to the calling app when a user links themselves. */
  async function secondaryFromToken(request: FastifyRequest, token: string): Promise<string> {
    let audiences: string[];
    try {
      const claims = decodeJwt(token);
      // Access tokens (RFC 9068 `at+jwt`, or ours carrying `scope`/`gty`) are signed by the same key; Auth0 takes
      // only an ID token here, the proof that the user just signed in to the secondary account.
      if (decodeProtectedHeader(token).typ === 'at+jwt' || 'scope' in claims || 'gty' in claims) {
        throw new ApiError('bad_request', 'link_with must be an ID token, not an access token.');
      }
      const aud = claims.aud;
      audiences = Array.isArray(aud) ? aud : aud ? [aud] : [];
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError('bad_request', 'link_with is not a valid JWT.');
    }
    const principal = request.principal;
    if (principal.kind === 'user' && (!principal.clientId || !audiences.includes(principal.clientId))) {
      throw new ApiError('bad_request', 'link_with must be an ID token issued to the same application.');
    }
    let sub: unknown;
    try {
      sub = (await tokens.verify(token, audiences.length ? audiences : ['-'])).sub;
    } catch (error) {
      throw new ApiError('bad_request', `link_with is not a valid ID token: ${(error as Error).message}`);
    }
    if (typeof sub !== 'string' || !sub.includes('|')) throw new ApiError('bad_request', 'link_with names no user.');
    return sub;
  }

  api.post<{ Params: Static<typeof PrimaryParams>; Body: Static<typeof LinkBody> }>('/users/:id/identities', {
    config: { scopes: ['update:users', 'update:current_user_identities'] },
    schema: { tags: ['users'], params: PrimaryParams, body: LinkBody, response: withErrors({ 201: Identities }) },
  }, async (request, reply) => {
    const { id } = request.params;
    requireFor(request, id, SCOPES);
    const body = request.body ?? {};
    let secondaryId: string;
    let expectedConnection: string | undefined;
    if (body.link_with !== undefined) {
      if (body.provider !== undefined || body.user_id !== undefined || body.connection_id !== undefined) {
        throw new ApiError('invalid_body', 'Payload validation error: provider, user_id and connection_id must not be sent with link_with.');
      }
      secondaryId = await secondaryFromToken(request, body.link_with);
    } else {
      if (request.principal.kind === 'user') throw new ApiError('bad_request', 'A user token links accounts with link_with only.');
      if (body.provider === undefined || body.user_id === undefined) {
        throw new ApiError('invalid_body', 'Payload validation error: provider and user_id (or link_with) are required.');
      }
      secondaryId = `${body.provider}|${body.user_id}`;
      if (body.connection_id !== undefined) {
        const connection = await connections.get(body.connection_id);
        if (!connection) throw new ApiError('bad_request', 'Connection does not exist.');
        expectedConnection = connection.name;
      }
    }
    const linked = await identities.link(id, secondaryId, expectedConnection);
    return reply.status(201).send(shownIdentities(linked, request));
  });

  api.delete<{ Params: Static<typeof UnlinkParams> }>('/users/:id/identities/:provider/:user_id', {
    config: { scopes: ['update:users', 'update:current_user_identities'] },
    schema: { tags: ['users'], params: UnlinkParams, response: withErrors({ 200: Identities }) },
  }, async (request) => {
    const { id, provider, user_id } = request.params;
    requireFor(request, id, SCOPES);
    return shownIdentities(await identities.unlink(id, provider, user_id), request);
  });
}
