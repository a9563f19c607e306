// How a rendered mail leaves Portrait: over SMTP (nodemailer) to the provider configured through
// /api/v2/emails/provider, else to PORTRAIT_SMTP_URL, else — the embedded default — into `.eml` files under
// DATA_DIR/outbox with each link logged, so that a newcomer can finish every flow without a mail server.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AddressPolicy } from '../platform/outbound/address-policy.ts';
import { OutboundRefused } from '../platform/outbound/guarded-request.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailSettings, StoredProvider } from './email-settings.ts';

export interface RenderedMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface MailLog {
  info(obj: object, msg: string): void;
}

/** A header value with a line break in it is an injection attempt (or a bug): refused, never "cleaned". */
export class UnsafeHeaderError extends Error {}

// One mailbox: no spaces, no line breaks, no commas or angle brackets (so no second recipient or display name).
const ADDRESS = /^[^\s@<>,;:"()\\[\]]{1,64}@[A-Za-z0-9.-]{1,253}$/;

/** A bare address or `Name <address>` with a plain name; anything else throws UnsafeHeaderError. */
export function checkMailbox(value: string, what: string): string {
  if (/[\r\n\0]/.test(value)) throw new UnsafeHeaderError(`${what} contains a line break`);
  const named = /^([^<>"\r\n]{0,128}) <([^<>]+)>$/.exec(value.trim());
  const address = named ? named[2] : value.trim();
  if (!ADDRESS.test(address)) throw new UnsafeHeaderError(`${what} is not a single email address`);
  return value.trim();
}

export function checkSubject(subject: string): string {
  if (/[\r\n\0]/.test(subject)) throw new UnsafeHeaderError('the subject contains a line break');
  return subject.slice(0, 998);
}

const LINK = /https?:\/\/[^\s"'<>]+/g;

export class MailTransport {
  private readonly pools = new Map<string, Transporter>();

  constructor(
    private readonly settings: EmailSettings,
    private readonly options: {
      smtpUrl: string | null; outboxDir: string; defaultFrom: string; log: MailLog;
      /** The server's outbound rule (PORTRAIT_ALLOW_PRIVATE_OUTBOUND), applied to the SMTP host set through the API. */
      addressPolicy: AddressPolicy;
    },
  ) {}

  /** Sends one mail; throws on any SMTP failure (the worker retries). */
  async send(mail: RenderedMail, messageId: string): Promise<void> {
    const message = {
      from: checkMailbox(mail.from, 'from'),
      to: checkMailbox(mail.to, 'to'),
      subject: checkSubject(mail.subject),
      html: mail.html,
      text: mail.text,
      messageId: `<${messageId}@portrait>`,
      // nodemailer folds and encodes headers itself; disableFileAccess/disableUrlAccess keep template content
      // from pulling local files or remote URLs into the message.
      disableFileAccess: true,
      disableUrlAccess: true,
    };
    const transport = await this.transporter();
    if (transport) {
      await transport.sendMail(message);
      return;
    }
    await this.writeEml(message, messageId, mail.text);
  }

  /** The default sender when a template has no `from`: the provider's default_from_address, else the setting. */
  async defaultFrom(): Promise<string> {
    const provider = await this.settings.provider();
    return provider?.enabled && provider.default_from_address ? provider.default_from_address : this.options.defaultFrom;
  }

  private async transporter(): Promise<Transporter | null> {
    const provider = await this.settings.provider();
    if (provider?.enabled) {
      const address = await this.checkedAddress(provider.credentials.smtp_host);
      return this.pooled(`${providerKey(provider)} ${address}`, () => smtpOptions(provider, address));
    }
    // PORTRAIT_SMTP_URL is the operator's own setting, like DATABASE_URL: not subject to the outbound rule.
    if (this.options.smtpUrl) return this.pooled(this.options.smtpUrl, () => this.options.smtpUrl!);
    return null;
  }

  private pooled(key: string, options: () => string | object): Transporter {
    let transport = this.pools.get(key);
    if (!transport) {
      // Pooled connections: the worker sends many mails over a few SMTP sessions.
      const base = options();
      transport = nodemailer.createTransport(typeof base === 'string'
        ? `${base}${base.includes('?') ? '&' : '?'}pool=true&maxConnections=4`
        : { ...base, pool: true, maxConnections: 4 });
      for (const [k, old] of this.pools) { old.close(); this.pools.delete(k); }
      this.pools.set(key, transport);
    }
    return transport;
  }

  /**
   * The SMTP host named through the Management API, resolved once and checked by the outbound rule; the
   * connection then goes to that very address (the name is kept for TLS), so a DNS answer that changes between
   * the check and the connection cannot reach a private address.
   */
  private async checkedAddress(host: string): Promise<string> {
    const candidates = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
    const allowed = candidates.find((address) => this.options.addressPolicy(address));
    if (!allowed) throw new OutboundRefused(`the SMTP host ${host} resolves only to addresses outbound requests may not reach (PORTRAIT_ALLOW_PRIVATE_OUTBOUND)`);
    return allowed;
  }

  private async writeEml(message: object, messageId: string, text: string): Promise<void> {
    const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const info = await stream.sendMail(message);
    mkdirSync(this.options.outboxDir, { recursive: true });
    const file = path.join(this.options.outboxDir, `${messageId}.eml`);
    writeFileSync(file, info.message as Buffer, { mode: 0o600 });
    this.options.log.info({ file, links: text.match(LINK) ?? [] }, 'email written to the outbox folder (no SMTP configured)');
  }

  close(): void {
    for (const transport of this.pools.values()) transport.close();
    this.pools.clear();
  }
}

function providerKey(provider: StoredProvider): string {
  return JSON.stringify(provider.credentials);
}

function smtpOptions(provider: StoredProvider, address: string): object {
  const { smtp_host: host, smtp_port: port, smtp_user: user, smtp_pass: pass } = provider.credentials;
  return {
    host: address, port,
    // The certificate is checked against the name the tenant gave, not the address connected to.
    ...(isIP(host) ? {} : { tls: { servername: host } }),
    // 465 is implicit TLS; elsewhere STARTTLS is used when the server offers it.
    secure: port === 465,
    ...(user ? { auth: { user, pass: pass ?? '' } } : {}),
    connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000,
  };
}
