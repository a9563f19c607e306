// The email domain's wiring to the others (called once from services.ts): what it reads of users, connections,
// clients and branding, and the events it answers — a sign-up, a verification request of the Management API, a
// brute-force block, a finished import job.
import type { ClientsStore } from '../clients/clients-store.ts';
import type { Config } from '../config.ts';
import type { ConnectionsStore } from '../connections/connections-store.ts';
import type { JobsService } from '../jobs/jobs-service.ts';
import type { SignIn } from '../login/index.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import type { TenantSettingsStore } from '../tenant/tenant-settings-store.ts';
import type { UsersStore } from '../users/users-store.ts';
import pino from 'pino';
import { EmailService, type MailUser } from './index.ts';

export function wireEmail(deps: {
  config: Config; db: DatabaseHandle; users: UsersStore; connections: ConnectionsStore; clients: ClientsStore; signIn: SignIn;
  tenantSettings: TenantSettingsStore; jobs: JobsService;
}): EmailService {
  const { config, users, signIn, tenantSettings } = deps;
  const log = pino({ level: config.logLevel, name: 'email' });
  const email = new EmailService({
    config, db: deps.db, log, connections: deps.connections, clients: deps.clients,
    users: {
      get: (id) => users.get(id),
      findLoginCandidate: (connection, address) => users.findLoginCandidate(connection, address),
      update: (id, patch) => users.update(id, patch),
      passwordChanged: (user, request) => users.passwordChanges.announce({ user: user as MailUser & Record<string, unknown>, request }),
    },
    signIn: { clearLoginBlocks: (id) => signIn.clearLoginBlocks(id), revokeSessions: (id) => signIn.revokeSessions(id) },
    branding: async () => {
      const theme = await signIn.settings.theme();
      const tenant = tenantSettings.current();
      return { ...theme, supportEmail: tenant.support_email, supportUrl: tenant.support_url };
    },
  });
  const { mailer } = email;
  const warn = (what: string) => (error: unknown) => log.warn({ err: error }, `${what} mail could not be queued`);

  // A database sign-up gets verify_email (Auth0 sends it for every database sign-up with an unverified address).
  signIn.signUps.on(async ({ user, client }) => {
    if (user.email_verified) return;
    await mailer.send('verify_email', user, { kind: 'email_verification', clientId: client.client_id, clientName: client.name }).catch(warn('verification'));
  });
  users.verificationRequests.on(async ({ user }) => {
    await mailer.send('verify_email', user as MailUser, { kind: 'email_verification' }).catch(warn('verification'));
  });
  // A new brute-force block: the user learns of it and gets a link that lifts it.
  signIn.bruteForce.blocks.on(async ({ userId, ip }) => {
    const user = await users.get(userId);
    if (user) await mailer.send('blocked_account', user, { kind: 'unblock_account' }, { ip }).catch(warn('blocked_account'));
  });
  // send_completion_email of an import: Auth0 mails the tenant's administrators; Portrait mails support_email.
  deps.jobs.runner.finished.on(async (job) => {
    if (job.type !== 'users_import' || !(JSON.parse(job.params) as { send_completion_email?: boolean }).send_completion_email) return;
    const to = tenantSettings.current().support_email;
    if (!to) { log.info({ job: job.id }, 'import finished; no completion mail: the tenant has no support_email'); return; }
    await mailer.sendTo('import_completed', to, {
      job: { id: job.id, status: job.status, connection: job.connection_name, inserted: job.inserted, updated: job.updated, failed: job.failed },
    }).catch(warn('import completion'));
  });
  return email;
}
