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
];

function fromRow(row: PictureUploadsTable): PictureUpload {
  return { userId: row.user_id, hash: row.hash, keys: fromJsonColumn<string[]>(row.keys), createdAt: row.created_at };
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
      .set({ created_at: createdAt })
      .where('user_id', '=', userId)
      .where('hash', '=', hash)
      .executeTakeFirst();
    if (existing.numUpdatedRows > 0n) return false;
    const result = await this.db
      .insertInto('picture_uploads')
      .values({ user_id: userId, hash, keys: toJsonColumn(keys), created_at: createdAt })
      .onConflict((oc) => oc.columns(['user_id', 'hash']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
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
