// The account flows behind the links: asking for a reset, using a reset ticket, using a verification ticket.
// Pages and endpoints (account-routes.ts) only translate these outcomes into HTML, redirects and Auth0's bodies.
import { checkPasswordPolicy } from '../login/index.ts';
import { ApiError } from '../platform/errors.ts';
import type { Mailer, MailUser } from './mailer.ts';
import type { EmailConnection, EmailConnectionsPort, EmailSignInPort, EmailUsersPort } from './ports.ts';
import type { Ticket, TicketStore } from './tickets.ts';

export interface AccountFlowsDeps {
  mailer: Mailer;
  tickets: TicketStore;
  users: EmailUsersPort;
  connections: EmailConnectionsPort;
  signIn: EmailSignInPort;
  log: { warn(obj: object, msg: string): void };
}

export type RequestOrigin = { ip: string; method: string; hostname: string; user_agent?: string };

export type ResetOutcome =
  | { ok: true; redirect: string | null }
  | { ok: false; reason: 'invalid_ticket' }
  | { ok: false; reason: 'weak_password'; message: string };

/** Auth0's query on a result_url after a ticket was used. */
function resultRedirect(ticket: Ticket, user: MailUser, message: string): string | null {
  if (!ticket.result_url) return null;
  const url = new URL(ticket.result_url);
  url.searchParams.set('success', 'true');
  url.searchParams.set('code', 'success');
  url.searchParams.set('message', message);
  if (ticket.include_email_in_redirect && user.email) url.searchParams.set('email', user.email);
  return url.href;
}

export class AccountFlows {
  constructor(private readonly deps: AccountFlowsDeps) {}

  /**
   * A reset asked for by address. Runs after the answer was sent, so that a known and an unknown address cost
   * the caller the same; an unknown address sends nothing.
   */
  requestReset(input: { email: string; connection: EmailConnection; clientId: string | null; clientName: string | null }): void {
    setImmediate(() => {
      void (async () => {
        const found = await this.deps.users.findLoginCandidate(input.connection.name, input.email);
        if (!found || found.user.email?.toLowerCase() !== input.email.trim().toLowerCase()) return;
        await this.deps.mailer.send('reset_email', found.user, { kind: 'password_change', clientId: input.clientId, clientName: input.clientName });
      })().catch((error: unknown) => this.deps.log.warn({ err: error }, 'password reset mail could not be queued'));
    });
  }

  /** The user a reset form is shown for, or null when the ticket cannot be used. */
  async resetTarget(ticket: unknown): Promise<{ user: MailUser; connection: EmailConnection } | null> {
    const row = await this.deps.tickets.peek(ticket, 'password_change');
    if (!row) return null;
    const user = await this.deps.users.get(row.user_id);
    const connection = user ? await this.connectionOf(user) : null;
    return user && connection ? { user, connection } : null;
  }

  /**
   * Sets the new password: the policy is checked before the ticket is used (a weak password leaves it usable),
   * then one UPDATE uses the ticket — of concurrent submissions exactly one gets past it. The reset lifts the
   * user's brute-force blocks and ends their sessions and refresh tokens (see README: why).
   */
  async completeReset(ticket: unknown, password: string, origin: RequestOrigin): Promise<ResetOutcome> {
    const target = await this.resetTarget(ticket);
    if (!target) return { ok: false, reason: 'invalid_ticket' };
    const weak = checkPasswordPolicy(target.connection as never, password);
    if (weak) return { ok: false, reason: 'weak_password', message: weak };
    const used = await this.deps.tickets.consume(ticket, 'password_change');
    if (!used) return { ok: false, reason: 'invalid_ticket' };
    let user: MailUser;
    try {
      user = await this.deps.users.update(used.user_id, { password });
      if (used.mark_email_verified) user = await this.deps.users.update(used.user_id, { email_verified: true });
    } catch (error) {
      if (error instanceof ApiError && error.statusCode < 500) return { ok: false, reason: 'weak_password', message: error.message };
      throw error;
    }
    await this.deps.signIn.revokeSessions(user.user_id);
    await this.deps.signIn.clearLoginBlocks(user.user_id);
    await this.deps.users.passwordChanged(user, origin);
    return { ok: true, redirect: resultRedirect(used, user, 'Your password has been changed successfully.') };
  }

  /** Uses a verification ticket: email_verified becomes true, then the welcome mail (when enabled) is queued. */
  async verifyEmail(ticket: unknown): Promise<{ ok: true; redirect: string | null } | { ok: false }> {
    const used = await this.deps.tickets.consume(ticket, 'email_verification');
    if (!used) return { ok: false };
    let user: MailUser;
    try {
      user = await this.deps.users.update(used.user_id, { email_verified: true });
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 404) return { ok: false };
      throw error;
    }
    await this.deps.mailer.send('welcome_email', user, undefined).catch((error: unknown) => this.deps.log.warn({ err: error }, 'welcome mail could not be queued'));
    return { ok: true, redirect: resultRedirect(used, user, 'Your email was verified. You can continue using the application.') };
  }

  /** Uses the link of a blocked_account mail: every brute-force block of the user is lifted. */
  async unblock(ticket: unknown): Promise<boolean> {
    const used = await this.deps.tickets.consume(ticket, 'unblock_account');
    if (!used) return false;
    await this.deps.signIn.clearLoginBlocks(used.user_id);
    return true;
  }

  private async connectionOf(user: MailUser): Promise<EmailConnection | null> {
    const name = user.identities?.[0]?.connection;
    const connection = name ? await this.deps.connections.getByName(name) : null;
    return connection?.strategy === 'auth0' ? connection : null;
  }
}
