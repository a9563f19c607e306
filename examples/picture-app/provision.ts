// Creates what the sample app needs in a Portrait tenant, idempotently: its application, the seed's post-login
// Action ("Change user pictures") deployed and bound to the login flow, and a test user. Secrets that Portrait
// shows only once (the app's client secret, the test user's password) are kept in a state file (mode 0600).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { PICTURE_FROM_METADATA } from '../../src/actions/test-support/seed-actions.ts';
import { ManagementCallError, type Management } from './management.ts';

export const APP_NAME = 'Picture App (sample)';
export const ACTION_NAME = 'Change user pictures';
export const TEST_USER_EMAIL = 'picture.user@example.com';
const DATABASE_CONNECTION = 'Username-Password-Authentication';

export interface PictureAppSetup {
  clientId: string;
  clientSecret: string;
  testUser: { email: string; password: string };
}

interface Saved {
  clientId?: string;
  clientSecret?: string;
  password?: string;
}

export async function provisionPictureApp(management: Management, appUrl: string, stateFile: string): Promise<PictureAppSetup> {
  const saved: Saved = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
  const { clientId, clientSecret } = await ensureApplication(management, appUrl, saved);
  await ensureSeedAction(management);
  const password = await ensureTestUser(management, saved.password);
  writeFileSync(stateFile, JSON.stringify({ clientId, clientSecret, password }, null, 2) + '\n', { mode: 0o600 });
  return { clientId, clientSecret, testUser: { email: TEST_USER_EMAIL, password } };
}

async function ensureApplication(management: Management, appUrl: string, saved: Saved) {
  const settings = {
    app_type: 'regular_web',
    callbacks: [`${appUrl}/callback`],
    allowed_logout_urls: [appUrl, `${appUrl}/`],
    grant_types: ['authorization_code', 'refresh_token'],
  };
  const clients = await management.call<Array<{ client_id: string; name: string }>>('GET', '/clients?fields=client_id,name&include_fields=true');
  const existing = clients.find((client) => client.name === APP_NAME);
  if (!existing) {
    const created = await management.call('POST', '/clients', { name: APP_NAME, ...settings });
    return { clientId: created.client_id as string, clientSecret: created.client_secret as string };
  }
  await management.call('PATCH', `/clients/${existing.client_id}`, settings);
  if (saved.clientId === existing.client_id && saved.clientSecret) return { clientId: existing.client_id, clientSecret: saved.clientSecret };
  // The secret is shown only once; without the saved copy, a new one is the only way to get one.
  const rotated = await management.call('POST', `/clients/${existing.client_id}/rotate-secret`);
  return { clientId: existing.client_id, clientSecret: rotated.client_secret as string };
}

async function ensureSeedAction(management: Management) {
  const found = await management.call('GET', `/actions/actions?actionName=${encodeURIComponent(ACTION_NAME)}`);
  let action = (found.actions as Array<{ id: string; code: string }>)[0];
  if (!action) {
    action = await management.call('POST', '/actions/actions', {
      name: ACTION_NAME,
      supported_triggers: [{ id: 'post-login', version: 'v3' }],
      code: PICTURE_FROM_METADATA,
      runtime: 'node22',
    });
  } else if (action.code !== PICTURE_FROM_METADATA) {
    action = await management.call('PATCH', `/actions/actions/${action.id}`, { code: PICTURE_FROM_METADATA });
  }
  await management.call('POST', `/actions/actions/${action.id}/deploy`);
  const bindings = (await management.call('GET', '/actions/triggers/post-login/bindings')).bindings as Array<{ action: { id: string }; display_name: string }>;
  if (bindings.some((binding) => binding.action.id === action.id)) return;
  await management.call('PATCH', '/actions/triggers/post-login/bindings', {
    bindings: [
      ...bindings.map((binding) => ({ ref: { type: 'action_id', value: binding.action.id }, display_name: binding.display_name })),
      { ref: { type: 'action_id', value: action.id }, display_name: ACTION_NAME },
    ],
  });
}

async function ensureTestUser(management: Management, savedPassword: string | undefined): Promise<string> {
  const password = savedPassword ?? `Picture-${randomBytes(6).toString('base64url')}-9`;
  try {
    await management.call('POST', '/users', { connection: DATABASE_CONNECTION, email: TEST_USER_EMAIL, password, email_verified: true });
  } catch (error) {
    if (!(error instanceof ManagementCallError && error.statusCode === 409)) throw error;
    if (!savedPassword) {
      const [user] = await management.call('GET', `/users-by-email?email=${encodeURIComponent(TEST_USER_EMAIL)}`);
      await management.call('PATCH', `/users/${encodeURIComponent(user.user_id)}`, { password, connection: DATABASE_CONNECTION });
    }
  }
  return password;
}
