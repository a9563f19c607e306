import type { TriggerId } from './types.ts';

/**
 * What each supported trigger looks like inside the sandbox: the exported handler it calls and which
 * `api` namespaces exist. The sandbox bootstrap builds `api` from `capabilities`, so a method that the
 * trigger does not have in Auth0 is simply absent (or a clear "not supported" error for Auth0 features
 * Portrait has not implemented yet, see UNSUPPORTED_API).
 */
export type ApiCapability =
  | 'idToken.setCustomClaim'
  | 'accessToken.setCustomClaim'
  | 'accessToken.scopes'
  | 'access.deny'
  | 'access.denyWithCode'
  | 'user.metadata'
  | 'validation.error'
  | 'cache';

export interface TriggerDefinition {
  id: TriggerId;
  handlerName: string;
  capabilities: readonly ApiCapability[];
  /** Auth0 api namespaces of this trigger that Portrait does not implement: calling them throws clearly. */
  unsupported: readonly string[];
}

export const TRIGGERS: Readonly<Record<TriggerId, TriggerDefinition>> = {
  'post-login': {
    id: 'post-login',
    handlerName: 'onExecutePostLogin',
    capabilities: [
      'idToken.setCustomClaim',
      'accessToken.setCustomClaim',
      'accessToken.scopes',
      'access.deny',
      'user.metadata',
      'cache',
    ],
    unsupported: [
      'multifactor', 'authentication', 'redirect', 'session', 'refreshToken', 'samlResponse', 'prompt',
      'transaction', 'rules', 'validation',
    ],
  },
  'pre-user-registration': {
    id: 'pre-user-registration',
    handlerName: 'onExecutePreUserRegistration',
    capabilities: ['access.deny', 'user.metadata', 'validation.error', 'cache'],
    unsupported: [],
  },
  'post-user-registration': {
    id: 'post-user-registration',
    handlerName: 'onExecutePostUserRegistration',
    capabilities: ['cache'],
    unsupported: [],
  },
  'post-change-password': {
    id: 'post-change-password',
    handlerName: 'onExecutePostChangePassword',
    capabilities: ['cache'],
    unsupported: [],
  },
  'credentials-exchange': {
    id: 'credentials-exchange',
    handlerName: 'onExecuteCredentialsExchange',
    capabilities: ['accessToken.setCustomClaim', 'access.denyWithCode', 'cache'],
    unsupported: ['transaction'],
  },
};

export function isTriggerId(value: string): value is TriggerId {
  return Object.hasOwn(TRIGGERS, value);
}

/** credentials-exchange deny codes Auth0 accepts; anything else becomes invalid_request. */
export const CREDENTIALS_EXCHANGE_DENY_CODES = ['invalid_scope', 'invalid_request', 'server_error'] as const;
