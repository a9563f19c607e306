// RS256 signing keys, kept in the database so that every node signs with the same key and publishes the same
// JWKS. Rotation adds a new current key; the previous one stays published until the tokens it signed expire.
// The private half is stored encrypted with the secrets key (platform/secrets-cipher.ts), bound to its kid, so
// reading the database is not enough to mint tokens; encryptAtRest() brings older rows (plaintext, or encrypted
// with PORTRAIT_SECRETS_KEY_PREVIOUS) to the current key at start-up.
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import { fromJsonColumn, toJsonColumn } from '../platform/db/json.ts';
import { jsonType, type DomainMigration } from '../platform/db/migrations.ts';
import { randomAlphanumeric } from '../platform/ids.ts';
import type { SecretsCipher } from '../platform/secrets-cipher.ts';

interface SigningKeysTable {
  kid: string;
  alg: string;
  /** `{ encrypted: <SecretsCipher ciphertext of the JWK> }`; a bare JWK only in rows older than encryption. */
  private_jwk: unknown;
  public_jwk: unknown;
  created_at: string;
  /** When the key stopped being current; null while current. */
  revoked_at: string | null;
}
export interface KeysTables {
  signing_keys: SigningKeysTable;
}

export const keysMigrations: DomainMigration[] = [
  {
    name: '20261127_02_signing_keys',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('alg', 'varchar(16)', (c) => c.notNull())
        .addColumn('private_jwk', jsonType(dialect), (c) => c.notNull())
        .addColumn('public_jwk', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('revoked_at', 'varchar(32)')
        .execute();
    },
  },
];

export interface SigningKey {
  kid: string;
  alg: 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
  createdAt: string;
  revokedAt: string | null;
}

/** How long a rotated-out key stays in the JWKS: longer than the longest token lifetime (ID token, 36000 s; M2M, 86400 s). */
export const RETIRED_KEY_PUBLISHED_MS = 2 * 86400 * 1000;
const CACHE_MS = 30_000;

export class SigningKeys {
  private readonly db: Kysely<KeysTables>;
  private cache: { at: number; keys: SigningKey[] } | null = null;
  private readonly imported = new Map<string, CryptoKey>();

  constructor(
    handle: DatabaseHandle,
    private readonly cipher: SecretsCipher,
  ) {
    this.db = handle.tables<KeysTables>();
  }

  private sealed(kid: string, jwk: JWK): unknown {
    return toJsonColumn({ encrypted: this.cipher.encrypt(JSON.stringify(jwk), `signing-key:${kid}`) });
  }

  private opened(row: { kid: string; private_jwk: unknown }): JWK {
    const stored = fromJsonColumn<JWK & { encrypted?: string }>(row.private_jwk);
    if (typeof stored.encrypted !== 'string') return stored;
    return JSON.parse(this.cipher.decrypt(stored.encrypted, `signing-key:${row.kid}`, `the private key of signing key ${row.kid}`)) as JWK;
  }

  /**
   * Encrypts every private key not yet encrypted with the current secrets key: plaintext rows from before
   * encryption existed, and rows of the previous key during a rotation. Idempotent; answers how many it rewrote.
   */
  async encryptAtRest(): Promise<number> {
    const rows = await this.db.selectFrom('signing_keys').select(['kid', 'private_jwk']).execute();
    let rewritten = 0;
    for (const row of rows) {
      const stored = fromJsonColumn<{ encrypted?: unknown }>(row.private_jwk);
      if (typeof stored.encrypted === 'string' && this.cipher.isCurrent(stored.encrypted)) continue;
      await this.db.updateTable('signing_keys').set({ private_jwk: this.sealed(row.kid, this.opened(row)) }).where('kid', '=', row.kid).execute();
      rewritten += 1;
    }
    return rewritten;
  }

  /** Creates the first key when none exists (first start). */
  async ensureKey(): Promise<void> {
    const row = await this.db.selectFrom('signing_keys').select('kid').where('revoked_at', 'is', null).executeTakeFirst();
    if (!row) await this.rotate();
  }

  async rotate(): Promise<SigningKey> {
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const kid = randomAlphanumeric(22);
    const { d, p, q, dp, dq, qi, ...publicJwk } = privateJwk;
    void d, p, q, dp, dq, qi;
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('signing_keys').set({ revoked_at: now }).where('revoked_at', 'is', null).execute();
      await trx
        .insertInto('signing_keys')
        .values({
          kid,
          alg: 'RS256',
          private_jwk: this.sealed(kid, { ...privateJwk, kid, alg: 'RS256' }),
          public_jwk: toJsonColumn({ ...publicJwk, kid, alg: 'RS256', use: 'sig' }),
          created_at: now,
          revoked_at: null,
        })
        .execute();
    });
    this.cache = null;
    const keys = await this.all();
    return keys.find((k) => k.kid === kid)!;
  }

  /** Current key first, then the retired keys still published. Cached briefly; a kid miss forces a reload. */
  async all(forceReload = false): Promise<SigningKey[]> {
    if (!forceReload && this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.keys;
    const rows = await this.publishedRows();
    const keys: SigningKey[] = [];
    for (const row of rows) {
      // A key's bytes never change: import each kid once, however often the list is re-read.
      let privateKey = this.imported.get(row.kid);
      if (!privateKey) {
        privateKey = (await importJWK(this.opened(row), 'RS256')) as CryptoKey;
        this.imported.set(row.kid, privateKey);
      }
      keys.push({
        kid: row.kid,
        alg: 'RS256',
        privateKey,
        publicJwk: fromJsonColumn<JWK>(row.public_jwk),
        createdAt: row.created_at,
        revokedAt: row.revoked_at,
      });
    }
    keys.sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null));
    this.cache = { at: Date.now(), keys };
    return keys;
  }

  async current(): Promise<SigningKey> {
    const keys = await this.all();
    const key = keys.find((k) => k.revokedAt === null) ?? (await this.all(true)).find((k) => k.revokedAt === null);
    if (!key) throw new Error('no current signing key; run `portrait migrate` and start the server once');
    return key;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.all()).map((k) => k.publicJwk) };
  }

  /** Private JWKs, current first, for the OpenID provider's `jwks` setting. */
  async privateJwks(): Promise<JWK[]> {
    return (await this.publishedRows()).map((r) => this.opened(r));
  }

  /** The current key and the retired ones still published, newest first. */
  private publishedRows() {
    const cutoff = new Date(Date.now() - RETIRED_KEY_PUBLISHED_MS).toISOString();
    return this.db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', cutoff)]))
      .orderBy('created_at', 'desc')
      .execute();
  }
}
