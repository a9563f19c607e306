// The tenant's settings: one row in `tenant_settings`, holding Auth0's common fields (friendly_name, picture_url,
// support_email, support_url) and Portrait's own `picture` block (Gravatar mode, the tenant's default picture).
//
// Reads are hot (every user read computes its default picture from these settings, synchronously), so each
// process keeps the last value it read and re-reads the row at most every CACHE_TTL_MS: a PATCH on one node is
// seen by every other node within that time, and immediately on the node that made it.
import type { Kysely } from 'kysely';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import { fromJsonColumn, toJsonColumn } from '../platform/db/json.ts';
import { jsonType, type DomainMigration } from '../platform/db/migrations.ts';
import type { GravatarMode, PictureSettings } from '../pictures/gravatar.ts';

export interface TenantSettings {
  friendly_name?: string;
  /** The tenant's logo (Auth0's name for it). */
  picture_url?: string;
  support_email?: string;
  support_url?: string;
  /** Hours a sign-in session may go unused (Auth0's default 72). */
  idle_session_lifetime: number;
  /** Hours a sign-in session lasts from its login (Auth0's default 168). */
  session_lifetime: number;
  picture: PictureSettings;
}

/** What PATCH may send: top-level fields replace, `picture` merges field by field; null clears a field. */
export interface TenantSettingsPatch {
  friendly_name?: string | null;
  picture_url?: string | null;
  support_email?: string | null;
  support_url?: string | null;
  idle_session_lifetime?: number | null;
  session_lifetime?: number | null;
  picture?: { gravatar?: GravatarMode; default_url?: string | null };
}

export const CACHE_TTL_MS = 5_000;
const ROW_ID = 1;

interface TenantSettingsTable {
  id: number;
  settings: unknown;
  updated_at: string;
}
interface TenantTables {
  tenant_settings: TenantSettingsTable;
}

/**
 * A new tenant behaves as Auth0 does: Gravatar URLs for database users, the initials avatar behind them.
 * Tenants that do not want emails hashed into Gravatar URLs choose 'proxy' or 'off'.
 */
export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  picture: { gravatar: 'on', default_url: null },
  idle_session_lifetime: 72,
  session_lifetime: 168,
};

export const tenantMigrations: DomainMigration[] = [
  {
    name: '20261127_30_tenant_settings',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      await db.schema
        .createTable('tenant_settings')
        // Always 1: the table has one row, and the primary key makes a second one impossible.
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('settings', jsonType(dialect), (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      // The row exists from the start, so every update locks and merges an existing row (no insert race).
      await (db as Kysely<TenantTables>)
        .insertInto('tenant_settings')
        .values({ id: ROW_ID, settings: toJsonColumn(DEFAULT_TENANT_SETTINGS), updated_at: new Date().toISOString() })
        .execute();
    },
  },
];

const TOP_LEVEL = ['friendly_name', 'picture_url', 'support_email', 'support_url'] as const;
const LIFETIMES = ['idle_session_lifetime', 'session_lifetime'] as const;
/** Auth0's session lifetimes, in hours: 3 days idle, 7 days in all. */
export const DEFAULT_SESSION_LIFETIMES = { idle_session_lifetime: 72, session_lifetime: 168 } as const;

/** Fills in what an older or partial row lacks, so readers always get a complete `picture` block. */
function normalize(stored: Partial<TenantSettings> | null | undefined): TenantSettings {
  const picture = { ...DEFAULT_TENANT_SETTINGS.picture, ...(stored?.picture ?? {}) };
  const out: TenantSettings = { picture, ...DEFAULT_SESSION_LIFETIMES };
  for (const field of TOP_LEVEL) {
    const value = stored?.[field];
    if (typeof value === 'string') out[field] = value;
  }
  for (const field of LIFETIMES) {
    const value = stored?.[field];
    if (typeof value === 'number') out[field] = value;
  }
  return out;
}

export function applyPatch(current: TenantSettings, patch: TenantSettingsPatch): TenantSettings {
  const next: TenantSettings = { ...current, picture: { ...current.picture } };
  for (const field of TOP_LEVEL) {
    if (!(field in patch)) continue;
    const value = patch[field];
    if (value === null || value === undefined) delete next[field];
    else next[field] = value;
  }
  for (const field of LIFETIMES) {
    if (!(field in patch)) continue;
    const value = patch[field];
    next[field] = value === null || value === undefined ? DEFAULT_SESSION_LIFETIMES[field] : value;
  }
  if (patch.picture) {
    if (patch.picture.gravatar !== undefined) next.picture.gravatar = patch.picture.gravatar;
    if (patch.picture.default_url !== undefined) next.picture.default_url = patch.picture.default_url;
  }
  return next;
}

export class TenantSettingsStore {
  private cached: TenantSettings = DEFAULT_TENANT_SETTINGS;
  private loadedAt = 0;
  private loading: Promise<TenantSettings> | null = null;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly now: () => number = Date.now,
  ) {}

  private get db(): Kysely<TenantTables> {
    return this.handle.tables<TenantTables>();
  }

  /** The settings, from this process's copy when it is at most CACHE_TTL_MS old. */
  async get(): Promise<TenantSettings> {
    if (this.now() - this.loadedAt < CACHE_TTL_MS) return this.cached;
    return this.refresh();
  }

  /**
   * The settings this process holds right now, without waiting: for synchronous readers (the default-picture
   * resolver). A stale copy starts a reload in the background and is returned meanwhile.
   */
  current(): TenantSettings {
    if (this.now() - this.loadedAt >= CACHE_TTL_MS) void this.refresh().catch(() => undefined);
    return this.cached;
  }

  /** Re-reads the row; concurrent callers share one query. */
  refresh(): Promise<TenantSettings> {
    this.loading ??= (async () => {
      try {
        const row = await this.db.selectFrom('tenant_settings').select('settings').where('id', '=', ROW_ID).executeTakeFirst();
        this.remember(normalize(row ? fromJsonColumn<Partial<TenantSettings>>(row.settings) : null));
        return this.cached;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /**
   * Merges the patch into the stored settings in one transaction (the row is locked on PostgreSQL; SQLite
   * serializes writers), so concurrent PATCHes of different fields all survive.
   */
  async update(patch: TenantSettingsPatch): Promise<TenantSettings> {
    const next = await this.db.transaction().execute(async (trx) => {
      let query = trx.selectFrom('tenant_settings').select('settings').where('id', '=', ROW_ID);
      if (this.handle.dialect === 'postgres') query = query.forUpdate();
      const row = await query.executeTakeFirst();
      const merged = applyPatch(normalize(row ? fromJsonColumn<Partial<TenantSettings>>(row.settings) : null), patch);
      const values = { settings: toJsonColumn(merged), updated_at: new Date().toISOString() };
      if (row) {
        await trx.updateTable('tenant_settings').set(values).where('id', '=', ROW_ID).execute();
      } else {
        // Only if someone deleted the row by hand: put it back.
        await trx
          .insertInto('tenant_settings')
          .values({ id: ROW_ID, ...values })
          .onConflict((oc) => oc.column('id').doUpdateSet(values))
          .execute();
      }
      return merged;
    });
    this.remember(next);
    return next;
  }

  private remember(settings: TenantSettings): void {
    this.cached = settings;
    this.loadedAt = this.now();
  }
}
