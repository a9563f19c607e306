// Bulk paths into and out of the users table, for the import and export jobs: many rows per statement, inside
// a transaction the caller owns (the import job commits its own progress in the same transaction, so a batch
// and the job's offset are written together or not at all). The table stays the users domain's: jobs/ calls
// these functions, never the table.
//
// The rules are the users store's own (user-rules.ts, metadata-rules.ts, connection-kinds.ts); only their
// failure form differs: a per-user issue in Auth0's job-errors shape instead of a 400 for the whole request.
import { CompiledQuery, type Kysely } from 'kysely';
import type { Connection } from '../connections/connections-store.ts';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import { toJsonColumn } from '../platform/db/json.ts';
import { ApiError } from '../platform/errors.ts';
import { newDatabaseUserId } from '../platform/ids.ts';
import type { CustomPasswordHash, ValidationIssue } from '../platform/passwords/index.ts';
import { isDatabase, providerOf } from './connection-kinds.ts';
import { checkMetadata, jsonBytes } from './metadata-rules.ts';
import { fold, withFolded, type Identity, type StoredPasswordHash, type User, type UsersTable, type UsersTables } from './user-model.ts';
import { passwordHashFromRow, userFromRow, type ResolvePicture } from './user-row.ts';
import { checkUsername, requiresUsername } from './user-rules.ts';
import { PUBLIC_COLUMNS, type UsersStoreDeps } from './users-store.ts';

/** One user of a users file, already checked against the file schema (jobs/import validateImportUser). */
export interface BulkImportUser {
  email: string;
  email_verified?: boolean;
  phone_number?: string;
  phone_verified?: boolean;
  user_id?: string;
  username?: string;
  given_name?: string;
  family_name?: string;
  name?: string;
  nickname?: string;
  picture?: string;
  blocked?: boolean;
  password_hash?: string;
  custom_password_hash?: CustomPasswordHash;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
}

export type BulkImportResult =
  | { outcome: 'inserted' | 'updated'; userId: string }
  | { outcome: 'failed'; errors: ValidationIssue[] };

export interface ExportedUser {
  user: User;
  passwordHash: StoredPasswordHash | null;
}

const COLUMNS = [...PUBLIC_COLUMNS, 'password_hash'] as const satisfies readonly (keyof UsersTable)[];

/** Rows per INSERT: 28 columns × 500 rows stays under SQLite's 32,766 bound parameters (PostgreSQL: 65,535). */
const ROWS_PER_STATEMENT = 500;

/**
 * Rows in the next INSERT: full statements, then the remainder in powers of two (498 = 256+128+64+32+16+2).
 * So only ten distinct statement texts ever exist; the SQLite statement cache (and ours) stays small however
 * many users each batch refused.
 */
function statementSize(remaining: number): number {
  if (remaining >= ROWS_PER_STATEMENT) return ROWS_PER_STATEMENT;
  return 2 ** Math.floor(Math.log2(remaining));
}

const conflict = (code: string, path: string, message: string): ValidationIssue => ({ code, path, message });
const UPSERT_FALSE = 'The user already exist and upsert parameter is false';

export class UsersBulk {
  private readonly dialect: Dialect;
  private readonly db: Kysely<UsersTables>;
  private readonly resolvePicture: ResolvePicture;
  private readonly insertText = new Map<number, string>();

  constructor(handle: DatabaseHandle, private readonly deps: UsersStoreDeps) {
    this.dialect = handle.dialect;
    this.db = handle.tables<UsersTables>();
    // The tenant's resolver, as UsersStore uses: a picture-less row resolves to the same URL in both.
    this.resolvePicture = deps.resolveDefaultPicture;
  }

  /**
   * Writes one batch of imported users into `connection` on `trx`, one result per user in order. Without
   * `upsert` a user whose email, username or user_id is taken fails (CONFLICT_EMAIL, CONFLICT_USERNAME,
   * CONFLICT); with it, a user whose email exists in the connection is updated: the upsertable attributes the
   * file gives replace the stored ones (metadata replaced, never merged, as on Auth0).
   */
  async importBatch(trx: Kysely<any>, connection: Connection, users: readonly BulkImportUser[], options: { upsert: boolean }): Promise<BulkImportResult[]> {
    const results: BulkImportResult[] = new Array(users.length);
    const now = new Date().toISOString();
    const rows: { at: number; row: UsersTable }[] = [];
    const existing = options.upsert ? await this.existingByEmail(trx, connection.name, users) : new Map<string, string>();
    const updates: { at: number; userId: string; user: BulkImportUser }[] = [];
    for (let i = 0; i < users.length; i++) {
      const errors = this.check(users[i], connection);
      if (errors.length > 0) { results[i] = { outcome: 'failed', errors }; continue; }
      const match = existing.get(users[i].email.toLowerCase());
      if (match !== undefined) updates.push({ at: i, userId: match, user: users[i] });
      else rows.push({ at: i, row: this.newRow(users[i], connection, now) });
    }
    for (const u of updates) {
      await trx.executeQuery(this.upsertUpdate(u.userId, u.user, now));
      results[u.at] = { outcome: 'updated', userId: u.userId };
    }
    const refused: { at: number; row: UsersTable }[] = [];
    for (let start = 0, size = 0; start < rows.length; start += size) {
      size = statementSize(rows.length - start);
      const chunk = rows.slice(start, start + size);
      const inserted = new Set((await trx.executeQuery<{ user_id: string }>(this.insert(chunk.map((r) => r.row)))).rows.map((r) => r.user_id));
      for (const r of chunk) {
        if (inserted.has(r.row.user_id)) results[r.at] = { outcome: 'inserted', userId: r.row.user_id };
        else refused.push(r);
      }
    }
    if (refused.length > 0) await this.explainConflicts(trx, connection.name, refused, results);
    return results;
  }

  /** Up to `limit` users after `afterUserId` (user_id order, the primary key), optionally of one connection. */
  async exportPage(afterUserId: string | null, limit: number, filter: { connection?: string } = {}): Promise<ExportedUser[]> {
    let query = this.db.selectFrom('users').selectAll();
    if (afterUserId !== null) query = query.where('user_id', '>', afterUserId);
    if (filter.connection !== undefined) query = query.where('connection', '=', filter.connection);
    const rows = await query.orderBy('user_id').limit(limit).execute();
    return rows.map((row) => ({ user: userFromRow(row, this.resolvePicture), passwordHash: passwordHashFromRow(row) }));
  }

  /** How many users an export of `filter` will see (the command line's progress bar). */
  async count(filter: { connection?: string } = {}): Promise<number> {
    let query = this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'));
    if (filter.connection !== undefined) query = query.where('connection', '=', filter.connection);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  /** The users store's rules that the file schema does not cover, as per-user issues. */
  private check(user: BulkImportUser, connection: Connection): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    const guard = (path: string, rule: () => void) => {
      try {
        rule();
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        out.push(conflict('NOT_PASSED', path, error.message.replace(/^Payload validation error: /, '')));
      }
    };
    if (user.username !== undefined) {
      if (!requiresUsername(connection)) out.push(conflict('NOT_PASSED', 'username', 'Cannot set username for connection without requires_username.'));
      else guard('username', () => checkUsername(user.username!, connection));
    } else if (requiresUsername(connection)) {
      out.push(conflict('OBJECT_REQUIRED', 'username', 'Missing required property: username (the connection requires a username)'));
    }
    if (user.user_metadata !== undefined) guard('user_metadata', () => checkMetadata('user_metadata', user.user_metadata!));
    if (user.app_metadata !== undefined) guard('app_metadata', () => checkMetadata('app_metadata', user.app_metadata!));
    if (out.length === 0 && jsonBytes(user.user_metadata) + jsonBytes(user.app_metadata) > this.deps.maxProfileBytes) {
      out.push(conflict('MAX_LENGTH', 'user_metadata',
        `The user profile is too large: user_metadata and app_metadata together must not exceed ${this.deps.maxProfileBytes} bytes`));
    }
    return out;
  }

  private newRow(user: BulkImportUser, connection: Connection, now: string): UsersTable {
    const email = user.email.toLowerCase();
    const idPart = user.user_id ?? newDatabaseUserId();
    const provider = providerOf(connection);
    const identity: Identity = { connection: connection.name, user_id: idPart, provider, isSocial: false };
    const phone = user.phone_number ?? null;
    // Defaults as POST /users applies them (user-writes.ts): name is the email, nickname its local part.
    const name = user.name ?? email;
    const nickname = user.nickname ?? email.slice(0, email.lastIndexOf('@'));
    return withFolded({
      user_id: `${provider}|${idPart}`, connection: connection.name, email, email_verified: user.email_verified ? 1 : 0,
      username: user.username === undefined ? null : user.username.toLowerCase(),
      phone_number: phone, phone_verified: phone === null ? null : user.phone_verified ? 1 : 0,
      name,
      given_name: user.given_name ?? null,
      family_name: user.family_name ?? null,
      nickname,
      picture: user.picture ?? null, blocked: user.blocked ? 1 : 0, created_at: now, updated_at: now,
      last_login: null, last_ip: null, logins_count: 0,
      user_metadata: toJsonColumn(user.user_metadata ?? {}), app_metadata: toJsonColumn(user.app_metadata ?? {}),
      identities: toJsonColumn([identity]), extra: '{}', password_hash: isDatabase(connection) ? storedHashColumn(user) : null,
    });
  }

  /** `INSERT … ON CONFLICT DO NOTHING RETURNING user_id`: rows that hit a unique key are simply not returned. */
  private insert(rows: UsersTable[]): CompiledQuery<{ user_id: string }> {
    let text = this.insertText.get(rows.length);
    if (text === undefined) {
      let n = 0;
      const tuple = () => `(${COLUMNS.map(() => (this.dialect === 'postgres' ? `$${++n}` : '?')).join(',')})`;
      const values = Array.from({ length: rows.length }, tuple).join(',');
      text = `insert into "users" (${COLUMNS.map((c) => `"${c}"`).join(',')}) values ${values} on conflict do nothing returning "user_id"`;
      this.insertText.set(rows.length, text);
    }
    const params: unknown[] = new Array(rows.length * COLUMNS.length);
    let p = 0;
    for (const row of rows) for (const c of COLUMNS) params[p++] = row[c];
    return CompiledQuery.raw(text, params);
  }

  private upsertUpdate(userId: string, user: BulkImportUser, now: string): CompiledQuery {
    // Auth0: "with or without upsert, email_verified is set to false … unless given in the imported data".
    const set: [string, unknown][] = [['email_verified', user.email_verified ? 1 : 0], ['updated_at', now]];
    for (const key of ['given_name', 'family_name', 'name', 'nickname'] as const) {
      if (user[key] !== undefined) set.push([key, user[key]], [`${key}_lc`, fold(user[key]!)]);
    }
    if (user.picture !== undefined) set.push(['picture', user.picture]);
    if (user.user_metadata !== undefined) set.push(['user_metadata', toJsonColumn(user.user_metadata)]);
    if (user.app_metadata !== undefined) set.push(['app_metadata', toJsonColumn(user.app_metadata)]);
    // Auth0: password_hash is taken at the first import only; custom_password_hash is upsertable.
    if (user.custom_password_hash !== undefined) set.push(['password_hash', storedHashColumn(user)]);
    let n = 0;
    const mark = () => (this.dialect === 'postgres' ? `$${++n}` : '?');
    const assignments = set.map(([c]) => `"${c}" = ${mark()}`).join(', ');
    return CompiledQuery.raw(`update "users" set ${assignments} where "user_id" = ${mark()}`, [...set.map(([, v]) => v), userId]);
  }

  private async existingByEmail(trx: Kysely<any>, connection: string, users: readonly BulkImportUser[]): Promise<Map<string, string>> {
    const emails = [...new Set(users.map((u) => (typeof u.email === 'string' ? u.email.toLowerCase() : '')).filter(Boolean))];
    const out = new Map<string, string>();
    for (let start = 0; start < emails.length; start += ROWS_PER_STATEMENT) {
      const rows = await (trx as Kysely<UsersTables>).selectFrom('users').select(['user_id', 'email'])
        .where('connection', '=', connection).where('email', 'in', emails.slice(start, start + ROWS_PER_STATEMENT)).execute();
      for (const r of rows) if (r.email !== null) out.set(r.email, r.user_id);
    }
    return out;
  }

  /** For the (rare) rows the INSERT skipped: which unique key they hit, in Auth0's codes. */
  private async explainConflicts(trx: Kysely<any>, connection: string, refused: { at: number; row: UsersTable }[], results: BulkImportResult[]): Promise<void> {
    const db = trx as Kysely<UsersTables>;
    const ids = refused.map((r) => r.row.user_id);
    const emails = refused.map((r) => r.row.email!);
    const names = refused.map((r) => r.row.username).filter((u): u is string => u !== null);
    const takenIds = new Set((await db.selectFrom('users').select('user_id').where('user_id', 'in', ids).execute()).map((r) => r.user_id));
    const sameConnection = await db.selectFrom('users').select(['email', 'username']).where('connection', '=', connection)
      .where((eb) => eb.or([eb('email', 'in', emails), ...(names.length ? [eb('username', 'in', names)] : [])])).execute();
    const takenEmails = new Set(sameConnection.map((r) => r.email));
    const takenNames = new Set(sameConnection.map((r) => r.username));
    for (const { at, row } of refused) {
      const errors: ValidationIssue[] = [];
      if (takenEmails.has(row.email)) errors.push(conflict('CONFLICT_EMAIL', 'email', UPSERT_FALSE));
      if (row.username !== null && takenNames.has(row.username)) errors.push(conflict('CONFLICT_USERNAME', 'username', 'A user with this username already exists'));
      if (takenIds.has(row.user_id)) errors.push(conflict('CONFLICT', 'user_id', `A user with the user_id ${row.user_id} already exists`));
      if (errors.length === 0) errors.push(conflict('CONFLICT', '', 'The user conflicts with an existing user'));
      results[at] = { outcome: 'failed', errors };
    }
  }
}

/** The imported password as StoredPasswordHash: kept exactly as given, re-hashed with argon2id at the first login. */
function storedHashColumn(user: BulkImportUser): string | null {
  if (user.password_hash !== undefined) return toJsonColumn({ kind: 'bcrypt', hash: user.password_hash } satisfies StoredPasswordHash);
  if (user.custom_password_hash !== undefined) return toJsonColumn({ kind: 'auth0-custom', spec: user.custom_password_hash } satisfies StoredPasswordHash);
  return null;
}

