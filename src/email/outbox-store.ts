// The durable outbox: every mail is a row before anything is sent. Requests only insert; the worker claims due
// rows under a lease (one UPDATE … RETURNING, with FOR UPDATE SKIP LOCKED on PostgreSQL so that many nodes
// split the rows instead of queueing on them), sends them, and marks each sent, or due again after a back-off.
import { sql, type Kysely } from 'kysely';
import type { DatabaseHandle, Dialect } from '../platform/db/database.ts';
import { randomBytes } from 'node:crypto';
import type { EmailOutboxTable, EmailTables } from './email-tables.ts';

export type OutboxRow = EmailOutboxTable;

/** Attempts before a mail is marked failed (back-off 2 s, 4 s, … capped at 10 min: about half an hour in all). */
export const MAX_SEND_ATTEMPTS = 10;

export function backoffMs(attempts: number): number {
  return Math.min(10 * 60_000, 1000 * 2 ** attempts);
}

const newMailId = () => `mail_${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;

export class OutboxStore {
  private readonly db: Kysely<EmailTables>;
  private readonly dialect: Dialect;

  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<EmailTables>();
    this.dialect = handle.dialect;
  }

  /** How many mails this address was sent (or is about to be) since `since` — the per-address limit. */
  async recentFor(address: string, since: Date): Promise<number> {
    const row = await this.db.selectFrom('email_outbox').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('to_address', '=', address.toLowerCase()).where('created_at', '>=', since.toISOString()).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async insert(template: string, to: string, variables: object): Promise<string> {
    const id = newMailId();
    await this.db.insertInto('email_outbox').values({
      id, template, to_address: to.toLowerCase(), variables: JSON.stringify(variables), status: 'pending', attempts: 0,
      next_attempt_at: Date.now(), locked_by: null, locked_until: null, last_error: null, created_at: new Date().toISOString(), sent_at: null,
    }).execute();
    return id;
  }

  /** Claims up to `limit` due rows for `nodeId` until now + leaseMs; each row goes to exactly one claimant. */
  async claim(nodeId: string, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    const now = Date.now();
    const due = sql`status = 'pending' and next_attempt_at <= ${now} and (locked_until is null or locked_until < ${now})`;
    const skipLocked = this.dialect === 'postgres' ? sql` for update skip locked` : sql``;
    const result = await sql<OutboxRow>`
      update email_outbox set locked_by = ${nodeId}, locked_until = ${now + leaseMs}, attempts = attempts + 1
      where id in (select id from email_outbox where ${due} order by next_attempt_at limit ${limit}${skipLocked})
        and ${due}
      returning *`.execute(this.db);
    return result.rows.map((r) => ({ ...r, next_attempt_at: Number(r.next_attempt_at), locked_until: r.locked_until === null ? null : Number(r.locked_until) }));
  }

  /** Sent (one statement for a batch): the variables, which may hold a ticket's link, are dropped. Returns how many this node still held. */
  async markSent(ids: string[], nodeId: string): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db.updateTable('email_outbox')
      .set({ status: 'sent', sent_at: new Date().toISOString(), variables: null, locked_by: null, locked_until: null, last_error: null })
      .where('id', 'in', ids).where('locked_by', '=', nodeId).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Failed this time: due again after the back-off, or failed for good after MAX_SEND_ATTEMPTS or a permanent error. */
  async markFailed(row: OutboxRow, nodeId: string, error: string, permanent: boolean): Promise<void> {
    const final = permanent || row.attempts >= MAX_SEND_ATTEMPTS;
    await this.db.updateTable('email_outbox')
      .set({
        status: final ? 'failed' : 'pending', last_error: error.slice(0, 1000), locked_by: null, locked_until: null,
        next_attempt_at: Date.now() + backoffMs(row.attempts), ...(final ? { variables: null } : {}),
      })
      .where('id', '=', row.id).where('locked_by', '=', nodeId).execute();
  }

  /** Hands claimed rows back at once (shutdown): another node, or this one after restart, sends them. */
  async release(ids: string[], nodeId: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('email_outbox').set((eb) => ({ locked_by: null, locked_until: null, attempts: eb('attempts', '-', 1) }))
      .where('id', 'in', ids).where('locked_by', '=', nodeId).where('status', '=', 'pending').execute();
  }

  async get(id: string): Promise<OutboxRow | undefined> {
    return this.db.selectFrom('email_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Sent and failed rows are kept a week (the per-address limit and support questions read them), then removed. */
  async purge(before: Date): Promise<void> {
    await this.db.deleteFrom('email_outbox').where('status', 'in', ['sent', 'failed']).where('created_at', '<', before.toISOString()).execute();
  }
}
