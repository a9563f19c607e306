// Applications and machine-to-machine clients, with their grants to APIs (the Management API among them).
// Client secrets are stored as SHA-256 digests: they are high-entropy random strings, so a fast digest is
// enough, and the plaintext leaves the server only in the answer that created or rotated it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import { fromJsonColumn, toJsonColumn } from '../platform/db/json.ts';
import { jsonType, type DomainMigration } from '../platform/db/migrations.ts';
import { newClientGrantId, newClientId, newClientSecret } from '../platform/ids.ts';
import { ReadThroughCache } from '../platform/read-through-cache.ts';

const CACHE_TTL_MS = 5_000;

interface ClientsTable {
  client_id: string;
  name: string;
  description: string | null;
  app_type: string;
  is_first_party: number;
  client_secret_hash: string | null;
  /** The properties that are not columns: callbacks, grant_types, web_origins, client_metadata, … */
  settings: unknown;
  created_at: string;
  updated_at: string;
}
interface ClientGrantsTable {
  id: string;
  client_id: string;
  audience: string;
  scope: unknown;
  created_at: string;
}
export interface ClientsTables {
  clients: ClientsTable;
  client_grants: ClientGrantsTable;
}

export const clientsMigrations: DomainMigration[] = [
  {
    name: '20261127_03_clients',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      await db.schema
        .createTable('clients')
        .addColumn('client_id', 'varchar(128)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('description', 'varchar(1024)')
        .addColumn('app_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('is_first_party', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('client_secret_hash', 'varchar(64)')
        .addColumn('settings', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('client_grants')
        .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('client_id', 'varchar(128)', (c) => c.notNull().references('clients.client_id').onDelete('cascade'))
        .addColumn('audience', 'varchar(512)', (c) => c.notNull())
        .addColumn('scope', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addUniqueConstraint('client_grants_client_audience', ['client_id', 'audience'])
        .execute();
    },
  },
];

export type AppType = 'spa' | 'regular_web' | 'native' | 'non_interactive';

/** Client properties kept in the settings JSON, named as Auth0's /api/v2/clients names them. */
export interface ClientSettings {
  callbacks: string[];
  allowed_logout_urls: string[];
  web_origins: string[];
  allowed_origins: string[];
  grant_types: string[];
  token_endpoint_auth_method: 'none' | 'client_secret_post' | 'client_secret_basic';
  client_metadata: Record<string, string>;
  logo_uri?: string;
  oidc_conformant: boolean;
  jwt_configuration: { alg: 'RS256'; lifetime_in_seconds: number };
}

export interface Client extends ClientSettings {
  client_id: string;
  name: string;
  description?: string;
  app_type: AppType;
  is_first_party: boolean;
  created_at: string;
  updated_at: string;
}

export interface ClientGrant {
  id: string;
  client_id: string;
  audience: string;
  scope: string[];
}

export type NewClient = { name: string; app_type?: AppType; description?: string; is_first_party?: boolean } & Partial<ClientSettings>;

const DEFAULT_SETTINGS: ClientSettings = {
  callbacks: [],
  allowed_logout_urls: [],
  web_origins: [],
  allowed_origins: [],
  grant_types: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
  token_endpoint_auth_method: 'client_secret_post',
  client_metadata: {},
  oidc_conformant: true,
  jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000 },
};

const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS).concat('logo_uri') as (keyof ClientSettings)[];

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function fromRow(row: ClientsTable): Client {
  return {
    client_id: row.client_id,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    app_type: row.app_type as AppType,
    is_first_party: Boolean(row.is_first_party),
    ...DEFAULT_SETTINGS,
    ...fromJsonColumn<Partial<ClientSettings>>(row.settings),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function pickSettings(input: Partial<ClientSettings>): Partial<ClientSettings> {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (input[key] !== undefined) out[key] = input[key];
  return out as Partial<ClientSettings>;
}

export class ClientsStore {
  private readonly db: Kysely<ClientsTables>;
  private readonly lockRows: boolean;
  // Every token request reads its client, secret digest and grants; caching them for a few seconds takes those
  // queries off the hot path. Writes here clear it; other nodes converge within the TTL (a rotated secret or
  // removed grant stops working everywhere within CACHE_TTL_MS).
  private readonly reads = new ReadThroughCache<unknown>(CACHE_TTL_MS);
  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<ClientsTables>();
    // SQLite serializes writers already and has no FOR UPDATE.
    this.lockRows = handle.dialect === 'postgres';
  }

  /** Creates the client; the plaintext secret is returned here and never again (null for public clients). */
  async create(input: NewClient & { client_id?: string; client_secret?: string }): Promise<{ client: Client; secret: string | null }> {
    this.reads.clear();
    const settings = { ...DEFAULT_SETTINGS, ...pickSettings(input) };
    const isPublic = settings.token_endpoint_auth_method === 'none';
    const secret = isPublic ? null : (input.client_secret ?? newClientSecret());
    const now = new Date().toISOString();
    const row: ClientsTable = {
      client_id: input.client_id ?? newClientId(),
      name: input.name,
      description: input.description ?? null,
      app_type: input.app_type ?? 'regular_web',
      is_first_party: input.is_first_party === false ? 0 : 1,
      client_secret_hash: secret ? hashClientSecret(secret) : null,
      settings: toJsonColumn(pickSettings(settings)),
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('clients').values(row).execute();
    return { client: fromRow(row), secret };
  }

  async get(clientId: string): Promise<Client | null> {
    return this.reads.get(`client:${clientId}`, () => this.getUncached(clientId)) as Promise<Client | null>;
  }

  private async getUncached(clientId: string): Promise<Client | null> {
    const row = await this.db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async list(): Promise<Client[]> {
    return (await this.db.selectFrom('clients').selectAll().orderBy('created_at').orderBy('client_id').execute()).map(fromRow);
  }

  async update(clientId: string, changes: Partial<NewClient>): Promise<Client | null> {
    this.reads.clear();
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('clients').selectAll().where('client_id', '=', clientId).$if(this.lockRows, (q) => q.forUpdate()).executeTakeFirst();
      if (!row) return null;
      const current = fromRow(row);
      const settings = { ...pickSettings(current), ...pickSettings(changes) };
      const set: Partial<ClientsTable> = { settings: toJsonColumn(settings), updated_at: new Date().toISOString() };
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.description !== undefined) set.description = changes.description;
      if (changes.app_type !== undefined) set.app_type = changes.app_type;
      if (changes.is_first_party !== undefined) set.is_first_party = changes.is_first_party ? 1 : 0;
      if (settings.token_endpoint_auth_method === 'none') set.client_secret_hash = null;
      await trx.updateTable('clients').set(set).where('client_id', '=', clientId).execute();
      return fromRow({ ...row, ...set });
    });
  }

  /** Deletes the client and its grants together (SQLite enforces no foreign keys unless asked to). */
  async delete(clientId: string): Promise<boolean> {
    this.reads.clear();
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('client_grants').where('client_id', '=', clientId).execute();
      const result = await trx.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  async rotateSecret(clientId: string): Promise<string | null> {
    const secret = newClientSecret();
    return (await this.setSecret(clientId, secret)) ? secret : null;
  }

  /** Replaces the secret with a given one (bootstrap variables); false for an unknown client. */
  async setSecret(clientId: string, secret: string): Promise<boolean> {
    this.reads.clear();
    const result = await this.db
      .updateTable('clients')
      .set({ client_secret_hash: hashClientSecret(secret), updated_at: new Date().toISOString() })
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Constant-time check of a presented secret; false for unknown and public clients. */
  async verifySecret(clientId: string, secret: string): Promise<boolean> {
    const digest = (await this.reads.get(`secret:${clientId}`, async () => {
      const row = await this.db.selectFrom('clients').select('client_secret_hash').where('client_id', '=', clientId).executeTakeFirst();
      return row?.client_secret_hash ?? null;
    })) as string | null;
    if (!digest) return false;
    const expected = Buffer.from(digest, 'hex');
    return timingSafeEqual(expected, Buffer.from(hashClientSecret(secret), 'hex'));
  }

  async createGrant(clientId: string, audience: string, scope: string[]): Promise<ClientGrant> {
    this.reads.clear();
    const grant = { id: newClientGrantId(), client_id: clientId, audience, scope };
    await this.db
      .insertInto('client_grants')
      .values({ ...grant, scope: toJsonColumn(scope), created_at: new Date().toISOString() })
      .execute();
    return grant;
  }

  async listGrants(filter: { client_id?: string; audience?: string } = {}): Promise<ClientGrant[]> {
    const key = `grants:${filter.client_id ?? ''}\u0000${filter.audience ?? ''}`;
    return this.reads.get(key, () => this.listGrantsUncached(filter)) as Promise<ClientGrant[]>;
  }

  private async listGrantsUncached(filter: { client_id?: string; audience?: string }): Promise<ClientGrant[]> {
    let q = this.db.selectFrom('client_grants').selectAll().orderBy('created_at').orderBy('id');
    if (filter.client_id) q = q.where('client_id', '=', filter.client_id);
    if (filter.audience) q = q.where('audience', '=', filter.audience);
    return (await q.execute()).map((r) => ({ id: r.id, client_id: r.client_id, audience: r.audience, scope: fromJsonColumn<string[]>(r.scope) }));
  }

  async getGrant(id: string): Promise<ClientGrant | null> {
    const r = await this.db.selectFrom('client_grants').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, client_id: r.client_id, audience: r.audience, scope: fromJsonColumn<string[]>(r.scope) } : null;
  }

  async updateGrantScope(id: string, scope: string[]): Promise<ClientGrant | null> {
    this.reads.clear();
    const result = await this.db.updateTable('client_grants').set({ scope: toJsonColumn(scope) }).where('id', '=', id).executeTakeFirst();
    if (result.numUpdatedRows === 0n) return null;
    return this.getGrant(id);
  }

  /** An API was deleted: the grants that named it go too. */
  async deleteGrantsForAudience(audience: string): Promise<void> {
    this.reads.clear();
    await this.db.deleteFrom('client_grants').where('audience', '=', audience).execute();
  }

  async deleteGrant(id: string): Promise<boolean> {
    this.reads.clear();
    const result = await this.db.deleteFrom('client_grants').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
