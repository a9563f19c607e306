import type { ActionToRun } from '../types.ts';

let counter = 0;

/** An action version with a fresh version id (so each test gets its own isolate unless it reuses one). */
export function action(name: string, code: string, extra: Partial<ActionToRun> = {}): ActionToRun {
  counter++;
  return { actionId: `act_${name}`, versionId: `ver_${name}_${counter}`, name, code, ...extra };
}

export function loginEvent(userMetadata: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    user: { user_id: 'auth0|1', email: 'jd@example.com', name: 'J D', user_metadata: userMetadata, app_metadata: {} },
    client: { client_id: 'cli_1', name: 'App' },
    transaction: { requested_scopes: ['openid', 'profile', 'email'] },
    request: { ip: '203.0.113.9' },
  };
}

export const silentLogger = { info: () => {}, warn: () => {} };
