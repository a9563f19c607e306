// Stored actions, versions and bindings rendered as Auth0's Action, ActionVersion and ActionBinding objects
// (reference §6.5). Secrets appear as {name, updated_at} only.
import type { ActionContent, StoredAction, StoredBinding, StoredVersion } from './actions-store.ts';

export type SecretJson = { name: string; updated_at: string };

const secretsJson = (content: ActionContent): SecretJson[] => content.secrets.map((s) => ({ name: s.name, updated_at: s.updated_at }));

/** True when deploying the draft now would change nothing: what Auth0 calls all_changes_deployed. */
export function draftMatchesVersion(draft: ActionContent, version: ActionContent | undefined): boolean {
  if (!version) return false;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return (
    draft.code === version.code &&
    draft.runtime === version.runtime &&
    same(draft.dependencies, version.dependencies) &&
    same(draft.supported_triggers, version.supported_triggers) &&
    // Ciphertexts are copied on deploy, so an unchanged secret compares equal without decrypting.
    same(draft.secrets.map((s) => [s.name, s.value]), version.secrets.map((s) => [s.name, s.value]))
  );
}

function actionBase(action: StoredAction, deployed: StoredVersion | undefined) {
  return {
    id: action.id,
    name: action.name,
    supported_triggers: action.supported_triggers,
    all_changes_deployed: draftMatchesVersion(action, deployed),
    created_at: action.created_at,
    updated_at: action.updated_at,
  };
}

export function versionJson(version: StoredVersion, action: StoredAction, deployed: StoredVersion | undefined) {
  return {
    id: version.id,
    action_id: version.action_id,
    code: version.code,
    dependencies: version.dependencies,
    deployed: action.deployed_version_id === version.id,
    runtime: version.runtime,
    secrets: secretsJson(version),
    status: version.status,
    number: version.number,
    errors: version.errors,
    action: actionBase(action, deployed),
    ...(version.built_at && { built_at: version.built_at }),
    created_at: version.created_at,
    updated_at: version.updated_at,
    supported_triggers: version.supported_triggers,
    modules: [],
  };
}

/**
 * An Action. Portrait needs no build step for a draft (the code runs as written; compile errors are reported
 * by deploy and by test), so a draft's status is always `built`, as of its last change.
 */
export function actionJson(action: StoredAction, deployed: StoredVersion | undefined) {
  return {
    ...actionBase(action, deployed),
    code: action.code,
    dependencies: action.dependencies,
    runtime: action.runtime,
    secrets: secretsJson(action),
    ...(deployed && { deployed_version: versionJson(deployed, action, deployed) }),
    status: 'built',
    built_at: action.updated_at,
    deploy: false,
    modules: [],
  };
}

export function bindingJson(binding: StoredBinding, action: StoredAction, deployed: StoredVersion | undefined) {
  return {
    id: binding.id,
    trigger_id: binding.trigger_id,
    display_name: binding.display_name,
    action: actionJson(action, deployed),
    created_at: binding.created_at,
    updated_at: binding.updated_at,
  };
}
