// The background sender: claims due rows of the outbox in batches under a lease, renders each with its template,
// hands it to the transport, and records the outcome. Every node runs one; the lease gives each row to one
// sender at a time, and a row whose sender died is taken over when its lease runs out.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { OutboxRow, OutboxStore } from './outbox-store.ts';
import { TemplateError, type EmailTemplates } from './templates.ts';
import { UnsafeHeaderError, type MailTransport } from './transport.ts';

export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WorkerOptions {
  leaseMs: number;
  /** Rows claimed per round; sent concurrently over the transport's pooled connections. */
  batchSize: number;
  pollMs: number;
  /** Variables every mail gets at send time (tenant name, branding, support address). */
  commonVariables: () => Promise<Record<string, unknown>>;
  log: WorkerLog;
}

export class OutboxWorker {
  readonly nodeId = `${hostname().slice(0, 32)}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly outbox: OutboxStore,
    private readonly templates: EmailTemplates,
    private readonly transport: MailTransport,
    private readonly options: WorkerOptions,
  ) {}

  start(log?: WorkerLog): void {
    if (log) this.options.log = log;
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.wake(), this.options.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due mail now (one was just enqueued). */
  wake(): void {
    if (!this.timer || this.stopped) return;
    if (this.running) { this.again = true; return; }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) { this.again = false; this.wake(); }
    });
  }

  /** Sends batches until nothing is due. */
  private async drain(): Promise<void> {
    try {
      while (!this.stopped) {
        const rows = await this.outbox.claim(this.nodeId, this.options.leaseMs, this.options.batchSize);
        if (rows.length === 0) return;
        for (const row of rows) this.inFlight.add(row.id);
        const common = await this.options.commonVariables();
        const outcomes = await Promise.all(rows.map((row) => this.sendOne(row, common)));
        const sent = rows.filter((_, i) => outcomes[i]).map((r) => r.id);
        // Recorded together, once the batch is out; a crash before this line sends the batch again (at least once).
        const held = await this.outbox.markSent(sent, this.nodeId);
        if (held < sent.length) this.options.log.warn({ sent: sent.length, held }, 'email worker: some mails were sent after this node lost its claim on them');
        for (const row of rows) this.inFlight.delete(row.id);
      }
    } catch (error) {
      this.options.log.error({ err: error }, 'email worker: could not claim or record mail; retrying at the next poll');
    }
  }

  /** True when the mail was handed to the transport; a failure is recorded here. */
  private async sendOne(row: OutboxRow, common: Record<string, unknown>): Promise<boolean> {
    try {
      const template = await this.templates.resolve(row.template);
      if (!template) throw new TemplateError(`no template named ${row.template}`);
      const variables = { ...JSON.parse(row.variables ?? '{}'), ...common };
      const content = await this.templates.render(template, variables);
      const from = template.from ?? (await this.transport.defaultFrom());
      await this.transport.send({ from, to: row.to_address, ...content }, row.id);
      return true;
    } catch (error) {
      const permanent = error instanceof TemplateError || error instanceof UnsafeHeaderError;
      const message = error instanceof Error ? error.message : String(error);
      this.options.log.warn({ mail: row.id, template: row.template, attempt: row.attempts, permanent, err: message }, 'email not sent');
      await this.outbox.markFailed(row, this.nodeId, message, permanent).catch(() => undefined);
      return false;
    }
  }

  /** Stops claiming, lets the mails being sent finish, and hands back any claimed row not yet started. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.outbox.release([...this.inFlight], this.nodeId).catch(() => undefined);
  }
}
