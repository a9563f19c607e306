// Settings of the sign-in domain kept in the database, so that every node agrees on them: the secrets that sign
// the provider's cookies and the login pages' CSRF tokens, and the tenant's theme for the hosted pages.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import { fromJsonColumn, toJsonColumn } from '../platform/db/json.ts';
import { jsonType, type DomainMigration } from '../platform/db/migrations.ts';

interface LoginSettingsTable {
  key: string;
  value: unknown;
  updated_at: string;
}
export interface LoginSettingsTables {
  login_settings: LoginSettingsTable;
}

export const loginSettingsMigrations: DomainMigration[] = [
  {
    name: '20261127_21_login_settings',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      await db.schema
        .createTable('login_settings')
        .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', jsonType(dialect), (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
  },
];

/** What a tenant may change about the hosted login pages. */
export interface LoginTheme {
  /** Shown as the page heading ("Log in to <name>"). */
  tenantName: string;
  /** An https (or same-origin) URL of the logo; omitted when empty. */
  logoUrl: string;
  /** A CSS hex colour for buttons and links. */
  primaryColor: string;
}

export const DEFAULT_THEME: LoginTheme = { tenantName: 'Portrait', logoUrl: '', primaryColor: '#635dff' };

export interface LoginSecrets {
  /** Newest first: oidc-provider signs with the first and accepts all (keygrip). */
  cookieKeys: string[];
  csrfKey: string;
}

export class LoginSettings {
  private readonly db: Kysely<LoginSettingsTables>;
  private themeCache: { at: number; theme: LoginTheme } | null = null;
  /**
   * @param tenantName the tenant's display name when it has one (Auth0's tenant `friendly_name`, owned by the
   *   tenant domain); it wins over a name stored with the theme.
   */
  constructor(
    handle: DatabaseHandle,
    private readonly tenantName: () => string | undefined = () => undefined,
  ) {
    this.db = handle.tables<LoginSettingsTables>();
  }

  private async read<T>(key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('login_settings').select('value').where('key', '=', key).executeTakeFirst();
    return row ? fromJsonColumn<T>(row.value) : undefined;
  }

  private async write(key: string, value: unknown): Promise<void> {
    const row = { key, value: toJsonColumn(value), updated_at: new Date().toISOString() };
    await this.db
      .insertInto('login_settings')
      .values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
      .execute();
  }

  /** The shared secrets, created by the first node that needs them; a race keeps whichever was written first. */
  async secrets(): Promise<LoginSecrets> {
    const existing = await this.read<LoginSecrets>('secrets');
    if (existing) return existing;
    const fresh: LoginSecrets = { cookieKeys: [randomBytes(32).toString('base64url')], csrfKey: randomBytes(32).toString('base64url') };
    await this.db
      .insertInto('login_settings')
      .values({ key: 'secrets', value: toJsonColumn(fresh), updated_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.read<LoginSecrets>('secrets'))!;
  }

  /** The theme, cached for a few seconds: every login page reads it. */
  async theme(): Promise<LoginTheme> {
    if (!this.themeCache || Date.now() - this.themeCache.at >= 5_000) {
      const stored = (await this.read<Partial<LoginTheme>>('theme')) ?? {};
      this.themeCache = { at: Date.now(), theme: { ...DEFAULT_THEME, ...stored } };
    }
    const name = this.tenantName();
    return name ? { ...this.themeCache.theme, tenantName: name } : this.themeCache.theme;
  }

  async setTheme(patch: Partial<LoginTheme>): Promise<LoginTheme> {
    // Merged with what is stored, not with theme(): the tenant's name comes from elsewhere and is not copied here.
    const stored = (await this.read<Partial<LoginTheme>>('theme')) ?? {};
    await this.write('theme', { ...DEFAULT_THEME, ...stored, ...validTheme(patch) });
    this.themeCache = null;
    return this.theme();
  }
}

function validTheme(patch: Partial<LoginTheme>): Partial<LoginTheme> {
  const out: Partial<LoginTheme> = {};
  if (patch.tenantName !== undefined) out.tenantName = String(patch.tenantName).slice(0, 100);
  if (patch.primaryColor !== undefined) {
    if (!/^#[0-9a-fA-F]{6}$/.test(patch.primaryColor)) throw new Error('primaryColor must be a #rrggbb colour');
    out.primaryColor = patch.primaryColor;
  }
  if (patch.logoUrl !== undefined) {
    if (patch.logoUrl !== '' && !/^(https:\/\/|\/)/.test(patch.logoUrl)) throw new Error('logoUrl must be an https:// URL or a path');
    out.logoUrl = patch.logoUrl;
  }
  return out;
}
