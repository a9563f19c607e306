// The users domain's storage: one row per user, written by single statements (a PATCH, metadata merge and
// profile-size check included, is one UPDATE), read into Auth0's shape with the picture resolved at read time.
// Other domains use this class (exported from ./index.ts), never the table.
import { sql, type Kysely } from 'kysely';
import type { Connection, ConnectionsStore } from '../connections/connections-store.ts';
import type { PictureSources } from '../pictures/gravatar.ts';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import { toJsonColumn } from '../platform/db/json.ts';
import { ApiError } from '../platform/errors.ts';
import { placeholderConnection, assertRootAttributesEditable } from './connection-kinds.ts';
import { jsonTextBytes, mergedMetadata } from './metadata-merge.ts';
import { Listeners } from '../platform/listeners.ts';
import type { PasswordChange, UserDeletion, VerificationRequest } from './user-events.ts';
import { compileSearch, type SearchRequest } from './search/search-query.ts';
import { federatedUserRow } from './federated-users.ts';
import type { NewFederatedUser, NewUser, StoredPasswordHash, User, UserPatch, UsersTable, UsersTables } from './user-model.ts';
import { fold } from './user-model.ts';
import { passwordHashFromRow, userFromRow, type ResolvePicture } from './user-row.ts';
import { checkPatchCombinations } from './user-rules.ts';
import { newUserRow, preparePatch, profileTooLarge } from './user-writes.ts';
import { isUniqueViolation } from '../platform/db/unique-violation.ts';

export interface UsersStoreDeps {
  connections: ConnectionsStore;
  issuer: string;
  maxProfileBytes: number;
  /** The picture of a profile without one, computed at read time (the pictures domain's resolver). */
  resolveDefaultPicture: (sources: PictureSources) => string;
}

export interface UserPage {
  users: User[];
  /** Only when asked for (include_totals). */
  total?: number;
}

/** Every column but the password hash: what reads select. */
export const PUBLIC_COLUMNS = [
  'user_id', 'connection', 'email', 'email_lc', 'email_verified', 'username', 'phone_number', 'phone_verified', 'name', 'name_lc',
  'given_name', 'given_name_lc', 'family_name', 'family_name_lc', 'nickname', 'nickname_lc', 'picture', 'blocked', 'created_at',
  'updated_at', 'last_login', 'last_ip', 'logins_count', 'user_metadata', 'app_metadata', 'identities', 'extra',
] as const;

const CONTEXT_FREE_PATCH_KEYS = new Set(['user_metadata', 'app_metadata', 'blocked']);

export const notFound = (): ApiError => new ApiError('inexistent_user', 'The user does not exist.');

export const userExists = (): ApiError => new ApiError('user_exists', 'The user already exists.');

export class UsersStore {
  /** PATCH /users/{id} with a new password announces it here (sign-in's blocks, post-change-password). */
  readonly passwordChanges = new Listeners<PasswordChange>('password-change');
  readonly deletions = new Listeners<UserDeletion>('user-deletion');
  /** POST/PATCH /users asked for a verification mail (verify_email, or Auth0's default); the email domain sends it. */
  readonly verificationRequests = new Listeners<VerificationRequest>('verification-request');
  private readonly db: Kysely<UsersTables>;
  private readonly dialect: Dialect;
  private readonly resolvePicture: ResolvePicture;

  constructor(
    handle: DatabaseHandle,
    private readonly deps: UsersStoreDeps,
  ) {
    this.db = handle.tables<UsersTables>();
    this.dialect = handle.dialect;
    this.resolvePicture = deps.resolveDefaultPicture;
  }

  private toUser = (row: UsersTable): User => userFromRow(row, this.resolvePicture);

  private async connectionNamed(name: string): Promise<Connection> {
    const connection = await this.deps.connections.getByName(name);
    if (!connection) throw new ApiError('bad_request', 'Connection does not exist.');
    return connection;
  }

  /** POST /users: validates as Auth0 does, hashes the password with argon2id, applies Auth0's defaults. */
  async create(input: NewUser): Promise<User> {
    const connection = await this.connectionNamed(input.connection);
    const row = await newUserRow(input, connection, this.deps.maxProfileBytes);
    return this.insert(row);
  }

  /** A user an identity provider vouched for (social or enterprise sign-in); never through POST /users. */
  async createFederated(input: NewFederatedUser): Promise<User> {
    return this.insert(federatedUserRow(input));
  }

  private async insert(row: UsersTable): Promise<User> {
    try {
      await this.db.insertInto('users').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw userExists();
      throw error;
    }
    return this.toUser(row);
  }

  async get(userId: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').select(PUBLIC_COLUMNS).where('user_id', '=', userId).executeTakeFirst();
    return row ? this.toUser(row as UsersTable) : null;
  }

  /** GET /users-by-email: the address is matched exactly, as on Auth0 (database emails are stored lower-cased). */
  async getByEmail(email: string): Promise<User[]> {
    const rows = await this.db
      .selectFrom('users')
      .select(PUBLIC_COLUMNS)
      .where('email_lc', '=', fold(email))
      .where('email', '=', email)
      .orderBy('created_at')
      .orderBy('user_id')
      .execute();
    return rows.map((r) => this.toUser(r as UsersTable));
  }

  /** Sign-in: the user of `connection` whose email or username this is (both compared case-insensitively). */
  async findLoginCandidate(connection: string, emailOrUsername: string): Promise<{ user: User; passwordHash: StoredPasswordHash | null } | null> {
    const key = fold(emailOrUsername.trim());
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('connection', '=', connection)
      .where((eb) => eb.or([eb('email_lc', '=', key), eb('username', '=', key)]))
      .limit(2)
      .execute();
    const row = rows.find((r) => r.email_lc === key) ?? rows[0];
    return row ? { user: this.toUser(row), passwordHash: passwordHashFromRow(row) } : null;
  }

  /** A successful (or blocked) sign-in: one statement, so concurrent logins all count. */
  async recordLogin(userId: string, info: { ip: string }): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .updateTable('users')
      .set((eb) => ({ logins_count: eb('logins_count', '+', 1), last_login: now, last_ip: info.ip.slice(0, 64), updated_at: now }))
      .where('user_id', '=', userId)
      .execute();
  }

  /** Replaces an imported hash with a native one after it verified; invisible in the profile (no updated_at). */
  async setPasswordHash(userId: string, hash: StoredPasswordHash): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: toJsonColumn(hash) }).where('user_id', '=', userId).execute();
  }

  /**
   * PATCH /users/{id} with Auth0's semantics, as one UPDATE: root attributes replaced (null removes), metadata
   * merged in the database (see metadata-merge.ts), the profile-size limit checked on the merged result in the
   * same statement's WHERE. A user-context actor may change only user_metadata.
   */
  async update(userId: string, patch: UserPatch, actor?: { userContext: boolean }): Promise<User> {
    if (actor?.userContext && Object.keys(patch).some((k) => k !== 'user_metadata')) {
      throw new ApiError('insufficient_scope', 'Insufficient scope, expected any of: update:users');
    }
    checkPatchCombinations(patch);
    // Metadata and `blocked` follow the same rules in every connection: such a PATCH (the common one) needs
    // neither the current row nor the connection, and is the UPDATE alone.
    let current: Pick<UsersTable, 'email' | 'username'> = { email: null, username: null };
    let connection = placeholderConnection('', 'auth0');
    if (Object.keys(patch).some((key) => !CONTEXT_FREE_PATCH_KEYS.has(key))) {
      const row = await this.db.selectFrom('users').select(['connection', 'email', 'username']).where('user_id', '=', userId).executeTakeFirst();
      if (!row) throw notFound();
      current = row;
      connection = (await this.deps.connections.getByName(row.connection)) ?? placeholderConnection(row.connection, userId.split('|')[0]);
      if (patch.connection !== undefined && patch.connection !== row.connection) {
        const exists = await this.deps.connections.getByName(patch.connection);
        throw new ApiError('bad_request', exists ? 'Connection is not supported for this operation.' : 'Connection does not exist.');
      }
      assertRootAttributesEditable(connection, patch as Record<string, unknown>);
    }
    const prepared = await preparePatch(patch, current, connection);

    const values: Record<string, unknown> = { ...prepared.set };
    if (prepared.user_metadata !== undefined) values.user_metadata = mergedMetadata(this.dialect, 'user_metadata', prepared.user_metadata);
    if (prepared.app_metadata !== undefined) values.app_metadata = mergedMetadata(this.dialect, 'app_metadata', prepared.app_metadata);
    let query = this.db.updateTable('users').set(values as Partial<UsersTable>).where('user_id', '=', userId);
    const checksSize = prepared.user_metadata !== undefined || prepared.app_metadata !== undefined;
    if (checksSize) {
      const um = values.user_metadata ?? null;
      const am = values.app_metadata ?? null;
      const size = sql`${jsonTextBytes(this.dialect, (um ?? sql.ref('user_metadata')) as never)} + ${jsonTextBytes(this.dialect, (am ?? sql.ref('app_metadata')) as never)}`;
      query = query.where(sql<boolean>`${size} <= ${this.deps.maxProfileBytes}`);
    }
    let row: UsersTable | undefined;
    try {
      row = (await query.returning(PUBLIC_COLUMNS).executeTakeFirst()) as UsersTable | undefined;
    } catch (error) {
      if (isUniqueViolation(error)) throw userExists();
      throw error;
    }
    if (row) return this.toUser(row);
    if (!(await this.exists(userId))) throw notFound();
    throw profileTooLarge(this.deps.maxProfileBytes);
  }

  async delete(userId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('user_id', '=', userId).executeTakeFirst();
    const deleted = result.numDeletedRows > 0n;
    if (deleted) await this.deletions.announce({ userId });
    return deleted;
  }

  private async exists(userId: string): Promise<boolean> {
    return (await this.db.selectFrom('users').select('user_id').where('user_id', '=', userId).executeTakeFirst()) !== undefined;
  }

  /** GET /users: Lucene `q` translated to SQL (search/), sorted and paged in the database. */
  async search(request: SearchRequest): Promise<UserPage> {
    const compiled = compileSearch(this.dialect, request);
    let query = this.db.selectFrom('users').select(PUBLIC_COLUMNS);
    if (compiled.where) query = query.where(compiled.where);
    for (const order of compiled.orderBy) query = query.orderBy(order);
    const rows = await query.limit(request.perPage).offset(request.page * request.perPage).execute();
    const users = rows.map((r) => this.toUser(r as UsersTable));
    if (!request.includeTotals) return { users };
    let count = this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('total'));
    if (compiled.where) count = count.where(compiled.where);
    const { total } = await count.executeTakeFirstOrThrow();
    return { users, total: Number(total) };
  }
}
