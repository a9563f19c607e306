// Auth0's brute-force protection: after 10 consecutive failed logins for one user from one IP address, that pair
// is blocked until an administrator unblocks it (/api/v2/user-blocks) or the user's password changes. Counters
// live in the database so that every node sees the same count, and an attempt is counted before its password is
// verified, so a burst of concurrent guesses gets no more than 10 verifications (issue #11, item 1).
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import type { DomainMigration } from '../platform/db/migrations.ts';
import { Listeners } from '../platform/listeners.ts';

interface LoginFailuresTable {
  user_id: string;
  ip: string;
  /** The email or username that was typed, for /api/v2/user-blocks?identifier= and its answer. */
  identifier: string;
  connection: string;
  failures: number;
  blocked_at: string | null;
  updated_at: string;
}
export interface LoginFailuresTables {
  login_failures: LoginFailuresTable;
}

export const bruteForceMigrations: DomainMigration[] = [
  {
    name: '20261127_22_login_failures',
    async up(db: Kysely<unknown>, _dialect: Dialect) {
      await db.schema
        .createTable('login_failures')
        .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('ip', 'varchar(64)', (c) => c.notNull())
        .addColumn('identifier', 'varchar(320)', (c) => c.notNull())
        .addColumn('connection', 'varchar(128)', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('blocked_at', 'varchar(32)')
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('login_failures_pk', ['user_id', 'ip'])
        .execute();
      await db.schema.createIndex('login_failures_identifier').on('login_failures').column('identifier').execute();
    },
  },
];

/** Auth0's threshold: the 10th consecutive failure blocks the pair. */
export const MAX_FAILED_ATTEMPTS = 10;

export interface BlockedFor {
  identifier: string;
  ip: string;
  connection: string;
}

/** A user/IP pair that has just been blocked (the email domain mails the user an unblock link). */
export interface NewBlock {
  userId: string;
  ip: string;
}

/**
 * The counter key of an address that names no account: attempts against unknown addresses are counted like those
 * against real accounts, so that after ten failures both answer "blocked" and nothing tells them apart. A hash
 * keeps the key short (identifiers may be 320 characters) and outside the space of real user ids.
 */
export function unknownAccountKey(connection: string, identifier: string): string {
  return `unknown|${createHash('sha256').update(`${connection}\u0000${identifier.toLowerCase()}`).digest('hex')}`;
}

export interface LoginAttempt {
  /** The account's user_id, or unknownAccountKey() for an address that names no account. */
  userId: string;
  ip: string;
  identifier: string;
  connection: string;
}

export class BruteForceGuard {
  /** Announced once per block: by the failure that reached the threshold. */
  readonly blocks = new Listeners<NewBlock>('login-block');
  private readonly db: Kysely<LoginFailuresTables>;
  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<LoginFailuresTables>();
  }

  async isBlocked(userId: string, ip: string): Promise<boolean> {
    const row = await this.db.selectFrom('login_failures').select('blocked_at').where('user_id', '=', userId).where('ip', '=', ip).executeTakeFirst();
    return Boolean(row?.blocked_at);
  }

  /**
   * Counts the attempt BEFORE its password is verified, in one statement that every node shares (an upsert that
   * returns the new count): of any burst, however concurrent, only the first MAX_FAILED_ATTEMPTS since the last
   * success are admitted; the rest are refused without a verification. `failures` therefore counts attempts
   * admitted since the last success (a success deletes the row), each presumed failed until it succeeds — an
   * attempt cut short by a crash counts as a failure, never as a free guess.
   */
  async admit(attempt: LoginAttempt): Promise<boolean> {
    const now = new Date().toISOString();
    const row = await this.db
      .insertInto('login_failures')
      .values({ user_id: attempt.userId, ip: attempt.ip, identifier: attempt.identifier.toLowerCase(), connection: attempt.connection, failures: 1, blocked_at: null, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['user_id', 'ip']).doUpdateSet({
          failures: sql`login_failures.failures + 1`,
          identifier: attempt.identifier.toLowerCase(),
          updated_at: now,
        }),
      )
      .returning(['failures', 'blocked_at'])
      .executeTakeFirstOrThrow();
    return row.blocked_at === null && Number(row.failures) <= MAX_FAILED_ATTEMPTS;
  }

  /**
   * The admitted attempt's password was wrong: once MAX_FAILED_ATTEMPTS have been admitted without a success, the
   * pair is blocked (visible in /api/v2/user-blocks) until an administrator or a password change lifts it.
   * True when the pair is now blocked.
   */
  async recordFailure(attempt: Pick<LoginAttempt, 'userId' | 'ip'>): Promise<boolean> {
    const now = new Date().toISOString();
    const pair = <Q extends { where: (...args: any[]) => Q }>(query: Q) => query.where('user_id', '=', attempt.userId).where('ip', '=', attempt.ip);
    // Exactly one statement turns a counted pair into a blocked one; it announces the block (the email domain mails
    // an unblock link). Addresses that name no account are blocked alike, silently.
    const newly = await pair(this.db.updateTable('login_failures'))
      .set({ blocked_at: now, updated_at: now })
      .where('failures', '>=', MAX_FAILED_ATTEMPTS)
      .where('blocked_at', 'is', null)
      .returning('user_id')
      .execute();
    if (newly.length > 0) {
      if (!attempt.userId.startsWith('unknown|')) await this.blocks.announce({ userId: attempt.userId, ip: attempt.ip });
      return true;
    }
    const row = await pair(this.db.selectFrom('login_failures').select('blocked_at')).executeTakeFirst();
    return Boolean(row?.blocked_at);
  }


  /** A successful login resets the pair's count (the failures were not consecutive). */
  async recordSuccess(userId: string, ip: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('user_id', '=', userId).where('ip', '=', ip).where('blocked_at', 'is', null).execute();
  }

  async blocksForUser(userId: string): Promise<BlockedFor[]> {
    const rows = await this.db.selectFrom('login_failures').select(['identifier', 'ip', 'connection']).where('user_id', '=', userId).where('blocked_at', 'is not', null).orderBy('ip').execute();
    return rows;
  }

  async blocksForIdentifier(identifier: string): Promise<BlockedFor[]> {
    return this.db
      .selectFrom('login_failures')
      .select(['identifier', 'ip', 'connection'])
      .where('identifier', '=', identifier.toLowerCase())
      .where('blocked_at', 'is not', null)
      .orderBy('ip')
      .execute();
  }

  /** Unblocks every IP for the user (DELETE /api/v2/user-blocks/{id}, or a password change). */
  async clearUser(userId: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('user_id', '=', userId).execute();
  }

  async clearIdentifier(identifier: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('identifier', '=', identifier.toLowerCase()).execute();
  }
}
