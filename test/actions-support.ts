// Helpers for the black-box tests of post-login Actions: the seed's Action as printed, and deploying and binding
// actions through the official auth0 SDK as a tenant admin would.
import type { ManagementClient } from 'auth0';
import { expect } from 'vitest';

export { PICTURE_FROM_METADATA } from '../src/actions/test-support/seed-actions.ts';

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
