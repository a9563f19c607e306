// Which uploaded pictures exist and whose they are: one row per (user, picture hash), listing the blob keys.
// Keys are content-addressed, so two users who upload the same photo with the same crop share objects; a
// picture's objects are deleted only when no row references its hash any more.
import type { Kysely } from 'kysely';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import { fromJsonColumn, toJsonColumn } from '../platform/db/json.ts';
import { jsonType, type DomainMigration } from '../platform/db/migrations.ts';

interface PictureUploadsTable {
  user_id: string;
  hash: string;
  keys: unknown;
  created_at: string;
  /** When the upload pointed the profile at itself; null while it is still in flight (never released then). */
  settled_at: string | null;
}
interface PictureTables {
  picture_uploads: PictureUploadsTable;
}

export interface PictureUpload {
  userId: string;
  /** The full hex SHA-256 processUpload computed; keys use its first 32 digits. */
  hash: string;
  keys: string[];
  createdAt: string;
  /** False while the upload is in flight: written, but the profile not yet pointed at it. */
  settled: boolean;
}

export const pictureUploadsMigrations: DomainMigration[] = [
  {
    name: '20261127_31_picture_uploads',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      await db.schema
        .createTable('picture_uploads')
        // Auth0 user ids are <strategy>|<id>; 255 leaves room for long provider ids.
        .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('keys', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('picture_uploads_pk', ['user_id', 'hash'])
        .execute();
      await db.schema.createIndex('picture_uploads_hash').on('picture_uploads').column('hash').execute();
    },
  },
  {
    // Uploads in flight are told apart from settled ones, so that concurrent uploads by one user never release
    // each other's picture before it was pointed at (issue #11). Existing rows are all settled.
    name: '20261202_02_picture_uploads_settled',
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('picture_uploads').addColumn('settled_at', 'varchar(32)').execute();
      await (db as Kysely<PictureTables>).updateTable('picture_uploads').set((eb) => ({ settled_at: eb.ref('created_at') })).execute();
    },
  },
];

function fromRow(row: PictureUploadsTable): PictureUpload {
  return { userId: row.user_id, hash: row.hash, keys: fromJsonColumn<string[]>(row.keys), createdAt: row.created_at, settled: row.settled_at !== null };
}

export class PictureUploadsStore {
  private readonly db: Kysely<PictureTables>;
  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<PictureTables>();
  }

  /**
   * Records an upload as the user's newest; returns false when this user already had this exact picture (its
   * row is only made newest again, so it survives the release of older uploads).
   */
  async record(userId: string, hash: string, keys: string[]): Promise<boolean> {
    const createdAt = new Date().toISOString();
    const existing = await this.db
      .updateTable('picture_uploads')
      .set({ created_at: createdAt, settled_at: null })
      .where('user_id', '=', userId)
      .where('hash', '=', hash)
      .executeTakeFirst();
    if (existing.numUpdatedRows > 0n) return false;
    const result = await this.db
      .insertInto('picture_uploads')
      .values({ user_id: userId, hash, keys: toJsonColumn(keys), created_at: createdAt, settled_at: null })
      .onConflict((oc) => oc.columns(['user_id', 'hash']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** The upload has pointed the profile at itself: from now on another upload may release it. */
  async settle(userId: string, hash: string): Promise<void> {
    await this.db.updateTable('picture_uploads').set({ settled_at: new Date().toISOString() }).where('user_id', '=', userId).where('hash', '=', hash).execute();
  }

  async listForUser(userId: string): Promise<PictureUpload[]> {
    const rows = await this.db.selectFrom('picture_uploads').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
    return rows.map(fromRow);
  }

  async remove(userId: string, hash: string): Promise<void> {
    await this.db.deleteFrom('picture_uploads').where('user_id', '=', userId).where('hash', '=', hash).execute();
  }

  /** Whether any user still has this picture. */
  async isReferenced(hash: string): Promise<boolean> {
    const row = await this.db.selectFrom('picture_uploads').select('user_id').where('hash', '=', hash).limit(1).executeTakeFirst();
    return row !== undefined;
  }
}
