// The email domain's tables: its settings (the SMTP provider, the tenant's templates), the durable outbox every
// mail passes through, and the tickets its links carry (stored only as SHA-256 digests).
import type { Kysely } from 'kysely';
import type { Dialect } from '../platform/db/database.ts';
import { jsonType, type DomainMigration } from '../platform/db/migrations.ts';

export interface EmailSettingsTable {
  /** 'provider', or 'template:<name>'. */
  key: string;
  value: unknown;
  updated_at: string;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface EmailOutboxTable {
  id: string;
  /** The template that renders it (verify_email, reset_email, …). */
  template: string;
  to_address: string;
  /** The Liquid variables, as JSON; cleared once the mail is sent (they may hold a ticket's link). */
  variables: string | null;
  status: OutboxStatus;
  attempts: number;
  /** Epoch ms before which the worker leaves it alone (back-off after a failure). */
  next_attempt_at: number;
  locked_by: string | null;
  /** Epoch ms; a claim older than this is abandoned and any node may take the row. */
  locked_until: number | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export type TicketKind = 'email_verification' | 'password_change' | 'unblock_account';

export interface EmailTicketsTable {
  /** SHA-256 (base64url) of the ticket in the link; the ticket itself is never stored. */
  digest: string;
  kind: TicketKind;
  user_id: string;
  result_url: string | null;
  client_id: string | null;
  mark_email_verified: number;
  include_email_in_redirect: number;
  /** Epoch ms. */
  expires_at: number;
  /** Epoch ms; set by the one request that used it. */
  consumed_at: number | null;
  created_at: string;
}

export interface EmailTables {
  email_settings: EmailSettingsTable;
  email_outbox: EmailOutboxTable;
  email_tickets: EmailTicketsTable;
}

export const emailMigrations: DomainMigration[] = [
  {
    name: '20261202_40_email',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      await db.schema
        .createTable('email_settings')
        .addColumn('key', 'varchar(96)', (c) => c.primaryKey())
        .addColumn('value', jsonType(dialect), (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('email_outbox')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('template', 'varchar(64)', (c) => c.notNull())
        .addColumn('to_address', 'varchar(320)', (c) => c.notNull())
        .addColumn('variables', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_by', 'varchar(96)')
        .addColumn('locked_until', 'bigint')
        .addColumn('last_error', 'varchar(1024)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('sent_at', 'varchar(32)')
        .execute();
      await db.schema.createIndex('email_outbox_due').on('email_outbox').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('email_outbox_address').on('email_outbox').columns(['to_address', 'created_at']).execute();
      await db.schema
        .createTable('email_tickets')
        .addColumn('digest', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('result_url', 'varchar(2048)')
        .addColumn('client_id', 'varchar(128)')
        .addColumn('mark_email_verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('include_email_in_redirect', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('consumed_at', 'bigint')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('email_tickets_expires').on('email_tickets').column('expires_at').execute();
    },
  },
];
