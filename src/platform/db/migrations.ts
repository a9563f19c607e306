// Each domain owns its tables and ships its migrations as a list of DomainMigration; src/migrations.ts puts
// every domain's list in one order. Names are global and must never change once released.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DatabaseHandle, Dialect } from './database.ts';

export interface DomainMigration {
  name: string;
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Column type for JSON values in each dialect. */
export const jsonType = (dialect: Dialect) => (dialect === 'postgres' ? 'jsonb' : 'text');

export async function migrateToLatest(handle: DatabaseHandle, migrations: DomainMigration[]): Promise<string[]> {
  const names = new Set<string>();
  for (const m of migrations) {
    if (names.has(m.name)) throw new Error(`duplicate migration name ${m.name}`);
    names.add(m.name);
  }
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const m of migrations) out[m.name] = { up: (db) => m.up(db, handle.dialect) };
      return out;
    },
  };
  // Kysely orders migrations by name; ours are already in the intended order, and names sort that way.
  const migrator = new Migrator({ db: handle.tables<unknown>(), provider, allowUnorderedMigrations: false });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
