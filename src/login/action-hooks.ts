// The slots, besides post-login (post-login.ts), where the Actions engine plugs into sign-in: registration on
// both sign-up paths and the client-credentials grant. Sign-in builds each trigger's `event` from what it knows
// (the request, the app, the connection) and acts on the answer; it knows nothing of how actions run.
import type { LoginUser, NewLoginUser } from './users-port.ts';

/** `event.request` as sign-in fills it for every trigger; query strings and bodies lose anything secret. */
export interface ActionRequest {
  ip: string;
  method: string;
  hostname: string;
  user_agent?: string;
  language?: string;
  query: Record<string, unknown>;
  body?: Record<string, unknown>;
}

const SECRET_PARAM = /secret|password|code_verifier|assertion|token|^code$/i;

/** A copy of request parameters without client secrets, passwords, PKCE verifiers, assertions or tokens. */
export function withoutSecrets(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([k, v]) => !SECRET_PARAM.test(k) && v !== undefined));
}

export function firstLanguage(acceptLanguage: string | undefined): string | undefined {
  const first = acceptLanguage?.split(',')[0]?.split(';')[0]?.trim();
  return first || undefined;
}

export interface RegistrationEvent {
  /** The user about to be created (pre) or just created (post, with user_id). */
  user: Partial<LoginUser> & { email: string };
  client?: { client_id: string; name: string; metadata: Record<string, string> };
  connection: { id: string; name: string; strategy: string; metadata: Record<string, string> };
  request: ActionRequest;
  transaction?: { id?: string; locale: string; protocol: string; requested_scopes: string[] };
}

export type PreRegistrationOutcome =
  | { allowed: true; user_metadata: Record<string, unknown>; app_metadata: Record<string, unknown> }
  /** `code` is `extensibility_error` for deny/errors, the action's code for api.validation.error. */
  | { allowed: false; code: string; message: string; userMessage?: string };

export interface RegistrationHooks {
  /** Runs before the user is created; the metadata the actions set is stored on the new user. */
  preUserRegistration(event: RegistrationEvent): Promise<PreRegistrationOutcome>;
  /** After the user exists; fire-and-forget: must not throw, its errors are logged by the engine's side. */
  postUserRegistration(event: RegistrationEvent): void;
}

export const noRegistrationActions: RegistrationHooks = {
  preUserRegistration: async () => ({ allowed: true, user_metadata: {}, app_metadata: {} }),
  postUserRegistration: () => {},
};

/** Applies a pre-registration metadata patch (first-level keys, null deletes) to what the sign-up sent. */
export function withRegistrationMetadata(input: NewLoginUser, outcome: { user_metadata: Record<string, unknown>; app_metadata: Record<string, unknown> }): NewLoginUser {
  const merge = (base: Record<string, unknown> | undefined, patch: Record<string, unknown>) => {
    if (Object.keys(patch).length === 0) return base;
    const out = { ...(base ?? {}) };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      else out[k] = v;
    }
    return out;
  };
  const user_metadata = merge(input.user_metadata, outcome.user_metadata);
  const app_metadata = merge(input.app_metadata, outcome.app_metadata);
  return { ...input, ...(user_metadata ? { user_metadata } : {}), ...(app_metadata ? { app_metadata } : {}) };
}

export interface CredentialsExchangeEvent {
  client: { client_id: string; name: string; metadata: Record<string, string> };
  request: ActionRequest;
  resource_server: { identifier: string };
  transaction: { requested_scopes: string[] };
}

export type CredentialsExchangeOutcome =
  | { denied: false; accessTokenClaims: Record<string, unknown> }
  /** `code`: invalid_scope | invalid_request | server_error from api.access.deny, access_denied for errors. */
  | { denied: true; code: string; message: string };

export type CredentialsExchangeHook = (event: CredentialsExchangeEvent, options: { audienceIsManagementApi: boolean }) => Promise<CredentialsExchangeOutcome>;

export const noCredentialsExchangeActions: CredentialsExchangeHook = async () => ({ denied: false, accessTokenClaims: {} });
