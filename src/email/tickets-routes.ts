// POST /api/v2/tickets/email-verification, /tickets/password-change (links the tenant delivers itself) and
// /jobs/verification-email (Portrait sends the verification mail), as Auth0 shapes them.
import { randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { withErrors } from '../management/schemas.ts';
import { fail } from '../platform/errors.ts';
import type { Mailer, MailUser } from './mailer.ts';
import type { EmailClientsPort, EmailConnectionsPort, EmailUsersPort } from './ports.ts';

const UserId = Type.String({ minLength: 1, maxLength: 512 });
const Url = Type.String({ maxLength: 2048, pattern: '^https?://[^\\s]+$' });
const Ttl = Type.Integer({ minimum: 0, maximum: 30 * 86_400 });
const ClientId = Type.String({ minLength: 1, maxLength: 128 });
const Identity = Type.Object({ user_id: Type.String({ maxLength: 512 }), provider: Type.String({ maxLength: 64 }) }, { additionalProperties: false });

const VerificationBody = Type.Object({
  user_id: UserId, result_url: Type.Optional(Url), client_id: Type.Optional(ClientId), ttl_sec: Type.Optional(Ttl),
  includeEmailInRedirect: Type.Optional(Type.Boolean()), identity: Type.Optional(Identity),
}, { additionalProperties: false });
const PasswordChangeBody = Type.Object({
  user_id: Type.Optional(UserId), email: Type.Optional(Type.String({ maxLength: 320 })), connection_id: Type.Optional(Type.String({ maxLength: 64 })),
  result_url: Type.Optional(Url), client_id: Type.Optional(ClientId), ttl_sec: Type.Optional(Ttl),
  mark_email_as_verified: Type.Optional(Type.Boolean()), includeEmailInRedirect: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
const JobBody = Type.Object({ user_id: UserId, client_id: Type.Optional(ClientId), identity: Type.Optional(Identity) }, { additionalProperties: false });

const TicketAnswer = Type.Object({ ticket: Type.String() }, { additionalProperties: false });
const JobAnswer = Type.Object({ status: Type.String(), type: Type.String(), created_at: Type.String(), id: Type.String() }, { additionalProperties: false });

export interface TicketsRoutesDeps {
  mailer: Mailer;
  users: EmailUsersPort;
  connections: EmailConnectionsPort;
  clients: EmailClientsPort;
}

export async function ticketsRoutes(api: FastifyInstance, deps: TicketsRoutesDeps): Promise<void> {
  const { mailer, users, connections, clients } = deps;

  const userNamed = async (userId: string): Promise<MailUser> => (await users.get(userId)) ?? fail('inexistent_user', 'The user does not exist.');
  const clientNamed = async (clientId: string | undefined) => {
    if (clientId === undefined) return null;
    return (await clients.get(clientId)) ?? fail('inexistent_client', 'The client does not exist');
  };

  api.post<{ Body: Static<typeof VerificationBody> }>('/tickets/email-verification', {
    config: { scopes: ['create:user_tickets'] },
    schema: { tags: ['tickets'], body: VerificationBody, response: withErrors({ 201: TicketAnswer }) },
  }, async (request, reply) => {
    const body = request.body;
    const user = await userNamed(body.user_id);
    if (!user.email) fail('bad_request', 'The user does not have an email address.');
    const client = await clientNamed(body.client_id);
    const ticket = await mailer.ticketUrl('email_verification', user.user_id, {
      resultUrl: body.result_url, clientId: client?.client_id, ttlSeconds: body.ttl_sec || undefined, includeEmailInRedirect: body.includeEmailInRedirect,
    });
    return reply.status(201).send({ ticket });
  });

  api.post<{ Body: Static<typeof PasswordChangeBody> }>('/tickets/password-change', {
    config: { scopes: ['create:user_tickets'] },
    schema: { tags: ['tickets'], body: PasswordChangeBody, response: withErrors({ 201: TicketAnswer }) },
  }, async (request, reply) => {
    const body = request.body;
    let user: MailUser;
    if (body.user_id !== undefined) {
      if (body.email !== undefined || body.connection_id !== undefined) fail('bad_request', 'Send either user_id, or email and connection_id, not both.');
      user = await userNamed(body.user_id);
    } else {
      if (body.email === undefined || body.connection_id === undefined) fail('bad_request', 'Missing required property: user_id, or email and connection_id.');
      const connection = await connections.get(body.connection_id);
      if (!connection) fail('inexistent_connection', 'The connection does not exist');
      if (connection.strategy !== 'auth0') fail('bad_request', 'Password tickets need a database connection.');
      user = (await users.findLoginCandidate(connection.name, body.email))?.user ?? fail('inexistent_user', 'The user does not exist.');
    }
    const client = await clientNamed(body.client_id);
    const ticket = await mailer.ticketUrl('password_change', user.user_id, {
      resultUrl: body.result_url, clientId: client?.client_id, ttlSeconds: body.ttl_sec || undefined,
      markEmailVerified: body.mark_email_as_verified, includeEmailInRedirect: body.includeEmailInRedirect,
    });
    return reply.status(201).send({ ticket });
  });

  api.post<{ Body: Static<typeof JobBody> }>('/jobs/verification-email', {
    config: { scopes: ['update:users'] },
    schema: { tags: ['jobs'], body: JobBody, response: withErrors({ 201: JobAnswer }) },
  }, async (request, reply) => {
    const user = await userNamed(request.body.user_id);
    if (!user.email) fail('bad_request', 'The user does not have an email address.');
    const client = await clientNamed(request.body.client_id);
    const queued = await mailer.send('verify_email', user, { kind: 'email_verification', clientId: client?.client_id, clientName: client?.name });
    if (!queued) fail('too_many_requests', 'The verification email was not queued: the template is disabled or the address reached its hourly limit.');
    // The mail is in the outbox; this "job" is done once it is queued (its delivery is the worker's).
    return reply.status(201).send({ status: 'completed', type: 'verification_email', created_at: new Date().toISOString(), id: `job_${randomBytes(8).toString('hex')}` });
  });
}
