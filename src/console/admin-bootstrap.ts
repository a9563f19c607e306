// First start of the dashboard: its client, the Portrait-Admins connection (enabled for that client only, no
// sign-up) and the first administrator — from PORTRAIT_ADMIN_EMAIL/PASSWORD, or generated, printed once and
// written to DATA_DIR/admin-user.json (0600). Safe to run on every start and on many nodes at once.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClientsStore } from '../clients/clients-store.ts';
import type { Config } from '../config.ts';
import type { ConnectionsStore } from '../connections/connections-store.ts';
import { ApiError } from '../platform/errors.ts';
import type { UsersStore } from '../users/users-store.ts';
import { ADMIN_CONNECTION, CONSOLE_CLIENT_ID, consoleUrls } from './console-client.ts';

export const DEFAULT_ADMIN_EMAIL = 'admin@portrait.local';

export interface ConsoleBootstrap {
  dashboardUrl: string;
  /** Set only when this start created the first administrator with a generated password. */
  generatedAdmin: { email: string; password: string; file: string } | null;
}

async function ensureConsoleClient(clients: ClientsStore, issuer: string): Promise<void> {
  const urls = consoleUrls(issuer);
  const settings = {
    callbacks: [urls.callback],
    allowed_logout_urls: [urls.signedOut, urls.home],
    web_origins: [urls.origin],
    allowed_origins: [urls.origin],
  };
  const existing = await clients.get(CONSOLE_CLIENT_ID);
  if (!existing) {
    try {
      await clients.create({
        client_id: CONSOLE_CLIENT_ID,
        name: 'Portrait Dashboard',
        description: 'The tenant dashboard at /dashboard (first-party).',
        app_type: 'spa',
        is_first_party: true,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        ...settings,
      });
    } catch (error) {
      if (!(await clients.get(CONSOLE_CLIENT_ID))) throw error; // else another node created it at the same moment
    }
  } else if (existing.callbacks.join() !== settings.callbacks.join() || existing.allowed_logout_urls.join() !== settings.allowed_logout_urls.join()) {
    // The issuer changed (a new domain): the dashboard follows it.
    await clients.update(CONSOLE_CLIENT_ID, settings);
  }
}

async function ensureAdminConnection(connections: ConnectionsStore): Promise<void> {
  const existing = await connections.getByName(ADMIN_CONNECTION);
  if (!existing) {
    try {
      await connections.create({
        name: ADMIN_CONNECTION,
        strategy: 'auth0',
        display_name: 'Dashboard administrators',
        enabled_clients: [CONSOLE_CLIENT_ID],
        options: { brute_force_protection: true, disable_signup: true, requires_username: false, passwordPolicy: 'good', password_complexity_options: { min_length: 8 } },
      });
    } catch (error) {
      if (!(await connections.getByName(ADMIN_CONNECTION))) throw error;
    }
  } else if (existing.enabled_clients.join() !== CONSOLE_CLIENT_ID) {
    await connections.update(existing.id, { enabled_clients: [CONSOLE_CLIENT_ID] });
  }
}

async function hasAdministrator(users: UsersStore, email?: string): Promise<boolean> {
  const q = email ? `identities.connection:"${ADMIN_CONNECTION}" AND email:"${email}"` : `identities.connection:"${ADMIN_CONNECTION}"`;
  const page = await users.search({ q, page: 0, perPage: 1, includeTotals: false });
  return page.users.length > 0;
}

export async function bootstrapConsole(deps: { config: Config; clients: ClientsStore; connections: ConnectionsStore; users: UsersStore }): Promise<ConsoleBootstrap> {
  const { config, clients, connections, users } = deps;
  await ensureConsoleClient(clients, config.issuer);
  await ensureAdminConnection(connections);
  const dashboardUrl = consoleUrls(config.issuer).home;

  const wanted = config.adminUser;
  if (wanted) {
    if (!(await hasAdministrator(users, wanted.email))) {
      await createAdmin(users, wanted.email, wanted.password);
    }
    return { dashboardUrl, generatedAdmin: null };
  }
  if (await hasAdministrator(users)) return { dashboardUrl, generatedAdmin: null };
  // 144 random bits, plus one character of each class so that the connection's 'good' policy always accepts it
  // (base64url alone lacks a digit and a symbol about once in 140 draws).
  const password = `${randomBytes(18).toString('base64url')}-7aZ`;
  if (!(await createAdmin(users, DEFAULT_ADMIN_EMAIL, password))) return { dashboardUrl, generatedAdmin: null };
  const file = path.join(config.dataDir, 'admin-user.json');
  mkdirSync(config.dataDir, { recursive: true });
  if (!existsSync(file)) {
    writeFileSync(file, JSON.stringify({ email: DEFAULT_ADMIN_EMAIL, password, connection: ADMIN_CONNECTION, dashboard: dashboardUrl }, null, 2) + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { dashboardUrl, generatedAdmin: { email: DEFAULT_ADMIN_EMAIL, password, file } };
}

/** false when another node created the same administrator at the same moment. */
async function createAdmin(users: UsersStore, email: string, password: string): Promise<boolean> {
  try {
    await users.create({ connection: ADMIN_CONNECTION, email, password, email_verified: true, name: 'Administrator' });
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.errorCode === 'user_exists') return false;
    throw error;
  }
}
