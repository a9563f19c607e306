// Helpers for the black-box tests of post-login Actions: the seed's Action as printed, and deploying and binding
// actions through the official auth0 SDK as a tenant admin would.
import type { ManagementClient } from 'auth0';
import { expect } from 'vitest';

/** The seed's "Use Actions" Action, exactly as printed: user_metadata.picture becomes the ID token's picture. */
export const PICTURE_FROM_METADATA = `exports.onExecutePostLogin = async (event, api) => {
  const { picture } = event.user.user_metadata;
  if (picture) {
    // Return the persisted user_metadata.picture in the ID token
    api.idToken.setCustomClaim("picture", picture)
  }
};`;

export const POST_LOGIN_TRIGGER = [{ id: 'post-login' as const, version: 'v3' }];

/** Creates a post-login action and deploys it; its id. */
export async function createDeployedAction(management: ManagementClient, name: string, code: string): Promise<string> {
  const created = await management.actions.create({ name, supported_triggers: POST_LOGIN_TRIGGER, code });
  const version = await management.actions.deploy(created.id!);
  expect(version).toMatchObject({ status: 'built', deployed: true });
  return created.id!;
}

/** Replaces the post-login bindings with these actions, in this order (none: unbinds everything). */
export function bindPostLogin(management: ManagementClient, ...names: string[]) {
  return management.actions.triggers.bindings.updateMany('post-login', { bindings: names.map((value) => ({ ref: { type: 'action_name' as const, value } })) });
}
