// What the email domain needs from the others, written as the subsets it calls; services.ts passes the real
// stores (they satisfy these structurally). The email domain never reads another domain's tables.
import type { MailUser } from './mailer.ts';

export interface EmailUsersPort {
  get(userId: string): Promise<MailUser | null>;
  findLoginCandidate(connection: string, emailOrUsername: string): Promise<{ user: MailUser } | null>;
  /** PATCH semantics of the users domain (password hashed and checked against the policy there). */
  update(userId: string, patch: { email_verified?: boolean; password?: string }): Promise<MailUser>;
  /** Announces a password change to the other domains (Actions' post-change-password, brute-force blocks). */
  passwordChanged(user: MailUser, request: { ip: string; method: string; hostname: string; user_agent?: string }): Promise<void>;
}

export interface EmailConnection {
  id: string;
  name: string;
  strategy: string;
  enabled_clients: string[];
  options: Record<string, unknown>;
}

export interface EmailConnectionsPort {
  get(id: string): Promise<EmailConnection | null>;
  getByName(name: string): Promise<EmailConnection | null>;
}

export interface EmailClientsPort {
  get(clientId: string): Promise<{ client_id: string; name: string } | null>;
}

/** Sign-in's parts that a reset touches: the brute-force blocks it lifts and the sessions it ends. */
export interface EmailSignInPort {
  clearLoginBlocks(userId: string): Promise<void>;
  revokeSessions(userId: string): Promise<void>;
}

/** The tenant's look and names, read when a mail or a page is rendered. */
export interface EmailBranding {
  tenantName: string;
  logoUrl: string;
  primaryColor: string;
  supportEmail?: string;
  supportUrl?: string;
}
