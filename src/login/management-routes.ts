// The sign-in domain's Management API routes: signing keys (list, read, rotate) and brute-force blocks
// (/user-blocks). Registered inside the /api/v2 scope, behind the guard; each declares Auth0's scopes.
import { Type, type Static } from '@sinclair/typebox';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { FastifyInstance } from 'fastify';
import type { SigningKeys, SigningKey } from '../keys/signing-keys.ts';
import { RETIRED_KEY_PUBLISHED_MS } from '../keys/signing-keys.ts';
import { withErrors } from '../management/schemas.ts';
import { fail } from '../platform/errors.ts';
import type { BruteForceGuard } from './brute-force.ts';
import type { ProviderHost } from './provider-host.ts';
import type { LoginUsersPort } from './users-port.ts';

const KidParams = Type.Object({ kid: Type.String({ minLength: 1, maxLength: 64 }) });
const UserParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 255 }) });
const IdentifierQuery = Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 320 }) }, { additionalProperties: false });

async function keyView(key: SigningKey, index: number, all: SigningKey[]) {
  const thumbprint = await calculateJwkThumbprint(key.publicJwk as JWK, 'sha256');
  const current = key.revokedAt === null;
  return {
    kid: key.kid,
    current,
    next: false,
    previous: !current && index === all.findIndex((k) => k.revokedAt !== null),
    current_since: key.createdAt,
    ...(key.revokedAt ? { current_until: key.revokedAt } : {}),
    // Auth0 also returns an X.509 `cert`/`pkcs7`; Portrait's keys are bare RSA keys, published as JWKs.
    jwk: key.publicJwk,
    thumbprint,
    fingerprint: thumbprint,
    revoked: false,
    ...(key.revokedAt ? { published_until: new Date(Date.parse(key.revokedAt) + RETIRED_KEY_PUBLISHED_MS).toISOString() } : {}),
  };
}

export async function signInManagementRoutes(
  api: FastifyInstance,
  opts: { keys: SigningKeys; host: ProviderHost; bruteForce: BruteForceGuard; users: LoginUsersPort },
): Promise<void> {
  const { keys, host, bruteForce, users } = opts;
  const allKeys = async () => {
    const list = await keys.all(true);
    return Promise.all(list.map((k, i) => keyView(k, i, list)));
  };

  api.get('/keys/signing', { config: { scopes: ['read:signing_keys'] }, schema: { tags: ['keys'], response: withErrors({}) } }, allKeys);

  api.get<{ Params: Static<typeof KidParams> }>('/keys/signing/:kid', {
    config: { scopes: ['read:signing_keys'] },
    schema: { tags: ['keys'], params: KidParams, response: withErrors({}) },
  }, async (request) => (await allKeys()).find((k) => k.kid === request.params.kid) ?? fail('not_found', 'Signing key not found'));

  api.post('/keys/signing/rotate', {
    config: { scopes: ['create:signing_keys'] },
    schema: { tags: ['keys'], response: withErrors({}) },
  }, async (_request, reply) => {
    const key = await keys.rotate();
    host.invalidate(); // this node at once; the others within KEY_CHECK_MS
    return reply.status(201).send({ kid: key.kid, jwk: key.publicJwk });
  });

  const userExists = async (id: string) => (await users.get(id)) ?? fail('inexistent_user', 'The user does not exist.');

  api.get<{ Params: Static<typeof UserParams> }>('/user-blocks/:id', {
    config: { scopes: ['read:users'] },
    schema: { tags: ['user-blocks'], params: UserParams, response: withErrors({}) },
  }, async (request) => {
    await userExists(request.params.id);
    return { blocked_for: await bruteForce.blocksForUser(request.params.id) };
  });

  api.delete<{ Params: Static<typeof UserParams> }>('/user-blocks/:id', {
    config: { scopes: ['update:users'] },
    schema: { tags: ['user-blocks'], params: UserParams, response: withErrors({}) },
  }, async (request, reply) => {
    await userExists(request.params.id);
    await bruteForce.clearUser(request.params.id);
    return reply.status(204).send();
  });

  api.get<{ Querystring: Static<typeof IdentifierQuery> }>('/user-blocks', {
    config: { scopes: ['read:users'] },
    schema: { tags: ['user-blocks'], querystring: IdentifierQuery, response: withErrors({}) },
  }, async (request) => ({ blocked_for: await bruteForce.blocksForIdentifier(request.query.identifier) }));

  api.delete<{ Querystring: Static<typeof IdentifierQuery> }>('/user-blocks', {
    config: { scopes: ['update:users'] },
    schema: { tags: ['user-blocks'], querystring: IdentifierQuery, response: withErrors({}) },
  }, async (request, reply) => {
    await bruteForce.clearIdentifier(request.query.identifier);
    return reply.status(204).send();
  });
}
