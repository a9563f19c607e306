// What a user's connection allows, by strategy (reference §1.3): Auth0 is the identity provider for database
// and passwordless connections; for every other strategy the provider owns the synced root attributes unless
// the connection's `set_user_root_attributes` says otherwise.
import { DATABASE_STRATEGIES, type Connection } from '../connections/connections-store.ts';
import { ApiError } from '../platform/errors.ts';
import { ENTERPRISE_STRATEGIES, PASSWORDLESS_STRATEGIES, SYNCED_ROOT_ATTRIBUTES } from './user-model.ts';

export const isDatabase = (c: Connection): boolean => DATABASE_STRATEGIES.has(c.strategy);
export const isPasswordless = (c: Connection): boolean => PASSWORDLESS_STRATEGIES.has(c.strategy);
export const isEnterprise = (c: Connection): boolean => ENTERPRISE_STRATEGIES.has(c.strategy);
/** Auth0 stores the user itself: database and passwordless connections. */
export const isAuth0Store = (c: Connection): boolean => isDatabase(c) || isPasswordless(c);

/** A connection no client may use. Auth0 refuses to create users in it, or to change their email or password. */
export const isDisabled = (c: Connection): boolean => c.enabled_clients.length === 0;

/** The provider prefix of user ids in this connection (`auth0|…`, `email|…`, `sms|…`). */
export const providerOf = (c: Connection): string => (isDatabase(c) ? 'auth0' : c.strategy);

export function syncsRootAttributesAtEachLogin(c: Connection): boolean {
  if (isAuth0Store(c)) return false;
  const setting = c.options.set_user_root_attributes;
  return setting === undefined || setting === null || setting === 'on_each_login';
}

/** §1.4, observed wording: only the attempted attributes are listed, and the connection is named. */
export function assertRootAttributesEditable(c: Connection, patch: Record<string, unknown>): void {
  if (!syncsRootAttributesAtEachLogin(c)) return;
  const attempted = SYNCED_ROOT_ATTRIBUTES.filter((a) => patch[a] !== undefined);
  if (attempted.length === 0) return;
  throw new ApiError(
    'operation_not_supported',
    `The following user attributes cannot be updated: ${attempted.join(', ')}. The connection (${c.name}) must either be a database ` +
      "connection (using the Auth0 store), a passwordless connection (email or sms) or has disabled 'Sync user profile attributes at " +
      "each login'. For more information, see https://auth0.com/docs/dashboard/guides/connections/configure-connection-sync",
  );
}

/** When a user's connection has been deleted, its users still answer as what their identity says they were. */
export function placeholderConnection(name: string, provider: string): Connection {
  const now = new Date(0).toISOString();
  return {
    id: '', name, strategy: provider, options: {}, enabled_clients: [], is_domain_connection: false, realms: [], metadata: {},
    created_at: now, updated_at: now,
  };
}
