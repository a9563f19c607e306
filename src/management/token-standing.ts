// The guard's questions about a signed token (guard.ts TokenStanding), answered from the clients domain's store
// (its reads are cached for at most a second on each node) and the blacklist.
import type { TokenStanding } from './guard.ts';
import type { RevokedTokens } from './revoked-tokens.ts';

/** What the guard needs of the clients domain; ClientsStore satisfies it. */
export interface ClientGrantsPort {
  get(clientId: string): Promise<object | null>;
  listGrants(filter: { client_id: string; audience: string }): Promise<{ scope: string[] }[]>;
}

export function tokenStanding(deps: { clients: ClientGrantsPort; revoked: RevokedTokens; managementAudience: string }): TokenStanding {
  return {
    async clientGrant(clientId) {
      if (!(await deps.clients.get(clientId))) return { client: false, scopes: null };
      const [grant] = await deps.clients.listGrants({ client_id: clientId, audience: deps.managementAudience });
      return { client: true, scopes: grant ? grant.scope : null };
    },
    isRevoked: (jti, audiences) => deps.revoked.isRevoked(jti, audiences),
  };
}
