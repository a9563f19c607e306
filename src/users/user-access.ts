// Who may do what to a user through the Management API (reference §3.1, §3.2): client tokens by their scopes;
// user-context tokens only to their own user, and of that user only user_metadata, within the
// create/update/delete:current_user_metadata scopes they hold.
import type { FastifyRequest } from 'fastify';
import { assertMayActOnUser, hasScope } from '../management/guard.ts';
import { ApiError } from '../platform/errors.ts';
import type { User, UserPatch } from './user-model.ts';

const insufficient = (scopes: string[]) => new ApiError('insufficient_scope', `Insufficient scope, expected any of: ${scopes.join(',')}`);

/** For routes whose scopes mix client scopes and current-user scopes: each kind of token needs its own. */
export function requireFor(request: FastifyRequest, userId: string | null, scopes: { client: string[]; user: string[] }): void {
  const principal = request.principal;
  const wanted = principal.kind === 'user' ? scopes.user : scopes.client;
  if (!wanted.some((s) => hasScope(request, s))) throw insufficient(wanted);
  if (principal.kind === 'user') {
    if (userId === null) throw insufficient(scopes.client);
    assertMayActOnUser(request, userId);
  }
}

/**
 * PATCH: `update:users` changes anything; `update:users_app_metadata` only app_metadata. A user token changes
 * only its own user_metadata: `update:current_user_metadata` any key, otherwise `create:current_user_metadata`
 * adds keys the user does not have yet and `delete:current_user_metadata` removes keys (null) or empties ({}).
 */
export function assertMayPatch(request: FastifyRequest, userId: string, patch: UserPatch, current: () => Promise<User | null>): Promise<void> | void {
  const keys = Object.keys(patch);
  if (request.principal.kind === 'client') {
    if (hasScope(request, 'update:users')) return;
    if (hasScope(request, 'update:users_app_metadata') && keys.every((k) => k === 'app_metadata')) return;
    throw insufficient(['update:users']);
  }
  assertMayActOnUser(request, userId);
  if (keys.some((k) => k !== 'user_metadata')) throw insufficient(['update:users']);
  if (hasScope(request, 'update:current_user_metadata')) return;
  const metadata = patch.user_metadata ?? {};
  const entries = Object.entries(metadata);
  const deletes = entries.length === 0 || entries.some(([, v]) => v === null);
  if (deletes && !hasScope(request, 'delete:current_user_metadata')) throw insufficient(['update:current_user_metadata', 'delete:current_user_metadata']);
  const sets = entries.filter(([, v]) => v !== null).map(([k]) => k);
  if (sets.length === 0) return;
  if (!hasScope(request, 'create:current_user_metadata')) throw insufficient(['update:current_user_metadata', 'create:current_user_metadata']);
  return current().then((user) => {
    if (user && sets.some((k) => k in user.user_metadata)) throw insufficient(['update:current_user_metadata']);
  });
}

/** IdP tokens in identities[] are shown only to holders of read:user_idp_tokens. */
export function withoutIdpTokens(user: User, request: FastifyRequest): User {
  if (hasScope(request, 'read:user_idp_tokens')) return user;
  if (!user.identities.some((i) => i.access_token || i.refresh_token || i.access_token_secret)) return user;
  const identities = user.identities.map(({ access_token: _a, refresh_token: _r, access_token_secret: _s, ...rest }) => rest);
  return { ...user, identities };
}
