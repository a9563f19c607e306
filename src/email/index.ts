// The email domain: transport (nodemailer), the durable outbox and its worker, Liquid templates, and the tickets
// behind verification and reset links, with their hosted pages and Management API routes.
import { outboundAddressPolicy } from '../platform/outbound/address-policy.ts';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { LoginTheme } from '../login/index.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { AccountFlows } from './account-flows.ts';
import { accountRoutes } from './account-routes.ts';
import { EmailSettings } from './email-settings.ts';
import { Mailer } from './mailer.ts';
import { OutboxStore } from './outbox-store.ts';
import { OutboxWorker, type WorkerLog } from './outbox-worker.ts';
import type { EmailBranding, EmailClientsPort, EmailConnectionsPort, EmailSignInPort, EmailUsersPort } from './ports.ts';
import { providerRoutes } from './provider-routes.ts';
import { templatesRoutes } from './templates-routes.ts';
import { ticketsRoutes } from './tickets-routes.ts';
import { EmailTemplates } from './templates.ts';
import { TicketStore } from './tickets.ts';
import { MailTransport } from './transport.ts';

export { emailMigrations } from './email-tables.ts';
export type { MailUser } from './mailer.ts';

export interface EmailDeps {
  config: Config;
  db: DatabaseHandle;
  users: EmailUsersPort;
  connections: EmailConnectionsPort;
  clients: EmailClientsPort;
  signIn: EmailSignInPort;
  branding: () => Promise<EmailBranding>;
  log: WorkerLog;
}

const SWEEP_MS = 3600_000;
const KEEP_SENT_MS = 7 * 86_400_000;

export class EmailService {
  readonly settings: EmailSettings;
  readonly outbox: OutboxStore;
  readonly tickets: TicketStore;
  readonly templates: EmailTemplates;
  readonly transport: MailTransport;
  readonly worker: OutboxWorker;
  readonly mailer: Mailer;
  readonly flows: AccountFlows;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly deps: EmailDeps) {
    const { config, db, log } = deps;
    this.settings = new EmailSettings(db);
    this.outbox = new OutboxStore(db);
    this.tickets = new TicketStore(db);
    this.templates = new EmailTemplates(this.settings);
    this.transport = new MailTransport(this.settings, { smtpUrl: config.email.smtpUrl, outboxDir: path.join(config.dataDir, 'outbox'), defaultFrom: config.email.defaultFrom, log,
      addressPolicy: outboundAddressPolicy(config.allowPrivateOutbound) });
    this.worker = new OutboxWorker(this.outbox, this.templates, this.transport, {
      leaseMs: config.email.leaseSeconds * 1000, batchSize: config.email.batchSize, pollMs: 1000, log,
      commonVariables: async () => commonVariables(await deps.branding()),
    });
    this.mailer = new Mailer(this.outbox, this.tickets, this.templates, {
      issuer: config.issuer, perAddressPerHour: config.email.perAddressPerHour, wake: () => this.worker.wake(), log,
    });
    this.flows = new AccountFlows({ mailer: this.mailer, tickets: this.tickets, users: deps.users, connections: deps.connections, signIn: deps.signIn, log });
  }

  /** Starts this node's sender (with the server) and the hourly sweep of old rows. */
  start(log?: WorkerLog): void {
    this.worker.start(log);
    if (!this.sweeper) {
      this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
      this.sweeper.unref();
    }
  }

  async sweep(): Promise<void> {
    await Promise.all([this.outbox.purge(new Date(Date.now() - KEEP_SENT_MS)), this.tickets.purgeExpired()]).catch(() => undefined);
  }

  /** Stops claiming, waits for the mails in flight, hands back the rest, closes SMTP connections. */
  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await this.worker.stop();
    this.transport.close();
  }

  async registerRoutes(app: FastifyInstance): Promise<void> {
    const theme = async (): Promise<LoginTheme> => {
      const b = await this.deps.branding();
      return { tenantName: b.tenantName, logoUrl: b.logoUrl, primaryColor: b.primaryColor };
    };
    await app.register(accountRoutes, { flows: this.flows, connections: this.deps.connections, clients: this.deps.clients, theme });
  }

  async registerManagementRoutes(api: FastifyInstance): Promise<void> {
    await api.register(providerRoutes, { settings: this.settings });
    await api.register(templatesRoutes, { settings: this.settings });
    await api.register(ticketsRoutes, { mailer: this.mailer, users: this.deps.users, connections: this.deps.connections, clients: this.deps.clients });
  }
}

/** Auth0's tenant-wide template variables, plus Portrait's `branding` (logo, colour) used by the default templates. */
function commonVariables(b: EmailBranding): Record<string, unknown> {
  return {
    tenant: b.tenantName, friendly_name: b.tenantName, support_email: b.supportEmail ?? '', support_url: b.supportUrl ?? '',
    branding: { logo_url: b.logoUrl, primary_color: /^#[0-9a-fA-F]{6}$/.test(b.primaryColor) ? b.primaryColor : '#635dff' },
  };
}
