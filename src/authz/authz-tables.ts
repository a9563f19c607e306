// The tables of the authz domain: the tenant's APIs (resource servers), roles, and the links that give users
// permissions — through roles or directly. Permissions are named by the API's identifier and the scope's value,
// as Auth0 names them; removing an API or a scope removes the links that named it (resource-servers-store.ts).
import type { Kysely } from 'kysely';
import type { Dialect } from '../platform/db/database.ts';
import { jsonType, type DomainMigration } from '../platform/db/migrations.ts';

export interface ResourceServersTable {
  id: string;
  identifier: string;
  name: string;
  /** scopes, token lifetimes, dialect, policies: the settable fields that are not looked up by. */
  settings: unknown;
  created_at: string;
  updated_at: string;
}
export interface RolesTable {
  id: string;
  name: string;
  description: string | null;
  created_at: string;
}
export interface RolePermissionsTable {
  role_id: string;
  resource_server_identifier: string;
  permission_name: string;
  created_at: string;
}
export interface UserRolesTable {
  user_id: string;
  role_id: string;
  created_at: string;
}
export interface UserPermissionsTable {
  user_id: string;
  resource_server_identifier: string;
  permission_name: string;
  created_at: string;
}
export interface AuthzTables {
  resource_servers: ResourceServersTable;
  roles: RolesTable;
  role_permissions: RolePermissionsTable;
  user_roles: UserRolesTable;
  user_permissions: UserPermissionsTable;
}

export const authzMigrations: DomainMigration[] = [
  {
    name: '20261202_60_authz',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      await db.schema
        .createTable('resource_servers')
        .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('identifier', 'varchar(600)', (c) => c.notNull().unique())
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('settings', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('roles')
        .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(256)', (c) => c.notNull().unique())
        .addColumn('description', 'varchar(1024)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('role_permissions')
        .addColumn('role_id', 'varchar(32)', (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addColumn('resource_server_identifier', 'varchar(600)', (c) => c.notNull())
        .addColumn('permission_name', 'varchar(280)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('role_permissions_pk', ['role_id', 'resource_server_identifier', 'permission_name'])
        .execute();
      // Cleaning up after an API or one of its scopes goes.
      await db.schema.createIndex('role_permissions_api').on('role_permissions').columns(['resource_server_identifier', 'permission_name']).execute();
      await db.schema
        .createTable('user_roles')
        .addColumn('user_id', 'varchar(1024)', (c) => c.notNull())
        .addColumn('role_id', 'varchar(32)', (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role_id'])
        .execute();
      // A role's members, in the order of checkpoint paging.
      await db.schema.createIndex('user_roles_role').on('user_roles').columns(['role_id', 'user_id']).execute();
      await db.schema
        .createTable('user_permissions')
        .addColumn('user_id', 'varchar(1024)', (c) => c.notNull())
        .addColumn('resource_server_identifier', 'varchar(600)', (c) => c.notNull())
        .addColumn('permission_name', 'varchar(280)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_permissions_pk', ['user_id', 'resource_server_identifier', 'permission_name'])
        .execute();
      await db.schema.createIndex('user_permissions_api').on('user_permissions').columns(['resource_server_identifier', 'permission_name']).execute();
    },
  },
];
