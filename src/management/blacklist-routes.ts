// /api/v2/blacklists/tokens as Auth0 has them: list the blacklisted `jti`s (optionally for one `aud`), and add one.
// The guard (guard.ts) refuses a blacklisted token on every node within RevokedTokens' lookup TTL.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RevokedTokens } from './revoked-tokens.ts';
import { withErrors } from './schemas.ts';

const TokenEntry = Type.Object(
  {
    aud: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: "The JWT's aud claim: the client_id of the client for which it was issued" })),
    jti: Type.String({ minLength: 1, maxLength: 255, description: "The jti of the JWT to blacklist" }),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  { aud: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'Only the entries for this audience' })) },
  { additionalProperties: false },
);

export async function blacklistRoutes(api: FastifyInstance, opts: { revoked: RevokedTokens }): Promise<void> {
  const { revoked } = opts;

  api.get<{ Querystring: Static<typeof ListQuery> }>('/blacklists/tokens', {
    config: { scopes: ['blacklist:tokens'] },
    schema: { tags: ['blacklists'], querystring: ListQuery, response: withErrors({ 200: Type.Array(TokenEntry) }) },
  }, async (request) => revoked.list(request.query.aud));

  api.post<{ Body: Static<typeof TokenEntry> }>('/blacklists/tokens', {
    config: { scopes: ['blacklist:tokens'] },
    schema: { tags: ['blacklists'], body: TokenEntry, response: withErrors({ 201: Type.Null({ description: 'Token blacklisted' }) }) },
  }, async (request, reply) => {
    await revoked.add(request.body);
    return reply.status(201).send();
  });
}
