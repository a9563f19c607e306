// Federated users' identities: the sign-in of a user an upstream vouched for (find by identity, create, refresh
// the synced root attributes as the connection's set_user_root_attributes says), and account linking (a
// secondary user's identity moves into the primary's identities[] with its profileData; unlinking recreates
// the secondary). Each operation is one transaction; on PostgreSQL the rows involved are locked first.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import { fromJsonColumn, toJsonColumn } from '../platform/db/json.ts';
import { ApiError } from '../platform/errors.ts';
import { federatedUserRow } from './federated-users.ts';
import type { Identity, UsersTable, UsersTables } from './user-model.ts';
import { folded } from './user-model.ts';
import { isUniqueViolation } from '../platform/db/unique-violation.ts';
import { notFound, userExists } from './users-store.ts';

export type RootAttributesMode = 'on_each_login' | 'on_first_login' | 'never_on_login';

/** What sign-in knows after an upstream vouched for a user. */
export interface FederatedLogin {
  connection: string;
  provider: string;
  isSocial: boolean;
  /** The identity's user_id (no provider prefix; `<connection>|<sub>` for the generic strategies). */
  identityUserId: string;
  profile: { email?: string; email_verified?: boolean; name?: string; given_name?: string; family_name?: string; nickname?: string; picture?: string };
  extra: Record<string, unknown>;
  tokens: { access_token?: string; refresh_token?: string };
  mode: RootAttributesMode;
}

type Db = Kysely<UsersTables> | Transaction<UsersTables>;
type OwnerRow = Pick<UsersTable, 'user_id' | 'identities' | 'extra'>;

/** The root columns a synced login writes (the five of §1.3, with their case-folded copies). */
function syncedColumns(profile: FederatedLogin['profile']): Partial<UsersTable> {
  const email = profile.email;
  const name = profile.name ?? email ?? '';
  const nickname = profile.nickname ?? (email ? email.slice(0, email.lastIndexOf('@')) : '');
  const columns = { name, nickname, given_name: profile.given_name ?? null, family_name: profile.family_name ?? null, picture: profile.picture ?? null };
  return { ...columns, ...folded(columns) };
}

/** What a linked identity keeps of its former user (Auth0's profileData). */
function profileDataOf(row: UsersTable): Record<string, unknown> {
  const data: Record<string, unknown> = { ...(fromJsonColumn<Record<string, unknown>>(row.extra) ?? {}) };
  for (const key of ['email', 'username', 'phone_number', 'name', 'given_name', 'family_name', 'nickname', 'picture'] as const) {
    if (row[key] !== null) data[key] = row[key];
  }
  if (row.email !== null) data.email_verified = Boolean(row.email_verified);
  if (row.phone_verified !== null) data.phone_verified = Boolean(row.phone_verified);
  return data;
}

const withTokens = (identity: Identity, tokens: FederatedLogin['tokens']): Identity => ({
  ...identity,
  ...(tokens.access_token ? { access_token: tokens.access_token } : {}),
  ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
});

const sameIdentity = (i: Identity, provider: string, identityUserId: string) => i.provider === provider && String(i.user_id) === identityUserId;

export class UserIdentities {
  private readonly db: Kysely<UsersTables>;
  private readonly dialect: Dialect;

  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<UsersTables>();
    this.dialect = handle.dialect;
  }

  /** The user holding an identity: its own user, or the primary it was linked into. */
  private async owner(db: Db, provider: string, identityUserId: string): Promise<OwnerRow | undefined> {
    let own = db.selectFrom('users').select(['user_id', 'identities', 'extra']).where('user_id', '=', `${provider}|${identityUserId}`);
    if (this.dialect === 'postgres') own = own.forUpdate();
    const row = await own.executeTakeFirst();
    if (row) return row;
    const match = this.dialect === 'postgres'
      ? sql<boolean>`users.identities @> ${JSON.stringify([{ provider, user_id: identityUserId }])}::jsonb`
      : sql<boolean>`EXISTS (SELECT 1 FROM json_each(users.identities) AS i WHERE json_extract(i.value, '$.provider') = ${provider} AND CAST(json_extract(i.value, '$.user_id') AS TEXT) = ${identityUserId})`;
    let linked = db.selectFrom('users').select(['user_id', 'identities', 'extra']).where(match).limit(1);
    if (this.dialect === 'postgres') linked = linked.forUpdate();
    return linked.executeTakeFirst();
  }

  /**
   * One federated sign-in. Returns the user to sign in, or null when the identity is unknown and the
   * connection creates no users (never_on_login).
   */
  async signIn(login: FederatedLogin): Promise<{ userId: string; created: boolean } | null> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        return await this.db.transaction().execute((trx) => this.signInWithin(trx, login));
      } catch (error) {
        // Two first logins of the same identity at once: the loser finds the winner's row on the retry.
        if (attempt === 0 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
    throw new Error('unreachable');
  }

  private async signInWithin(trx: Transaction<UsersTables>, login: FederatedLogin): Promise<{ userId: string; created: boolean } | null> {
    const found = await this.owner(trx, login.provider, login.identityUserId);
    if (!found) {
      if (login.mode === 'never_on_login') return null;
      const row = federatedUserRow({ connection: login.connection, provider: login.provider, isSocial: login.isSocial, providerUserId: login.identityUserId, ...login.profile, attributes: login.extra });
      const [identity] = fromJsonColumn<Identity[]>(row.identities);
      row.identities = toJsonColumn([withTokens(identity, login.tokens)]);
      await trx.insertInto('users').values(row).execute();
      return { userId: row.user_id, created: true };
    }
    const identities = fromJsonColumn<Identity[]>(found.identities);
    const index = identities.findIndex((i) => sameIdentity(i, login.provider, login.identityUserId));
    const isPrimary = found.user_id === `${login.provider}|${login.identityUserId}`;
    const set: Partial<UsersTable> = {};
    if (index >= 0) {
      const refreshed = withTokens(identities[index], login.tokens);
      // A linked identity's profileData follows the upstream; the primary's root attributes are its own.
      if (!isPrimary && login.mode === 'on_each_login') refreshed.profileData = { ...refreshed.profileData, ...login.extra, ...login.profile };
      identities[index] = refreshed;
      set.identities = toJsonColumn(identities);
    }
    if (isPrimary && login.mode === 'on_each_login') {
      Object.assign(set, syncedColumns(login.profile));
      set.extra = toJsonColumn({ ...(fromJsonColumn<Record<string, unknown>>(found.extra) ?? {}), ...login.extra });
      set.updated_at = new Date().toISOString();
    }
    if (Object.keys(set).length > 0) await trx.updateTable('users').set(set).where('user_id', '=', found.user_id).execute();
    return { userId: found.user_id, created: false };
  }

  /** POST /users/{id}/identities: the secondary user becomes an identity of the primary; answers the primary's identities. */
  async link(primaryId: string, secondaryId: string, expectedConnection?: string): Promise<Identity[]> {
    if (primaryId === secondaryId) throw new ApiError('bad_request', 'Main identity and the identity to link cannot be the same user.');
    return this.db.transaction().execute(async (trx) => {
      const primary = await this.lockedRow(trx, primaryId);
      if (!primary) throw notFound();
      const secondary = await this.lockedRow(trx, secondaryId);
      if (!secondary) throw new ApiError('bad_request', 'The secondary user does not exist.');
      const secondaryIdentities = fromJsonColumn<Identity[]>(secondary.identities);
      if (secondaryIdentities.length !== 1) throw new ApiError('bad_request', 'The secondary user has linked identities of its own: unlink them first.');
      if (expectedConnection !== undefined && secondary.connection !== expectedConnection) {
        throw new ApiError('bad_request', 'The secondary user does not belong to the given connection.');
      }
      // Signing in with a linked identity finds the primary by identity; a password, kept only in the
      // secondary's row, would be lost, so database users cannot be linked as secondaries (yet).
      if (secondary.password_hash !== null || secondaryIdentities[0].provider === 'auth0') {
        throw new ApiError('operation_not_supported', 'Linking a database user as a secondary identity is not supported: link the federated identity into the database user instead.');
      }
      const moved: Identity = { ...secondaryIdentities[0], profileData: profileDataOf(secondary) };
      const identities = [...fromJsonColumn<Identity[]>(primary.identities), moved];
      await trx.updateTable('users').set({ identities: toJsonColumn(identities), updated_at: new Date().toISOString() }).where('user_id', '=', primaryId).execute();
      await trx.deleteFrom('users').where('user_id', '=', secondaryId).execute();
      return identities;
    });
  }

  /** DELETE /users/{id}/identities/{provider}/{user_id}: the identity becomes its own user again, from its profileData. */
  async unlink(primaryId: string, provider: string, identityUserId: string): Promise<Identity[]> {
    return this.db.transaction().execute(async (trx) => {
      const primary = await this.lockedRow(trx, primaryId);
      if (!primary) throw notFound();
      const identities = fromJsonColumn<Identity[]>(primary.identities);
      const index = identities.findIndex((i) => sameIdentity(i, provider, identityUserId));
      if (index === 0) throw new ApiError('bad_request', 'Main identity cannot be removed.');
      if (index < 0) throw new ApiError('bad_request', 'The identity is not linked to this user.');
      const { profileData = {}, ...identity } = identities[index];
      const text = (k: string) => (typeof profileData[k] === 'string' ? (profileData[k] as string) : undefined);
      const row = federatedUserRow({
        connection: identity.connection, provider, isSocial: identity.isSocial, providerUserId: identityUserId,
        email: text('email'), email_verified: profileData.email_verified === true, name: text('name'), given_name: text('given_name'),
        family_name: text('family_name'), nickname: text('nickname'), picture: text('picture'), attributes: profileData,
      });
      row.identities = toJsonColumn([identity]);
      const remaining = identities.filter((_, i) => i !== index);
      await trx.updateTable('users').set({ identities: toJsonColumn(remaining), updated_at: new Date().toISOString() }).where('user_id', '=', primaryId).execute();
      try {
        await trx.insertInto('users').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw userExists();
        throw error;
      }
      return remaining;
    });
  }

  private async lockedRow(trx: Transaction<UsersTables>, userId: string): Promise<UsersTable | undefined> {
    let q = trx.selectFrom('users').selectAll().where('user_id', '=', userId);
    if (this.dialect === 'postgres') q = q.forUpdate();
    return q.executeTakeFirst();
  }
}
