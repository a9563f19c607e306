// A migrated database of either dialect with the default connection and a UsersStore over it, for the
// users domain's storage tests (real SQLite and PostgreSQL, never a mock).
import { ConnectionsStore } from '../../connections/connections-store.ts';
import { allMigrations } from '../../migrations.ts';
import { openDatabase, type DatabaseHandle } from '../../platform/db/database.ts';
import { migrateToLatest } from '../../platform/db/migrations.ts';
import { createTestDatabase, type TestDialect } from '../../../test/support/databases.ts';
import { UsersStore, type UsersStoreDeps } from '../users-store.ts';
import { makeDefaultPictureResolver } from '../../pictures/default-picture-resolver.ts';
import { DEFAULT_TENANT_SETTINGS } from '../../tenant/tenant-settings-store.ts';

export const TEST_ISSUER = 'https://portrait.test/';

export interface UsersTestDb {
  handle: DatabaseHandle;
  connections: ConnectionsStore;
  users: UsersStore;
  close(): Promise<void>;
}

export async function openUsersTestDb(dialect: TestDialect, deps: Partial<UsersStoreDeps> = {}): Promise<UsersTestDb> {
  const database = await createTestDatabase(dialect);
  const handle = openDatabase(database.config);
  await migrateToLatest(handle, allMigrations);
  const connections = new ConnectionsStore(handle);
  const defaultConnection = await connections.ensureDefaultDatabaseConnection();
  // A connection no client may use is disabled (Auth0 refuses to create users in it): enable a client.
  await connections.update(defaultConnection.id, { enabled_clients: ['test-client'] });
  const users = new UsersStore(handle, {
    connections,
    issuer: TEST_ISSUER,
    maxProfileBytes: 10 * 1024,
    resolveDefaultPicture: makeDefaultPictureResolver({ current: () => DEFAULT_TENANT_SETTINGS }, TEST_ISSUER),
    ...deps,
  });
  return {
    handle,
    connections,
    users,
    async close() {
      await handle.close();
      await database.drop();
    },
  };
}
