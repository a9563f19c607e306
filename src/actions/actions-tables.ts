// The tables the actions domain owns: drafts (actions), immutable deployed builds (action_versions), the
// ordered bindings per trigger, and the fingerprint of the key that encrypts secrets. Secret values are
// stored only as SecretsCipher ciphertext, inside the `secrets` JSON of a draft or version.
import type { Kysely } from 'kysely';
import type { Dialect } from '../platform/db/database.ts';
import { jsonType, type DomainMigration } from '../platform/db/migrations.ts';

export interface ActionsTable {
  id: string;
  name: string;
  supported_triggers: unknown;
  code: string;
  dependencies: unknown;
  runtime: string;
  /** StoredSecret[] (values encrypted). */
  secrets: unknown;
  deployed_version_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ActionVersionsTable {
  id: string;
  action_id: string;
  number: number;
  code: string;
  dependencies: unknown;
  runtime: string;
  secrets: unknown;
  supported_triggers: unknown;
  status: string;
  errors: unknown;
  built_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ActionBindingsTable {
  id: string;
  trigger_id: string;
  position: number;
  action_id: string;
  display_name: string;
  created_at: string;
  updated_at: string;
}

export interface ActionsSecretsKeyTable {
  id: number;
  fingerprint: string;
  created_at: string;
}

export interface ActionsTables {
  actions: ActionsTable;
  action_versions: ActionVersionsTable;
  action_bindings: ActionBindingsTable;
  actions_secrets_key: ActionsSecretsKeyTable;
}

export const actionsMigrations: DomainMigration[] = [
  {
    name: '20261127_40_actions',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      const json = jsonType(dialect);
      await db.schema
        .createTable('actions')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(128)', (c) => c.notNull().unique())
        .addColumn('supported_triggers', json, (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('dependencies', json, (c) => c.notNull())
        .addColumn('runtime', 'varchar(32)', (c) => c.notNull())
        .addColumn('secrets', json, (c) => c.notNull())
        // No foreign key: versions reference their action, and a cycle would complicate deletes.
        .addColumn('deployed_version_id', 'varchar(36)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('action_versions')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('action_id', 'varchar(36)', (c) => c.notNull().references('actions.id').onDelete('cascade'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('dependencies', json, (c) => c.notNull())
        .addColumn('runtime', 'varchar(32)', (c) => c.notNull())
        .addColumn('secrets', json, (c) => c.notNull())
        .addColumn('supported_triggers', json, (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('errors', json, (c) => c.notNull())
        .addColumn('built_at', 'varchar(32)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        // Two deploys of one action at once cannot both take the same number: one of them fails and retries.
        .addUniqueConstraint('action_versions_action_number', ['action_id', 'number'])
        .execute();
      await db.schema
        .createTable('action_bindings')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('trigger_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('action_id', 'varchar(36)', (c) => c.notNull().references('actions.id').onDelete('cascade'))
        .addColumn('display_name', 'varchar(256)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addUniqueConstraint('action_bindings_trigger_action', ['trigger_id', 'action_id'])
        .execute();
      await db.schema.createIndex('action_bindings_trigger').on('action_bindings').columns(['trigger_id', 'position']).execute();
      await db.schema
        .createTable('actions_secrets_key')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('fingerprint', 'varchar(32)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
  },
];
