// The authz domain: the tenant's APIs (resource servers), roles and permissions, and what a token for an API may
// carry. Sign-in reads it through `Authz` (cached API lookups, one permission query) and the token-access rules;
// the clients domain asks it whether an audience is an API; the users domain's deletions clean its links.
import type { ManagementAudience } from '../management/access-tokens.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { Listeners } from '../platform/listeners.ts';
import { managementApi, type ResourceServer } from './resource-server-model.ts';
import { ResourceServersStore } from './resource-servers-store.ts';
import { RolesStore } from './roles-store.ts';

export { authzMigrations } from './authz-tables.ts';
export type { ResourceServer, ResourceServerScope, TokenDialect } from './resource-server-model.ts';
export { scopeValues } from './resource-server-model.ts';
export { carriesPermissions, isRfc9068, machineTokenScopes, tokenLifetime, userTokenScopes } from './token-access.ts';

/** An API removed through the Management API: the clients domain drops the grants that named it. */
export interface ApiDeletion {
  identifier: string;
}

export class Authz {
  readonly resourceServers: ResourceServersStore;
  readonly roles: RolesStore;
  readonly systemApi: ResourceServer;
  readonly apiDeletions = new Listeners<ApiDeletion>('api-deletion');

  constructor(db: DatabaseHandle, readonly managementAudience: ManagementAudience) {
    this.resourceServers = new ResourceServersStore(db);
    this.roles = new RolesStore(db);
    this.systemApi = managementApi(managementAudience);
  }

  /** The API an audience names (any spelling of the Management API's identifier included), or null. Cached. */
  async findApi(audience: string): Promise<ResourceServer | null> {
    if (this.managementAudience.accepted.includes(audience)) return this.systemApi;
    return this.resourceServers.byIdentifier(audience);
  }

  /** Every permission the user holds for the API, through roles or directly: one indexed query. */
  permissionsOf(userId: string, identifier: string): Promise<string[]> {
    return this.roles.permissionsOf(userId, identifier);
  }

  /** Role names for post-login's `event.authorization.roles`. */
  async roleNamesOf(userId: string): Promise<string[]> {
    return (await this.roles.rolesOf(userId)).map((r) => r.name);
  }

  /** A deleted user leaves no role membership or direct permission behind. */
  forgetUser(userId: string): Promise<void> {
    return this.roles.forgetUser(userId);
  }

  /**
   * Audiences that client grants named before APIs were registered become APIs (see README: the upgrade keeps
   * every existing grant working). Their scopes are the union of the grants' scopes; RBAC stays off.
   */
  async adoptGrantAudiences(grants: Array<{ audience: string; scope: string[] }>): Promise<string[]> {
    const byAudience = new Map<string, Set<string>>();
    for (const g of grants) {
      if (this.managementAudience.accepted.includes(g.audience)) continue;
      const scopes = byAudience.get(g.audience) ?? new Set<string>();
      for (const s of g.scope) scopes.add(s);
      byAudience.set(g.audience, scopes);
    }
    const adopted: string[] = [];
    for (const [identifier, scopes] of byAudience) {
      if (await this.resourceServers.get(identifier)) continue;
      try {
        await this.resourceServers.create({ identifier, name: identifier, scopes: [...scopes].map((value) => ({ value, description: value })) });
        adopted.push(identifier);
      } catch {
        // Another node adopted it at the same moment.
      }
    }
    return adopted;
  }
}
