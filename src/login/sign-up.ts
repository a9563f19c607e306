// Creating an account from a sign-up (the hosted page or /dbconnections/signup) with the registration Actions
// around it: pre-user-registration may refuse it or add metadata before the user exists; post-user-registration
// hears about the new user and cannot change the outcome.
import type { FastifyRequest } from 'fastify';
import type { Client } from '../clients/clients-store.ts';
import type { Connection } from '../connections/connections-store.ts';
import { firstLanguage, withoutSecrets, withRegistrationMetadata, type RegistrationEvent, type RegistrationHooks } from './action-hooks.ts';
import type { LoginUser, LoginUsersPort, NewLoginUser } from './users-port.ts';
import type { Listeners } from '../platform/listeners.ts';

/** An account created by a sign-up, and the app it was made for. */
export interface SignedUp {
  user: LoginUser;
  client: { client_id: string; name: string };
}

export type SignUpResult =
  | { ok: true; user: LoginUser }
  /** Refused by an Action: `code` extensibility_error (deny, failure) or the api.validation.error code. */
  | { ok: false; code: string; message: string; userMessage?: string };

export interface SignUpContext {
  client: Client;
  connection: Connection;
  request: FastifyRequest;
  /** Told of every account created (the email domain's verification mail). */
  signUps?: Listeners<SignedUp>;
  /** The login transaction the hosted page belongs to; absent for /dbconnections/signup. */
  transaction?: { id: string; requested_scopes: string[]; locale?: string };
}

function registrationEvent(input: NewLoginUser, ctx: SignUpContext, user?: LoginUser): RegistrationEvent {
  const { password: _password, connection: _connection, ...profile } = input;
  const language = firstLanguage(ctx.request.headers['accept-language']);
  const body = ctx.request.body && typeof ctx.request.body === 'object' ? withoutSecrets(ctx.request.body as Record<string, unknown>) : undefined;
  return {
    user: { ...profile, ...(user ?? {}), email: user?.email ?? input.email, user_metadata: user?.user_metadata ?? input.user_metadata ?? {}, app_metadata: user?.app_metadata ?? input.app_metadata ?? {} },
    client: { client_id: ctx.client.client_id, name: ctx.client.name, metadata: ctx.client.client_metadata },
    connection: { id: ctx.connection.id, name: ctx.connection.name, strategy: ctx.connection.strategy, metadata: ctx.connection.metadata },
    request: {
      ip: ctx.request.ip, method: ctx.request.method, hostname: ctx.request.hostname, user_agent: ctx.request.headers['user-agent'], language,
      query: withoutSecrets(ctx.request.query as Record<string, unknown>), ...(body ? { body } : {}),
    },
    transaction: {
      ...(ctx.transaction ? { id: ctx.transaction.id } : {}),
      locale: ctx.transaction?.locale ?? language ?? 'en',
      protocol: ctx.transaction ? 'oidc-basic-profile' : 'oauth2-resource-owner',
      requested_scopes: ctx.transaction?.requested_scopes ?? [],
    },
  };
}

/** Runs pre-user-registration, creates the user (ApiErrors of the users domain propagate), then post-user-registration. */
export async function signUpWithActions(users: LoginUsersPort, hooks: RegistrationHooks, input: NewLoginUser, ctx: SignUpContext): Promise<SignUpResult> {
  const pre = await hooks.preUserRegistration(registrationEvent(input, ctx));
  if (!pre.allowed) return { ok: false, code: pre.code, message: pre.message, ...(pre.userMessage !== undefined ? { userMessage: pre.userMessage } : {}) };
  const created = await users.create(withRegistrationMetadata(input, pre));
  hooks.postUserRegistration(registrationEvent(input, ctx, created));
  await ctx.signUps?.announce({ user: created, client: { client_id: ctx.client.client_id, name: ctx.client.name } });
  return { ok: true, user: created };
}
