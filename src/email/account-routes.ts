// The public routes of the email flows: the hosted reset and verification pages under /u/, and Auth0's
// POST /dbconnections/change_password. Every page is a full HTML form that works without JavaScript.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describePasswordPolicy, MAX_PASSWORD_LENGTH, PAGE_HEADERS, type LoginTheme } from '../login/index.ts';
import type { AccountFlows } from './account-flows.ts';
import { outcomePage, resetPasswordPage, resetRequestedPage, resetRequestPage, STRINGS } from './account-pages.ts';
import type { EmailClientsPort, EmailConnection, EmailConnectionsPort } from './ports.ts';

export interface AccountRoutesDeps {
  flows: AccountFlows;
  connections: EmailConnectionsPort;
  clients: EmailClientsPort;
  theme: () => Promise<LoginTheme>;
}

/** Auth0's answer to every well-formed change_password request, known address or not. */
export const CHANGE_PASSWORD_ANSWER = "We've just sent you an email to reset your password.";
export const DEFAULT_DB_CONNECTION = 'Username-Password-Authentication';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
type Form = Record<string, unknown>;
const text = (form: Form, name: string, max: number) => (typeof form[name] === 'string' ? (form[name] as string).slice(0, max) : '');
const formOf = (request: FastifyRequest): Form => (request.body && typeof request.body === 'object' ? request.body as Form : {});
const origin = (request: FastifyRequest) => ({ ip: request.ip, method: request.method, hostname: request.hostname, user_agent: request.headers['user-agent'] });

export async function accountRoutes(app: FastifyInstance, deps: AccountRoutesDeps): Promise<void> {
  const { flows, connections, clients, theme } = deps;
  const page = async (reply: FastifyReply, status: number, body: string) => reply.status(status).headers(PAGE_HEADERS).send(body);
  const formOptions = { bodyLimit: 16 * 1024 };

  /** The database connection a reset is for, and the app asking; null when the pair is not valid. */
  async function resetScope(connectionName: string, clientId: string): Promise<{ connection: EmailConnection; client: { client_id: string; name: string } | null } | null> {
    const connection = await connections.getByName(connectionName || DEFAULT_DB_CONNECTION);
    if (!connection || connection.strategy !== 'auth0') return null;
    if (!clientId) return { connection, client: null };
    const client = await clients.get(clientId);
    if (!client || !connection.enabled_clients.includes(client.client_id)) return null;
    return { connection, client };
  }

  app.get('/u/reset-password/request', async (request, reply) => {
    const q = request.query as Form;
    return page(reply, 200, resetRequestPage(await theme(), { connection: text(q, 'connection', 128), clientId: text(q, 'client_id', 128), state: text(q, 'state', 128) }));
  });

  app.post('/u/reset-password/request', formOptions, async (request, reply) => {
    const form = formOf(request);
    const input = { connection: text(form, 'connection', 128), clientId: text(form, 'client_id', 128), state: text(form, 'state', 128), email: text(form, 'email', 320).trim() };
    if (!EMAIL.test(input.email)) return page(reply, 400, resetRequestPage(await theme(), { ...input, error: STRINGS.request.invalidEmail }));
    const scope = await resetScope(input.connection, input.clientId);
    if (scope) flows.requestReset({ email: input.email, connection: scope.connection, clientId: scope.client?.client_id ?? null, clientName: scope.client?.name ?? null });
    return page(reply, 200, resetRequestedPage(await theme(), input.state));
  });

  app.get('/u/reset-password', async (request, reply) => {
    const ticket = (request.query as Form).ticket;
    const target = await flows.resetTarget(ticket);
    if (!target || typeof ticket !== 'string') return page(reply, 400, outcomePage(await theme(), 'invalidLink'));
    return page(reply, 200, resetPasswordPage(await theme(), { ticket, email: target.user.email ?? '', policy: describePasswordPolicy(target.connection as never) }));
  });

  app.post('/u/reset-password', formOptions, async (request, reply) => {
    const form = formOf(request);
    const ticket = text(form, 'ticket', 64);
    const password = text(form, 'password', MAX_PASSWORD_LENGTH + 1);
    const again = async (error: string) => {
      const target = await flows.resetTarget(ticket);
      if (!target) return page(reply, 400, outcomePage(await theme(), 'invalidLink'));
      return page(reply, 400, resetPasswordPage(await theme(), { ticket, email: target.user.email ?? '', policy: describePasswordPolicy(target.connection as never), error }));
    };
    if (password !== text(form, 'confirm', MAX_PASSWORD_LENGTH + 1)) return again(STRINGS.reset.mismatch);
    const outcome = await flows.completeReset(ticket, password, origin(request));
    if (!outcome.ok) return outcome.reason === 'invalid_ticket' ? page(reply, 400, outcomePage(await theme(), 'invalidLink')) : again(outcome.message);
    return outcome.redirect ? reply.redirect(outcome.redirect, 303) : page(reply, 200, outcomePage(await theme(), 'resetDone'));
  });

  app.get('/u/email-verification', async (request, reply) => {
    const outcome = await flows.verifyEmail((request.query as Form).ticket);
    if (!outcome.ok) return page(reply, 400, outcomePage(await theme(), 'invalidLink'));
    return outcome.redirect ? reply.redirect(outcome.redirect, 302) : page(reply, 200, outcomePage(await theme(), 'verified'));
  });

  app.get('/u/unblock', async (request, reply) => {
    const ok = await flows.unblock((request.query as Form).ticket);
    return page(reply, ok ? 200 : 400, outcomePage(await theme(), ok ? 'unblocked' : 'invalidLink'));
  });

  // Auth0's Authentication API. The answer is sent before the address is even looked up, so that it and its
  // timing are the same for every address (no enumeration); the mail is queued afterwards.
  app.post('/dbconnections/change_password', { bodyLimit: 16 * 1024 }, async (request, reply) => {
    const body = formOf(request);
    const email = text(body, 'email', 321).trim();
    const clientId = text(body, 'client_id', 129);
    const connectionName = text(body, 'connection', 129);
    const refuse = (description: string) => reply.status(400).header('cache-control', 'no-store').send({ error: 'invalid_request', error_description: description });
    if (!clientId) return refuse('Missing required parameter: client_id');
    if (!email || !EMAIL.test(email)) return refuse('Missing required parameter: email');
    if (!connectionName) return refuse('Missing required parameter: connection');
    const scope = await resetScope(connectionName, clientId);
    if (!scope?.client) return refuse('Connection does not exist or is not enabled for this client');
    flows.requestReset({ email, connection: scope.connection, clientId: scope.client.client_id, clientName: scope.client.name });
    return reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(CHANGE_PASSWORD_ANSWER);
  });
}
