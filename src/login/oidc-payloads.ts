// oidc-provider's storage adapter over the database, so that sessions, interactions, grants, codes and refresh
// tokens survive restarts and are shared by every node. One table holds every model, keyed by (type, id), with
// the columns the adapter interface looks up by (grant_id, user_code, uid) pulled out of the JSON payload.
import { sql, type Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import { fromJsonColumn, toJsonColumn } from '../platform/db/json.ts';
import { jsonType, type DomainMigration } from '../platform/db/migrations.ts';

interface OidcPayloadsTable {
  type: string;
  id: string;
  payload: unknown;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  /** The user a session, grant or token belongs to (payload.accountId), for the Management API's per-user lists. */
  account_id: string | null;
  /** Epoch milliseconds; null for payloads without expiry. */
  expires_at: number | null;
  consumed_at: number | null;
}
export interface OidcPayloadsTables {
  oidc_payloads: OidcPayloadsTable;
}

export const oidcPayloadsMigrations: DomainMigration[] = [
  {
    name: '20261127_20_oidc',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      await db.schema
        .createTable('oidc_payloads')
        .addColumn('type', 'varchar(48)', (c) => c.notNull())
        .addColumn('id', 'varchar(255)', (c) => c.notNull())
        .addColumn('payload', jsonType(dialect), (c) => c.notNull())
        .addColumn('grant_id', 'varchar(255)')
        .addColumn('user_code', 'varchar(255)')
        .addColumn('uid', 'varchar(255)')
        .addColumn('expires_at', 'bigint')
        .addColumn('consumed_at', 'bigint')
        .addPrimaryKeyConstraint('oidc_payloads_pk', ['type', 'id'])
        .execute();
      await db.schema.createIndex('oidc_payloads_grant_id').on('oidc_payloads').column('grant_id').execute();
      await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').columns(['type', 'uid']).execute();
      await db.schema.createIndex('oidc_payloads_user_code').on('oidc_payloads').columns(['type', 'user_code']).execute();
      await db.schema.createIndex('oidc_payloads_expires_at').on('oidc_payloads').column('expires_at').execute();
    },
  },
  {
    // Rows written before this migration have no account_id: they drop out of the per-user lists (not of sign-in)
    // until the provider saves them again.
    name: '20261202_70_oidc_account',
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('oidc_payloads').addColumn('account_id', 'varchar(255)').execute();
      await db.schema.createIndex('oidc_payloads_account').on('oidc_payloads').columns(['type', 'account_id']).execute();
    },
  },
];

export class OidcPayloads {
  private readonly db: Kysely<OidcPayloadsTables>;
  private readonly dialect: Dialect;
  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<OidcPayloadsTables>();
    this.dialect = handle.dialect;
  }

  /** The adapter oidc-provider constructs once per model name. */
  adapterFor(type: string): Adapter {
    return new PayloadAdapter(this.db, type);
  }

  /**
   * Ends every session of a user and every grant made in them (with the grant go its refresh and access tokens):
   * a password reset does this. The account is inside the JSON payload, so this scans the user's kinds of rows;
   * resets are rare enough for that.
   */
  async revokeAccount(accountId: string): Promise<void> {
    const account = this.dialect === 'postgres' ? sql<string>`payload->>'accountId'` : sql<string>`json_extract(payload, '$.accountId')`;
    const grants = await this.db.selectFrom('oidc_payloads').select('id').where('type', '=', 'Grant').where(account, '=', accountId).execute();
    const grantIds = grants.map((g) => g.id);
    await this.db.transaction().execute(async (trx) => {
      if (grantIds.length > 0) await trx.deleteFrom('oidc_payloads').where('grant_id', 'in', grantIds).execute();
      await trx.deleteFrom('oidc_payloads').where('type', 'in', ['Session', 'Grant']).where(account, '=', accountId).execute();
    });
  }

  /** Deletes what has expired; run now and then by the provider host. */
  async purgeExpired(now = Date.now()): Promise<number> {
    const result = await this.db.deleteFrom('oidc_payloads').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

class PayloadAdapter implements Adapter {
  constructor(
    private readonly db: Kysely<OidcPayloadsTables>,
    private readonly type: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const row: OidcPayloadsTable = {
      type: this.type,
      id,
      payload: toJsonColumn(payload),
      grant_id: payload.grantId ?? null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      account_id: typeof payload.accountId === 'string' ? payload.accountId : null,
      expires_at: expiresIn ? Date.now() + expiresIn * 1000 : null,
      consumed_at: null,
    };
    await this.db
      .insertInto('oidc_payloads')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['type', 'id']).doUpdateSet({
          payload: row.payload,
          grant_id: row.grant_id,
          user_code: row.user_code,
          uid: row.uid,
          account_id: row.account_id,
          expires_at: row.expires_at,
        }),
      )
      .execute();
  }

  private async findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    const row = await this.db
      .selectFrom('oidc_payloads')
      .select(['payload', 'expires_at', 'consumed_at'])
      .where('type', '=', this.type)
      .where(column, '=', value)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at !== null && Number(row.expires_at) <= Date.now()) return undefined;
    const payload = fromJsonColumn<AdapterPayload>(row.payload);
    if (row.consumed_at !== null) payload.consumed = Math.floor(Number(row.consumed_at) / 1000);
    return payload;
  }

  find(id: string) {
    return this.findWhere('id', id);
  }

  findByUid(uid: string) {
    return this.findWhere('uid', uid);
  }

  findByUserCode(userCode: string) {
    return this.findWhere('user_code', userCode);
  }

  async consume(id: string): Promise<void> {
    await this.db.updateTable('oidc_payloads').set({ consumed_at: Date.now() }).where('type', '=', this.type).where('id', '=', id).execute();
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('type', '=', this.type).where('id', '=', id).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    // Every model's adapter gets this call; deleting all of the grant's rows at once makes the rest no-ops.
    await this.db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
  }
}
