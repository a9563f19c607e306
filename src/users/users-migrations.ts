// The users table. Root attributes that are searched, sorted or unique are columns; metadata, identities and
// provider extras are JSON (jsonb on PostgreSQL). The `*_lc` columns hold the case-folded copies that the
// case-insensitive search fields use (SQLite's lower() folds only ASCII, so the folding is done once, in
// JavaScript, when the row is written). On PostgreSQL they use the "C" collation so that prefix searches
// (`name:jo*`) are plain index range scans whatever the cluster's locale.
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../platform/db/database.ts';
import { jsonType, type DomainMigration } from '../platform/db/migrations.ts';

export const usersMigrations: DomainMigration[] = [
  {
    name: '20261127_10_users',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      const folded = (length: number) => [`varchar(${length})`, (c: import('kysely').ColumnDefinitionBuilder) =>
        dialect === 'postgres' ? c.modifyEnd(sql`collate "C"`) : c] as const;
      await db.schema
        .createTable('users')
        .addColumn('user_id', 'varchar(320)', (c) => c.primaryKey())
        .addColumn('connection', 'varchar(128)', (c) => c.notNull())
        .addColumn('email', 'varchar(254)')
        .addColumn('email_lc', ...folded(254))
        .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('username', 'varchar(128)')
        .addColumn('phone_number', 'varchar(32)')
        .addColumn('phone_verified', 'integer')
        .addColumn('name', 'varchar(300)')
        .addColumn('name_lc', ...folded(300))
        .addColumn('given_name', 'varchar(150)')
        .addColumn('given_name_lc', ...folded(150))
        .addColumn('family_name', 'varchar(150)')
        .addColumn('family_name_lc', ...folded(150))
        .addColumn('nickname', 'varchar(300)')
        .addColumn('nickname_lc', ...folded(300))
        .addColumn('picture', 'text')
        .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('last_login', 'varchar(32)')
        .addColumn('last_ip', 'varchar(64)')
        .addColumn('logins_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('user_metadata', jsonType(dialect), (c) => c.notNull())
        .addColumn('app_metadata', jsonType(dialect), (c) => c.notNull())
        .addColumn('identities', jsonType(dialect), (c) => c.notNull())
        .addColumn('extra', jsonType(dialect), (c) => c.notNull())
        .addColumn('password_hash', jsonType(dialect))
        .addUniqueConstraint('users_connection_email', ['connection', 'email'])
        .addUniqueConstraint('users_connection_username', ['connection', 'username'])
        .execute();
      for (const column of ['email_lc', 'name_lc', 'nickname_lc', 'created_at', 'last_login']) {
        await db.schema.createIndex(`users_${column}`).on('users').column(column).execute();
      }
    },
  },
];
