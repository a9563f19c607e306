// Auth0's token blacklist (/api/v2/blacklists/tokens): a token whose `jti` is listed is refused by the Management
// API guard on every node. Entries live in the database; each node remembers a lookup for at most
// LOOKUP_TTL_MS, so a token blacklisted on one node is refused everywhere within a second.
import type { Kysely } from 'kysely';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import type { DomainMigration } from '../platform/db/migrations.ts';
import { ReadThroughCache } from '../platform/read-through-cache.ts';

interface RevokedTokensTable {
  jti: string;
  /** The `aud` the entry is limited to, or '' for a jti refused whatever its audience. */
  aud: string;
  created_at: string;
}
export interface RevokedTokensTables {
  revoked_tokens: RevokedTokensTable;
}

export const revokedTokensMigrations: DomainMigration[] = [
  {
    name: '20261202_01_revoked_tokens',
    async up(db: Kysely<unknown>, _dialect: Dialect) {
      await db.schema
        .createTable('revoked_tokens')
        .addColumn('jti', 'varchar(255)', (c) => c.notNull())
        .addColumn('aud', 'varchar(512)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('revoked_tokens_pk', ['jti', 'aud'])
        .execute();
      await db.schema.createIndex('revoked_tokens_aud').on('revoked_tokens').column('aud').execute();
    },
  },
];

/** How long a node trusts what it read about a jti; also how long the guard's client and grant reads live. */
export const LOOKUP_TTL_MS = 1_000;

export interface RevokedToken {
  jti: string;
  aud?: string;
}

export class RevokedTokens {
  private readonly db: Kysely<RevokedTokensTables>;
  private readonly lookups = new ReadThroughCache<string[]>(LOOKUP_TTL_MS);

  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<RevokedTokensTables>();
  }

  async add(entry: RevokedToken): Promise<void> {
    await this.db
      .insertInto('revoked_tokens')
      .values({ jti: entry.jti, aud: entry.aud ?? '', created_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['jti', 'aud']).doNothing())
      .execute();
    this.lookups.clear();
  }

  async list(aud?: string): Promise<RevokedToken[]> {
    let q = this.db.selectFrom('revoked_tokens').select(['jti', 'aud']).orderBy('created_at').orderBy('jti');
    if (aud !== undefined) q = q.where('aud', '=', aud);
    return (await q.execute()).map((r) => (r.aud ? { aud: r.aud, jti: r.jti } : { jti: r.jti }));
  }

  /**
   * Whether a token with this jti is refused: an entry without an audience refuses it outright; one with an
   * audience refuses it when the token names that audience (its `aud`) or was issued to it (its `azp`, which is
   * what Auth0's documentation calls the token's audience for this endpoint).
   */
  async isRevoked(jti: string, audiences: string[]): Promise<boolean> {
    const listed = await this.lookups.get(jti, async () =>
      (await this.db.selectFrom('revoked_tokens').select('aud').where('jti', '=', jti).execute()).map((r) => r.aud),
    );
    return listed.some((aud) => aud === '' || audiences.includes(aud));
  }
}
