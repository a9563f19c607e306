// Roles, the permissions they carry, who holds them, and the permissions given to users directly. Every
// assignment is idempotent (assigning twice changes nothing) and every list is ordered so that paging is stable.
// `permissionsOf` is the token path's one query: direct permissions and those of the user's roles, for one API.
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { isUniqueViolation } from '../platform/db/unique-violation.ts';
import { newRoleId } from '../platform/ids.ts';
import type { AuthzTables, RolesTable } from './authz-tables.ts';

export interface Role {
  id: string;
  name: string;
  description?: string;
}

/** A permission as the assignment bodies name it. */
export interface PermissionRef {
  resource_server_identifier: string;
  permission_name: string;
}

/** A second role with a name already taken. */
export class DuplicateRoleName extends Error {}

const toRole = (row: Pick<RolesTable, 'id' | 'name' | 'description'>): Role => ({
  id: row.id,
  name: row.name,
  ...(row.description !== null ? { description: row.description } : {}),
});

export class RolesStore {
  private readonly db: Kysely<AuthzTables>;

  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<AuthzTables>();
  }

  async create(input: { name: string; description?: string }): Promise<Role> {
    const row = { id: newRoleId(), name: input.name, description: input.description ?? null, created_at: new Date().toISOString() };
    try {
      await this.db.insertInto('roles').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateRoleName(input.name);
      throw error;
    }
    return toRole(row);
  }

  async get(id: string): Promise<Role | null> {
    const row = await this.db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRole(row) : null;
  }

  /** Roles whose name contains `nameFilter` (case-insensitive), by name. */
  async list(nameFilter?: string): Promise<Role[]> {
    const rows = await this.db.selectFrom('roles').selectAll().orderBy('name').orderBy('id').execute();
    const needle = nameFilter?.toLowerCase();
    return rows.filter((r) => !needle || r.name.toLowerCase().includes(needle)).map(toRole);
  }

  async existing(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('roles').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }

  async update(id: string, changes: { name?: string; description?: string }): Promise<Role | null> {
    const set: Partial<RolesTable> = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.description !== undefined) set.description = changes.description;
    if (Object.keys(set).length) {
      try {
        await this.db.updateTable('roles').set(set).where('id', '=', id).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateRoleName(changes.name ?? '');
        throw error;
      }
    }
    return this.get(id);
  }

  /** The role and every link to it, in one transaction. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('role_permissions').where('role_id', '=', id).execute();
      await trx.deleteFrom('user_roles').where('role_id', '=', id).execute();
      const result = await trx.deleteFrom('roles').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  // Role permissions.

  async addRolePermissions(roleId: string, permissions: PermissionRef[]): Promise<void> {
    const now = new Date().toISOString();
    const rows = permissions.map((p) => ({ role_id: roleId, ...p, created_at: now }));
    await this.db.insertInto('role_permissions').values(rows).onConflict((oc) => oc.doNothing()).execute();
  }

  async removeRolePermissions(roleId: string, permissions: PermissionRef[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const p of permissions) {
        await trx.deleteFrom('role_permissions').where('role_id', '=', roleId)
          .where('resource_server_identifier', '=', p.resource_server_identifier).where('permission_name', '=', p.permission_name).execute();
      }
    });
  }

  async rolePermissions(roleId: string): Promise<PermissionRef[]> {
    return this.db.selectFrom('role_permissions').select(['resource_server_identifier', 'permission_name'])
      .where('role_id', '=', roleId).orderBy('resource_server_identifier').orderBy('permission_name').execute();
  }

  // Members.

  async assignUsers(roleId: string, userIds: string[]): Promise<void> {
    const now = new Date().toISOString();
    await this.db.insertInto('user_roles').values(userIds.map((user_id) => ({ user_id, role_id: roleId, created_at: now })))
      .onConflict((oc) => oc.doNothing()).execute();
  }

  async assignRoles(userId: string, roleIds: string[]): Promise<void> {
    const now = new Date().toISOString();
    await this.db.insertInto('user_roles').values(roleIds.map((role_id) => ({ user_id: userId, role_id, created_at: now })))
      .onConflict((oc) => oc.doNothing()).execute();
  }

  async removeRoles(userId: string, roleIds: string[]): Promise<void> {
    await this.db.deleteFrom('user_roles').where('user_id', '=', userId).where('role_id', 'in', roleIds).execute();
  }

  /** A role's members' ids, in user-id order (the order checkpoint paging walks). */
  async members(roleId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('user_roles').select('user_id').where('role_id', '=', roleId).orderBy('user_id').execute();
    return rows.map((r) => r.user_id);
  }

  async rolesOf(userId: string): Promise<Role[]> {
    const rows = await this.db.selectFrom('user_roles').innerJoin('roles', 'roles.id', 'user_roles.role_id')
      .select(['roles.id', 'roles.name', 'roles.description']).where('user_roles.user_id', '=', userId).orderBy('roles.name').orderBy('roles.id').execute();
    return rows.map(toRole);
  }

  // Direct permissions.

  async addUserPermissions(userId: string, permissions: PermissionRef[]): Promise<void> {
    const now = new Date().toISOString();
    await this.db.insertInto('user_permissions').values(permissions.map((p) => ({ user_id: userId, ...p, created_at: now })))
      .onConflict((oc) => oc.doNothing()).execute();
  }

  async removeUserPermissions(userId: string, permissions: PermissionRef[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const p of permissions) {
        await trx.deleteFrom('user_permissions').where('user_id', '=', userId)
          .where('resource_server_identifier', '=', p.resource_server_identifier).where('permission_name', '=', p.permission_name).execute();
      }
    });
  }

  async userPermissions(userId: string): Promise<PermissionRef[]> {
    return this.db.selectFrom('user_permissions').select(['resource_server_identifier', 'permission_name'])
      .where('user_id', '=', userId).orderBy('resource_server_identifier').orderBy('permission_name').execute();
  }

  /**
   * Every permission the user holds for one API, directly or through a role: one statement over the primary
   * keys (user_permissions by user, user_roles by user, role_permissions by role).
   */
  async permissionsOf(userId: string, identifier: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('user_permissions')
      .select('permission_name')
      .where('user_id', '=', userId)
      .where('resource_server_identifier', '=', identifier)
      .union(
        this.db.selectFrom('user_roles')
          .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
          .select('role_permissions.permission_name')
          .where('user_roles.user_id', '=', userId)
          .where('role_permissions.resource_server_identifier', '=', identifier),
      )
      .execute();
    return rows.map((r) => r.permission_name).sort();
  }

  /** A deleted user leaves no role membership or permission behind. */
  async forgetUser(userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
      await trx.deleteFrom('user_permissions').where('user_id', '=', userId).execute();
    });
  }
}
