// The email domain's settings rows: the SMTP provider (/api/v2/emails/provider) and the tenant's templates
// (/api/v2/email-templates). Both are read on every send, so they are cached for a few seconds; every node picks a
// change up within that time.
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { fromJsonColumn, toJsonColumn } from '../platform/db/json.ts';
import { ReadThroughCache } from '../platform/read-through-cache.ts';
import type { EmailTables } from './email-tables.ts';

/** Auth0's email provider object, as stored (credentials.smtp_pass included: it is never returned by the API). */
export interface StoredProvider {
  name: 'smtp';
  enabled: boolean;
  default_from_address?: string;
  credentials: { smtp_host: string; smtp_port: number; smtp_user?: string; smtp_pass?: string };
  settings?: Record<string, unknown>;
}

/** Auth0's email template object (field names as Auth0 spells them, camelCase included). */
export interface StoredTemplate {
  template: string;
  body: string;
  from: string;
  subject: string;
  syntax: 'liquid';
  resultUrl?: string;
  urlLifetimeInSeconds?: number;
  includeEmailInRedirect?: boolean;
  enabled: boolean;
}

export class EmailSettings {
  private readonly db: Kysely<EmailTables>;
  private readonly cache = new ReadThroughCache<unknown>(3_000);

  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<EmailTables>();
  }

  private async read<T>(key: string): Promise<T | null> {
    return (await this.cache.get(key, async () => {
      const row = await this.db.selectFrom('email_settings').select('value').where('key', '=', key).executeTakeFirst();
      return row ? fromJsonColumn<T>(row.value) : null;
    })) as T | null;
  }

  private async write(key: string, value: unknown): Promise<void> {
    const row = { key, value: toJsonColumn(value), updated_at: new Date().toISOString() };
    await this.db.insertInto('email_settings').values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at })).execute();
    this.cache.clear();
  }

  /** Inserts only when absent; false when the key already exists (POST of an existing provider or template). */
  private async insert(key: string, value: unknown): Promise<boolean> {
    const result = await this.db.insertInto('email_settings').values({ key, value: toJsonColumn(value), updated_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
    this.cache.clear();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  provider(): Promise<StoredProvider | null> {
    return this.read<StoredProvider>('provider');
  }

  createProvider(provider: StoredProvider): Promise<boolean> {
    return this.insert('provider', provider);
  }

  saveProvider(provider: StoredProvider): Promise<void> {
    return this.write('provider', provider);
  }

  async deleteProvider(): Promise<boolean> {
    const result = await this.db.deleteFrom('email_settings').where('key', '=', 'provider').executeTakeFirst();
    this.cache.clear();
    return result.numDeletedRows > 0n;
  }

  template(name: string): Promise<StoredTemplate | null> {
    return this.read<StoredTemplate>(`template:${name}`);
  }

  createTemplate(template: StoredTemplate): Promise<boolean> {
    return this.insert(`template:${template.template}`, template);
  }

  saveTemplate(template: StoredTemplate): Promise<void> {
    return this.write(`template:${template.template}`, template);
  }
}
