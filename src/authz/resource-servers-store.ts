// The tenant's own APIs. The token path reads an API by identifier on every token request, so that read goes
// through a short read-through cache; writes here clear it, other nodes converge within CACHE_TTL_MS.
// Removing an API, or scopes from it, removes the role and user permissions that named them in the same
// transaction (client grants belong to the clients domain: the routes announce the deletion to it).
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { fromJsonColumn, toJsonColumn } from '../platform/db/json.ts';
import { isUniqueViolation } from '../platform/db/unique-violation.ts';
import { newResourceServerId } from '../platform/ids.ts';
import { ReadThroughCache } from '../platform/read-through-cache.ts';
import type { AuthzTables, ResourceServersTable } from './authz-tables.ts';
import { DEFAULT_SETTINGS, scopeValues, type ResourceServer, type ResourceServerSettings } from './resource-server-model.ts';

const CACHE_TTL_MS = 5_000;

export type NewResourceServer = { identifier: string; name?: string } & Partial<ResourceServerSettings>;
export type ResourceServerChanges = { name?: string } & Partial<ResourceServerSettings>;

/** A second API with an identifier already taken. */
export class DuplicateIdentifier extends Error {}

const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof ResourceServerSettings)[];

function pickSettings(input: Partial<ResourceServerSettings>): Partial<ResourceServerSettings> {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (input[key] !== undefined) out[key] = input[key];
  return out as Partial<ResourceServerSettings>;
}

function fromRow(row: ResourceServersTable): ResourceServer {
  return {
    id: row.id,
    name: row.name,
    identifier: row.identifier,
    is_system: false,
    ...DEFAULT_SETTINGS,
    ...fromJsonColumn<Partial<ResourceServerSettings>>(row.settings),
  };
}

export class ResourceServersStore {
  private readonly db: Kysely<AuthzTables>;
  private readonly byIdentifierCache = new ReadThroughCache<ResourceServer | null>(CACHE_TTL_MS);

  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<AuthzTables>();
  }

  async create(input: NewResourceServer): Promise<ResourceServer> {
    this.byIdentifierCache.clear();
    const now = new Date().toISOString();
    const row: ResourceServersTable = {
      id: newResourceServerId(),
      identifier: input.identifier,
      name: input.name ?? input.identifier,
      settings: toJsonColumn({ ...DEFAULT_SETTINGS, ...pickSettings(input) }),
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('resource_servers').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateIdentifier(input.identifier);
      throw error;
    }
    return fromRow(row);
  }

  /** By id or by identifier (Auth0 accepts either in the path). */
  async get(idOrIdentifier: string): Promise<ResourceServer | null> {
    const row = await this.db
      .selectFrom('resource_servers')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrIdentifier), eb('identifier', '=', idOrIdentifier)]))
      .executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  /** The token path's read: cached. */
  byIdentifier(identifier: string): Promise<ResourceServer | null> {
    return this.byIdentifierCache.get(identifier, async () => {
      const row = await this.db.selectFrom('resource_servers').selectAll().where('identifier', '=', identifier).executeTakeFirst();
      return row ? fromRow(row) : null;
    });
  }

  async list(filter: { identifiers?: string[] } = {}): Promise<ResourceServer[]> {
    let q = this.db.selectFrom('resource_servers').selectAll().orderBy('created_at').orderBy('id');
    if (filter.identifiers?.length) q = q.where('identifier', 'in', filter.identifiers);
    return (await q.execute()).map(fromRow);
  }

  /** Applies the changes; scopes that disappear take their role and user permissions with them. */
  async update(id: string, changes: ResourceServerChanges): Promise<ResourceServer | null> {
    this.byIdentifierCache.clear();
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('resource_servers').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return null;
      const current = fromRow(row);
      const settings = { ...pickSettings(current), ...pickSettings(changes) };
      const set: Partial<ResourceServersTable> = { settings: toJsonColumn(settings), updated_at: new Date().toISOString() };
      if (changes.name !== undefined) set.name = changes.name;
      await trx.updateTable('resource_servers').set(set).where('id', '=', id).execute();
      if (changes.scopes) {
        const kept = new Set(scopeValues({ scopes: changes.scopes }));
        const gone = scopeValues(current).filter((s) => !kept.has(s));
        if (gone.length) {
          for (const table of ['role_permissions', 'user_permissions'] as const) {
            await trx.deleteFrom(table).where('resource_server_identifier', '=', current.identifier).where('permission_name', 'in', gone).execute();
          }
        }
      }
      return fromRow({ ...row, ...set });
    });
  }

  /** Deletes the API and every permission that named it; answers its identifier, or null when unknown. */
  async delete(id: string): Promise<string | null> {
    this.byIdentifierCache.clear();
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('resource_servers').select('identifier').where('id', '=', id).executeTakeFirst();
      if (!row) return null;
      await trx.deleteFrom('role_permissions').where('resource_server_identifier', '=', row.identifier).execute();
      await trx.deleteFrom('user_permissions').where('resource_server_identifier', '=', row.identifier).execute();
      await trx.deleteFrom('resource_servers').where('id', '=', id).execute();
      return row.identifier;
    });
  }
}
