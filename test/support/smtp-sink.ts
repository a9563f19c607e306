// A real SMTP server on loopback for the mail tests (smtp-server), every message parsed with mailparser. It can be
// stopped and started again on the same port to play an SMTP outage.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  /** Every header line as received, lower-cased names (for the header-injection checks). */
  headerNames: string[];
  messageId: string;
  raw: ParsedMail;
}

export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  private waiters: Array<{ match: (m: ReceivedMail) => boolean; resolve: (m: ReceivedMail) => void }> = [];
  port = 0;

  /** Resolves once listening; with `port`, on that port again (after stop()). */
  async start(port = this.port): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream).then((parsed) => {
          this.receive(parsed);
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as { port: number }).port;
    this.server = server;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private receive(parsed: ParsedMail): void {
    const address = (a: ParsedMail['to'] | ParsedMail['from']) => (Array.isArray(a) ? a[0] : a)?.value[0]?.address ?? '';
    const mail: ReceivedMail = {
      to: address(parsed.to), from: address(parsed.from), subject: parsed.subject ?? '', html: typeof parsed.html === 'string' ? parsed.html : '',
      text: parsed.text ?? '', headerNames: parsed.headerLines.map((h) => h.key), messageId: parsed.messageId ?? '', raw: parsed,
    };
    this.mails.push(mail);
    this.waiters = this.waiters.filter((w) => (w.match(mail) ? (w.resolve(mail), false) : true));
  }

  /** The first mail (already received or still to come) that matches. */
  next(match: (m: ReceivedMail) => boolean): Promise<ReceivedMail> {
    const seen = this.mails.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  to(address: string, subject?: RegExp): Promise<ReceivedMail> {
    return this.next((m) => m.to === address.toLowerCase() && (!subject || subject.test(m.subject)));
  }

  /** The link in a mail's text part that starts with `prefix`. */
  static link(mail: ReceivedMail, prefix: string): string {
    const found = mail.text.match(/https?:\/\/\S+/g)?.find((l) => l.startsWith(prefix));
    if (!found) throw new Error(`no ${prefix} link in: ${mail.text}`);
    return found;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
