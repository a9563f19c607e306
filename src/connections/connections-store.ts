// Connections: where users come from. The database connection `Username-Password-Authentication` exists from
// the first start, as in a new Auth0 tenant. Social and OIDC strategies reuse the same table.
import type { Kysely } from 'kysely';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import { fromJsonColumn, toJsonColumn } from '../platform/db/json.ts';
import { jsonType, type DomainMigration } from '../platform/db/migrations.ts';
import { newConnectionId } from '../platform/ids.ts';

interface ConnectionsTable {
  id: string;
  name: string;
  strategy: string;
  display_name: string | null;
  options: unknown;
  enabled_clients: unknown;
  is_domain_connection: number;
  realms: unknown;
  metadata: unknown;
  created_at: string;
  updated_at: string;
}
export interface ConnectionsTables {
  connections: ConnectionsTable;
}

export const connectionsMigrations: DomainMigration[] = [
  {
    name: '20261127_01_connections',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      await db.schema
        .createTable('connections')
        .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(128)', (c) => c.notNull().unique())
        .addColumn('strategy', 'varchar(64)', (c) => c.notNull())
        .addColumn('display_name', 'varchar(128)')
        .addColumn('options', jsonType(dialect), (c) => c.notNull())
        .addColumn('enabled_clients', jsonType(dialect), (c) => c.notNull())
        .addColumn('is_domain_connection', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('realms', jsonType(dialect), (c) => c.notNull())
        .addColumn('metadata', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
  },
];

export interface Connection {
  id: string;
  name: string;
  strategy: string;
  display_name?: string;
  options: Record<string, unknown>;
  enabled_clients: string[];
  is_domain_connection: boolean;
  realms: string[];
  metadata: Record<string, string>;
  created_at: string;
  updated_at: string;
}

export const DEFAULT_DATABASE_CONNECTION = 'Username-Password-Authentication';
/** Strategies whose users Auth0 itself stores (root attributes editable, users creatable through the API). */
export const DATABASE_STRATEGIES = new Set(['auth0']);

export type NewConnection = Pick<Connection, 'name' | 'strategy'> &
  Partial<Pick<Connection, 'display_name' | 'options' | 'enabled_clients' | 'is_domain_connection' | 'realms' | 'metadata'>>;

function fromRow(row: ConnectionsTable): Connection {
  return {
    id: row.id,
    name: row.name,
    strategy: row.strategy,
    ...(row.display_name !== null ? { display_name: row.display_name } : {}),
    options: fromJsonColumn(row.options),
    enabled_clients: fromJsonColumn(row.enabled_clients),
    is_domain_connection: Boolean(row.is_domain_connection),
    realms: fromJsonColumn(row.realms),
    metadata: fromJsonColumn(row.metadata),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The database connection of the dashboard's administrators (src/console/): never enabled for another app. */
export const ADMIN_CONNECTION = 'Portrait-Admins';
export const isAdminConnection = (c: { name: string }): boolean => c.name === ADMIN_CONNECTION;

export class ConnectionsStore {
  private readonly db: Kysely<ConnectionsTables>;
  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<ConnectionsTables>();
  }

  async create(input: NewConnection): Promise<Connection> {
    const now = new Date().toISOString();
    const row: ConnectionsTable = {
      id: newConnectionId(),
      name: input.name,
      strategy: input.strategy,
      display_name: input.display_name ?? null,
      options: toJsonColumn(input.options ?? {}),
      enabled_clients: toJsonColumn(distinct(input.enabled_clients ?? [])),
      is_domain_connection: input.is_domain_connection ? 1 : 0,
      realms: toJsonColumn(input.realms ?? [input.name]),
      metadata: toJsonColumn(input.metadata ?? {}),
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('connections').values(row).execute();
    return fromRow(row);
  }

  async get(id: string): Promise<Connection | null> {
    const row = await this.db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async getByName(name: string): Promise<Connection | null> {
    const row = await this.db.selectFrom('connections').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async list(filter: { strategy?: string[]; name?: string } = {}): Promise<Connection[]> {
    let q = this.db.selectFrom('connections').selectAll().orderBy('created_at').orderBy('id');
    if (filter.strategy?.length) q = q.where('strategy', 'in', filter.strategy);
    if (filter.name) q = q.where('name', '=', filter.name);
    return (await q.execute()).map(fromRow);
  }

  async update(id: string, changes: Partial<Omit<NewConnection, 'name' | 'strategy'>>): Promise<Connection | null> {
    const set: Partial<ConnectionsTable> = { updated_at: new Date().toISOString() };
    if (changes.display_name !== undefined) set.display_name = changes.display_name;
    if (changes.options !== undefined) set.options = toJsonColumn(changes.options);
    if (changes.enabled_clients !== undefined) set.enabled_clients = toJsonColumn(distinct(changes.enabled_clients));
    if (changes.is_domain_connection !== undefined) set.is_domain_connection = changes.is_domain_connection ? 1 : 0;
    if (changes.realms !== undefined) set.realms = toJsonColumn(changes.realms);
    if (changes.metadata !== undefined) set.metadata = toJsonColumn(changes.metadata);
    const result = await this.db.updateTable('connections').set(set).where('id', '=', id).executeTakeFirst();
    return result.numUpdatedRows > 0n ? this.get(id) : null;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('connections').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** First start: the database connection every Auth0 tenant has. Idempotent. */
  async ensureDefaultDatabaseConnection(): Promise<Connection> {
    const existing = await this.getByName(DEFAULT_DATABASE_CONNECTION);
    if (existing) return existing;
    try {
      return await this.create({
        name: DEFAULT_DATABASE_CONNECTION,
        strategy: 'auth0',
        options: {
          brute_force_protection: true,
          disable_signup: false,
          requires_username: false,
          passwordPolicy: 'good',
          password_complexity_options: { min_length: 8 },
        },
      });
    } catch (error) {
      // Another node created it at the same moment.
      const raced = await this.getByName(DEFAULT_DATABASE_CONNECTION);
      if (raced) return raced;
      throw error;
    }
  }

  /** Adds a client to every connection's enabled_clients (a new tenant's clients use all connections), except
   * the dashboard's administrators' connection, which only the dashboard uses. */
  async enableClientEverywhere(clientId: string): Promise<void> {
    for (const connection of await this.list()) {
      if (isAdminConnection(connection)) continue;
      if (!connection.enabled_clients.includes(clientId)) {
        await this.update(connection.id, { enabled_clients: [...connection.enabled_clients, clientId] });
      }
    }
  }
}

/**
 * enabled_clients is a set: a client named twice is kept once, where it first appears (Auth0 answers with each
 * client once; a merged list from deploy tools may repeat one, which is no reason to refuse the request).
 */
function distinct(clientIds: string[]): string[] {
  return [...new Set(clientIds)];
}
