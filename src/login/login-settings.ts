// Settings of the sign-in domain kept in the database, so that every node agrees on them: the secrets that sign
// the provider's cookies and the login pages' CSRF tokens, and the tenant's theme for the hosted pages.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import { fromJsonColumn, toJsonColumn } from '../platform/db/json.ts';
import { jsonType, type DomainMigration } from '../platform/db/migrations.ts';
import { ReadThroughCache } from '../platform/read-through-cache.ts';

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

/** How the hosted login pages look. */
export interface LoginTheme {
  /** Shown as the page heading ("Log in to <name>"): the tenant's friendly_name, owned by the tenant domain. */
  tenantName: string;
  /** An https URL of the logo; omitted when empty. */
  logoUrl: string;
  /** A CSS hex colour for buttons and links. */
  primaryColor: string;
}

/** What /api/v2/branding stores (validated by its route schema); everything else comes from defaults. */
export type StoredBranding = Partial<Pick<LoginTheme, 'logoUrl' | 'primaryColor'>>;

const DEFAULT_THEME: LoginTheme = { tenantName: 'Portrait', logoUrl: '', primaryColor: '#635dff' };

export interface LoginSecrets {
  /** Newest first: oidc-provider signs with the first and accepts all (keygrip). */
  cookieKeys: string[];
  csrfKey: string;
}

export class LoginSettings {
  private readonly db: Kysely<LoginSettingsTables>;
  private readonly branding = new ReadThroughCache<StoredBranding>(5_000);
  /**
   * @param tenantName the tenant's display name when it has one (Auth0's tenant `friendly_name`).
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

  /** The theme, branding cached for a few seconds: every login page reads it. */
  async theme(): Promise<LoginTheme> {
    const stored = await this.branding.get('theme', async () => (await this.read<StoredBranding>('theme')) ?? {});
    return {
      tenantName: this.tenantName() ?? DEFAULT_THEME.tenantName,
      logoUrl: stored.logoUrl ?? DEFAULT_THEME.logoUrl,
      primaryColor: stored.primaryColor ?? DEFAULT_THEME.primaryColor,
    };
  }

  /** The theme, or the default one when the branding cannot be read: an outage page must render without the database. */
  async themeOrDefault(): Promise<LoginTheme> {
    return this.theme().catch(() => ({ ...DEFAULT_THEME, tenantName: this.tenantName() ?? DEFAULT_THEME.tenantName }));
  }

  /** Only what the tenant set is stored, so a later change of the defaults reaches tenants who never set them. */
  async setTheme(patch: StoredBranding): Promise<LoginTheme> {
    const stored = (await this.read<StoredBranding>('theme')) ?? {};
    await this.write('theme', { logoUrl: stored.logoUrl, primaryColor: stored.primaryColor, ...patch });
    this.branding.clear();
    return this.theme();
  }
}
