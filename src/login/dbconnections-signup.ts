// Auth0's `POST /dbconnections/signup`: creates a user in a database connection on behalf of an app (no token;
// the app names itself with client_id). Answers 200 {_id, email, email_verified, …} or Auth0's error bodies.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ClientsStore } from '../clients/clients-store.ts';
import type { ConnectionsStore } from '../connections/connections-store.ts';
import { ApiError } from '../platform/errors.ts';
import type { TextRefusalRenderer } from '../platform/validation.ts';
import { allowedOrigins } from './client-metadata.ts';
import { checkPasswordPolicy, describePasswordPolicy } from './password-policy.ts';
import type { RegistrationHooks } from './action-hooks.ts';
import { signUpWithActions, type SignedUp } from './sign-up.ts';
import type { Listeners } from '../platform/listeners.ts';
import type { LoginUsersPort } from './users-port.ts';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const PROFILE_FIELDS = ['username', 'given_name', 'family_name', 'name', 'nickname', 'picture'] as const;

/** Auth0's /dbconnections/signup limits on user_metadata: at most 10 fields, each a string of at most 500 characters. */
const SIGNUP_METADATA_FIELDS = 10;
const SIGNUP_METADATA_VALUE_CHARS = 500;

/**
 * Checks sign-up `user_metadata` as Auth0 does; returns Auth0's message for the first fault (the type messages are
 * Auth0's own, seen by auth0.js users; the count and length messages follow their form), or null.
 */
export function signupMetadataError(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return 'invalid user_metadata type (expected object)';
  const entries = Object.entries(value);
  if (entries.length > SIGNUP_METADATA_FIELDS) return `invalid user_metadata (at most ${SIGNUP_METADATA_FIELDS} fields are allowed)`;
  for (const [key, field] of entries) {
    const name = key.slice(0, 100);
    if (typeof field !== 'string') return `invalid user_metadata.${name} type (only strings are allowed)`;
    if (field.length > SIGNUP_METADATA_VALUE_CHARS) return `invalid user_metadata.${name} length (at most ${SIGNUP_METADATA_VALUE_CHARS} characters are allowed)`;
  }
  return null;
}

function signupError(reply: FastifyReply, status: number, body: Record<string, unknown>) {
  return reply.status(status).header('cache-control', 'no-store').send({ ...body, statusCode: status });
}

export async function dbconnectionsSignupRoutes(
  app: FastifyInstance,
  deps: { clients: ClientsStore; connections: ConnectionsStore; users: LoginUsersPort; registration: () => RegistrationHooks; signUps: Listeners<SignedUp> },
): Promise<void> {
  const { clients, connections, users } = deps;

  const unstorableText: TextRefusalRenderer = (reply, error) =>
    signupError(reply, 400, { name: 'BadRequestError', code: 'invalid_signup', description: error.message, message: 'Invalid sign up' });
  app.post('/dbconnections/signup', { bodyLimit: 64 * 1024, config: { unstorableText } }, async (request, reply) => {
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const str = (name: string, max = 320) => (typeof body[name] === 'string' && (body[name] as string).length <= max ? (body[name] as string) : undefined);
    const clientId = str('client_id', 128);
    const client = clientId ? await clients.get(clientId) : null;
    if (!client) return signupError(reply, 400, { error: 'invalid_request', error_description: 'Unknown client' });

    const origin = request.headers.origin;
    if (origin) {
      // Browser apps call this cross-origin (Lock, SPA sign-up forms): same origins as the token endpoint.
      if (!allowedOrigins(client).has(origin)) return signupError(reply, 403, { error: 'invalid_request', error_description: 'Origin not allowed' });
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    }

    const connectionName = str('connection', 128);
    const email = str('email')?.trim();
    const password = str('password', 1024);
    if (!connectionName || !email || !password) {
      return signupError(reply, 400, { name: 'BadRequestError', code: 'invalid_signup', description: 'Missing required parameter: client_id, email, password and connection are required', message: 'Invalid sign up' });
    }
    const connection = await connections.getByName(connectionName);
    if (!connection || connection.strategy !== 'auth0' || !connection.enabled_clients.includes(client.client_id)) {
      return signupError(reply, 400, { name: 'BadRequestError', code: 'invalid_connection', description: 'Connection does not exist or is not enabled for this client', message: 'Invalid sign up' });
    }
    if (connection.options.disable_signup === true) {
      return signupError(reply, 403, { name: 'BadRequestError', code: 'operation_not_allowed', description: 'Public signup is disabled', message: 'Public signup is disabled' });
    }
    if (!EMAIL.test(email)) return signupError(reply, 400, { name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', message: 'Invalid sign up' });
    const weak = checkPasswordPolicy(connection, password);
    if (weak) {
      return signupError(reply, 400, {
        name: 'PasswordStrengthError',
        message: weak,
        code: 'invalid_password',
        description: { rules: [{ message: describePasswordPolicy(connection), verified: false }], verified: false },
        policy: describePasswordPolicy(connection),
      });
    }
    const profile: Record<string, string> = {};
    for (const f of PROFILE_FIELDS) {
      const v = str(f, 2048);
      if (v) profile[f] = v;
    }
    const metadataError = signupMetadataError(body.user_metadata);
    if (metadataError) return signupError(reply, 400, { name: 'BadRequestError', code: metadataError, description: metadataError, message: metadataError });
    const userMetadata = body.user_metadata ? (body.user_metadata as Record<string, string>) : undefined;
    try {
      const input = { connection: connection.name, email, password, ...profile, ...(userMetadata ? { user_metadata: userMetadata } : {}) };
      const result = await signUpWithActions(users, deps.registration(), input, { client, connection, request, signUps: deps.signUps });
      if (!result.ok) {
        // Auth0's body when a pre-user-registration Action refuses the sign-up (§6.1, observed shape).
        return signupError(reply, 400, {
          name: 'InternalExtensibilityError', code: result.code, message: result.message, description: result.message,
          friendly_message: result.userMessage ?? result.message,
        });
      }
      const user = result.user;
      const id = user.user_id.replace(/^auth0\|/, '');
      return reply.header('cache-control', 'no-store').send({
        _id: id,
        email_verified: user.email_verified ?? false,
        email: user.email,
        ...Object.fromEntries(PROFILE_FIELDS.filter((f) => user[f] !== undefined).map((f) => [f, user[f]])),
        ...(user.user_metadata && Object.keys(user.user_metadata).length ? { user_metadata: user.user_metadata } : {}),
      });
    } catch (error) {
      if (error instanceof ApiError && error.errorCode === 'user_exists') {
        // Auth0 does not say that the address is taken: the same answer as any other refusal.
        return signupError(reply, 400, { name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', message: 'Invalid sign up' });
      }
      if (error instanceof ApiError && error.statusCode < 500) {
        return signupError(reply, 400, { name: 'BadRequestError', code: 'invalid_signup', description: error.message, message: 'Invalid sign up' });
      }
      throw error;
    }
  });

  app.options('/dbconnections/signup', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    return reply
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'content-type, auth0-client')
      .header('access-control-max-age', '600')
      .status(204)
      .send();
  });
}
