// Tickets: the secret in a verification or password-reset link. 32 random bytes go into the link; only their
// SHA-256 digest is stored, so a read of the database yields no usable link. A ticket is used by one UPDATE that
// succeeds only while it is unused and unexpired: of two concurrent uses exactly one wins.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../platform/db/database.ts';
import type { EmailTables, EmailTicketsTable, TicketKind } from './email-tables.ts';

export type Ticket = EmailTicketsTable;

const digestOf = (ticket: string) => createHash('sha256').update(ticket).digest('base64url');
const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

export interface NewTicket {
  kind: TicketKind;
  userId: string;
  ttlSeconds: number;
  resultUrl?: string | null;
  clientId?: string | null;
  markEmailVerified?: boolean;
  includeEmailInRedirect?: boolean;
}

export class TicketStore {
  private readonly db: Kysely<EmailTables>;

  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<EmailTables>();
  }

  /** Returns the ticket for the link; the database keeps only its digest. */
  async create(input: NewTicket): Promise<string> {
    const ticket = randomBytes(32).toString('base64url');
    await this.db.insertInto('email_tickets').values({
      digest: digestOf(ticket), kind: input.kind, user_id: input.userId, result_url: input.resultUrl ?? null, client_id: input.clientId ?? null,
      mark_email_verified: input.markEmailVerified ? 1 : 0, include_email_in_redirect: input.includeEmailInRedirect ? 1 : 0,
      expires_at: Date.now() + input.ttlSeconds * 1000, consumed_at: null, created_at: new Date().toISOString(),
    }).execute();
    return ticket;
  }

  /** The ticket if it is usable now (the reset form is shown for it), without using it. */
  async peek(ticket: unknown, kind: TicketKind): Promise<Ticket | null> {
    if (typeof ticket !== 'string' || !WELL_FORMED.test(ticket)) return null;
    const row = await this.db.selectFrom('email_tickets').selectAll().where('digest', '=', digestOf(ticket)).where('kind', '=', kind)
      .where('consumed_at', 'is', null).where('expires_at', '>', Date.now()).executeTakeFirst();
    return row ? normalize(row) : null;
  }

  /** Uses the ticket: the row if this call used it, null if it is unknown, expired or already used. */
  async consume(ticket: unknown, kind: TicketKind): Promise<Ticket | null> {
    if (typeof ticket !== 'string' || !WELL_FORMED.test(ticket)) return null;
    const now = Date.now();
    const row = await this.db.updateTable('email_tickets').set({ consumed_at: now })
      .where('digest', '=', digestOf(ticket)).where('kind', '=', kind).where('consumed_at', 'is', null).where('expires_at', '>', now)
      .returningAll().executeTakeFirst();
    return row ? normalize(row) : null;
  }

  /** Hands a used ticket back (the new password was refused by the policy: the user tries again with the link). */
  async restore(ticket: string): Promise<void> {
    await this.db.updateTable('email_tickets').set({ consumed_at: null }).where('digest', '=', digestOf(ticket)).execute();
  }

  async purgeExpired(now = Date.now()): Promise<void> {
    await this.db.deleteFrom('email_tickets').where('expires_at', '<', now - 24 * 3600_000).execute();
  }
}

const normalize = (row: Ticket): Ticket => ({ ...row, expires_at: Number(row.expires_at), consumed_at: row.consumed_at === null ? null : Number(row.consumed_at) });
