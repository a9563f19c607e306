// One login transaction as the hosted pages see it: the provider's interaction (Auth0's `state`), the app that
// asked, and the database connection the user signs in with; and how it ends — the post-login Actions, a grant
// holding their claims, and the redirect back to the provider.
import type { FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Client } from '../clients/clients-store.ts';
import type { ClientsStore } from '../clients/clients-store.ts';
import type { Connection, ConnectionsStore } from '../connections/connections-store.ts';
import { TTL } from './provider-factory.ts';
import { firstLanguage, withoutSecrets } from './action-hooks.ts';
import type { LoginStates, PostLoginEvent, PostLoginHook } from './post-login.ts';
import type { LoginUser } from './users-port.ts';

export interface LoginTransaction {
  uid: string;
  interaction: any;
  params: Record<string, unknown>;
  client: Client;
  /** The database connection for the password form; null when the app has none enabled. */
  connection: Connection | null;
  socialConnections: Connection[];
}

export const STATE_PATTERN = /^[A-Za-z0-9_-]{10,64}$/;

export class LoginTransactionError extends Error {}

export async function loadTransaction(
  provider: Provider,
  deps: { clients: ClientsStore; connections: ConnectionsStore },
  state: unknown,
): Promise<LoginTransaction> {
  if (typeof state !== 'string' || !STATE_PATTERN.test(state)) throw new LoginTransactionError('missing or malformed state');
  const interaction = await provider.Interaction.find(state);
  if (!interaction) throw new LoginTransactionError('login transaction not found or expired');
  const params = interaction.params as Record<string, unknown>;
  const client = await deps.clients.get(String(params.client_id));
  if (!client) throw new LoginTransactionError('the application no longer exists');
  const enabled = (await deps.connections.list()).filter((c) => c.enabled_clients.includes(client.client_id));
  const asked = typeof params.connection === 'string' ? params.connection : undefined;
  const databases = enabled.filter((c) => c.strategy === 'auth0');
  const connection = (asked ? databases.find((c) => c.name === asked) : databases[0]) ?? null;
  const socialConnections = enabled.filter((c) => c.strategy !== 'auth0' && (!asked || c.name === asked));
  return { uid: state, interaction, params, client, connection, socialConnections };
}

function remainingSeconds(interaction: { exp: number }): number {
  return Math.max(1, interaction.exp - Math.floor(Date.now() / 1000));
}

/** Ends the transaction with an OAuth error for the app (e.g. access_denied from an Action). */
export async function finishWithError(tx: LoginTransaction, error: string, description: string): Promise<string> {
  tx.interaction.result = { error, error_description: description };
  await tx.interaction.save(remainingSeconds(tx.interaction));
  return tx.interaction.returnTo as string;
}

function postLoginEvent(tx: LoginTransaction, user: LoginUser, connection: Connection, request: FastifyRequest): PostLoginEvent {
  const p = tx.params;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    user,
    client: { client_id: tx.client.client_id, name: tx.client.name, metadata: tx.client.client_metadata },
    connection: { id: connection.id, name: connection.name, strategy: connection.strategy, metadata: connection.metadata },
    request: {
      ip: request.ip,
      method: request.method,
      hostname: request.hostname,
      user_agent: request.headers['user-agent'],
      language: firstLanguage(request.headers['accept-language']),
      query: withoutSecrets(p),
    },
    transaction: {
      id: tx.uid,
      protocol: 'oidc-basic-profile',
      requested_scopes: (str(p.scope) ?? '').split(' ').filter(Boolean),
      redirect_uri: str(p.redirect_uri),
      response_type: (str(p.response_type) ?? '').split(' ').filter(Boolean),
      state: str(p.state),
      login_hint: str(p.login_hint),
      ui_locales: (str(p.ui_locales) ?? '').split(' ').filter(Boolean),
      locale: (str(p.ui_locales) ?? '').split(' ').filter(Boolean)[0] ?? firstLanguage(request.headers['accept-language']) ?? 'en',
    },
    authentication: { methods: [{ name: 'pwd', timestamp: new Date().toISOString() }] },
    ...(str(p.audience) ? { resource_server: { identifier: str(p.audience)! } } : {}),
    stats: { logins_count: Number(user.logins_count ?? 0) },
  };
}

/**
 * The user is authenticated: run the post-login Actions, open a grant that keeps their claims, and hand the
 * result to the provider. Returns where to send the browser (the provider's resume URL).
 */
export async function completeLogin(
  provider: Provider,
  deps: { postLogin: PostLoginHook; loginStates: LoginStates },
  tx: LoginTransaction,
  user: LoginUser,
  connection: Connection,
  request: FastifyRequest,
  /** How the user authenticated: a password, or an upstream identity provider (`federated`). */
  amr: string[] = ['pwd'],
): Promise<string> {
  const outcome = await deps.postLogin(postLoginEvent(tx, user, connection, request));
  if (outcome.denied) return finishWithError(tx, 'access_denied', outcome.reason);
  // The grant starts empty; loadExistingGrant grows it to the request's scopes when the provider resumes.
  const grant = new provider.Grant({ accountId: user.user_id, clientId: tx.client.client_id });
  await grant.save();
  const grantId: string = grant.jti;
  await deps.loginStates.save(grantId, {
    claims: outcome.claims,
    connection: { id: connection.id, name: connection.name, strategy: connection.strategy, metadata: connection.metadata },
  }, TTL.Grant);
  tx.interaction.result = {
    login: { accountId: user.user_id, amr, remember: true },
    consent: { grantId },
  };
  await tx.interaction.save(remainingSeconds(tx.interaction));
  return tx.interaction.returnTo as string;
}

/** An interaction that only needs consent (a signed-in user, a new scope): Auth0 grants it without a screen. */
export async function completeConsent(provider: Provider, tx: LoginTransaction): Promise<string> {
  const accountId = tx.interaction.session?.accountId as string | undefined;
  if (!accountId) throw new LoginTransactionError('no signed-in user for this transaction');
  const existing = tx.interaction.grantId ? await provider.Grant.find(tx.interaction.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId: tx.client.client_id });
  await grant.save();
  const grantId: string = grant.jti;
  tx.interaction.result = { ...tx.interaction.lastSubmission, consent: { grantId } };
  await tx.interaction.save(remainingSeconds(tx.interaction));
  return tx.interaction.returnTo as string;
}
