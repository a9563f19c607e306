// What the other domains ask of the email domain: "send this user a verification mail", "a reset mail", … Each
// call writes a ticket (when the mail carries a link) and a row in the outbox, and wakes the worker; none waits
// for SMTP. A per-address limit stops anyone from using Portrait to bomb an inbox.
import type { OutboxStore } from './outbox-store.ts';
import type { EmailTemplates } from './templates.ts';
import type { TicketStore } from './tickets.ts';
import type { TicketKind } from './email-tables.ts';

/** The profile fields a mail may show (Auth0's `user.*` variables). */
export interface MailUser {
  user_id: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  user_metadata?: Record<string, unknown>;
  app_metadata?: Record<string, unknown>;
  identities?: Array<{ connection: string }>;
}

export interface LinkOptions {
  clientId?: string | null;
  clientName?: string | null;
  resultUrl?: string | null;
  ttlSeconds?: number;
  markEmailVerified?: boolean;
  includeEmailInRedirect?: boolean;
}

export interface MailerOptions {
  issuer: string;
  /** Mails per address per hour (PORTRAIT_EMAIL_PER_ADDRESS_PER_HOUR). */
  perAddressPerHour: number;
  wake: () => void;
  log: { info(obj: object, msg: string): void };
}

/** Auth0's defaults: verification links live 5 days, reset links 1 day; an unblock link 1 day. */
export const DEFAULT_TTL: Record<TicketKind, number> = { email_verification: 432_000, password_change: 86_400, unblock_account: 86_400 };

const LINK_PATHS: Record<TicketKind, string> = { email_verification: 'u/email-verification', password_change: 'u/reset-password', unblock_account: 'u/unblock' };

function lifetimeWords(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

function userVariables(user: MailUser): Record<string, unknown> {
  const { user_id, email, email_verified, name, nickname, given_name, family_name, picture, user_metadata, app_metadata } = user;
  return { user_id, email, email_verified, name, nickname, given_name, family_name, picture, user_metadata: user_metadata ?? {}, app_metadata: app_metadata ?? {} };
}

export class Mailer {
  constructor(
    private readonly outbox: OutboxStore,
    private readonly tickets: TicketStore,
    private readonly templates: EmailTemplates,
    private readonly options: MailerOptions,
  ) {}

  /** A link carrying a new ticket (the Management API's tickets answer it without sending anything). */
  async ticketUrl(kind: TicketKind, userId: string, link: LinkOptions): Promise<string> {
    const ticket = await this.tickets.create({ ...link, kind, userId, ttlSeconds: link.ttlSeconds ?? DEFAULT_TTL[kind] });
    return `${this.options.issuer}${LINK_PATHS[kind]}?ticket=${ticket}#`;
  }

  /**
   * Queues `template` for the user; with `link`, a ticket of that kind is made first and its URL is `{{ url }}`.
   * False when nothing was queued: the template is disabled, the user has no address, or the address is over its limit.
   */
  async send(template: string, user: MailUser, link?: { kind: TicketKind } & LinkOptions, extra: Record<string, unknown> = {}): Promise<boolean> {
    const resolved = await this.templates.resolve(template);
    if (!resolved?.enabled || !user.email) return false;
    if (!(await this.withinLimit(user.email))) return false;
    const variables: Record<string, unknown> = { user: userVariables(user), application: { name: link?.clientName ?? '', clientID: link?.clientId ?? '' }, ...extra };
    if (link) {
      const ttl = link.ttlSeconds ?? resolved.urlLifetimeInSeconds ?? DEFAULT_TTL[link.kind];
      const resultUrl = link.resultUrl ?? resolved.resultUrl;
      variables.url = await this.ticketUrl(link.kind, user.user_id, {
        ...link, ttlSeconds: ttl, resultUrl, includeEmailInRedirect: link.includeEmailInRedirect ?? resolved.includeEmailInRedirect,
      });
      variables.url_lifetime = lifetimeWords(ttl);
    }
    await this.outbox.insert(template, user.email, variables);
    this.options.wake();
    return true;
  }

  /** A mail to an address that is not a user's (the import job's completion mail to the tenant's support address). */
  async sendTo(template: string, address: string, variables: Record<string, unknown>): Promise<boolean> {
    const resolved = await this.templates.resolve(template);
    if (!resolved?.enabled || !(await this.withinLimit(address))) return false;
    await this.outbox.insert(template, address, variables);
    this.options.wake();
    return true;
  }

  private async withinLimit(address: string): Promise<boolean> {
    const sent = await this.outbox.recentFor(address, new Date(Date.now() - 3600_000));
    if (sent < this.options.perAddressPerHour) return true;
    this.options.log.info({ limit: this.options.perAddressPerHour }, 'email not queued: the address reached its hourly limit');
    return false;
  }
}
