// The ordered list of actions a trigger runs. PATCH replaces the whole list (Auth0's semantics); each entry names
// an action by id or name, or an existing binding by its id. An action must be deployed, and its deployed
// version must support the trigger, before it can be bound. A binding keeps its id while its action stays bound.
import { randomUUID } from 'node:crypto';
import { fail } from '../platform/errors.ts';
import type { ActionsStore, StoredAction, StoredBinding, StoredVersion } from './actions-store.ts';
import { ACTION_LIMITS, unsupportedTriggerMessage } from './draft-rules.ts';
import { isTriggerId } from './triggers.ts';
import type { TriggerId } from './types.ts';

export interface BindingRequest {
  ref: { type: 'action_id' | 'action_name' | 'binding_id'; value: string };
  display_name?: string;
  secrets?: unknown[];
}

export interface BoundAction {
  binding: StoredBinding;
  action: StoredAction;
  deployed: StoredVersion | undefined;
}

const invalid = (message: string): never => fail('invalid_body', `Payload validation error: ${message}`);

export function triggerOrFail(triggerId: string): TriggerId {
  return isTriggerId(triggerId) ? triggerId : fail('bad_request', unsupportedTriggerMessage(triggerId));
}

export class BindingsService {
  constructor(
    private readonly store: ActionsStore,
    private readonly changed: () => void,
  ) {}

  async list(trigger: TriggerId): Promise<BoundAction[]> {
    const bindings = await this.store.listBindings(trigger);
    const actions = new Map((await this.store.listActions()).map((a) => [a.id, a]));
    const deployed = await this.store.deployedVersions(bindings.map((b) => b.action_id));
    return bindings.flatMap((binding) => {
      const action = actions.get(binding.action_id);
      return action ? [{ binding, action, deployed: deployed.get(action.id) }] : [];
    });
  }

  async replace(trigger: TriggerId, requests: readonly BindingRequest[]): Promise<BoundAction[]> {
    if (requests.length > ACTION_LIMITS.bindingsPerTrigger) {
      invalid(`a trigger may have at most ${ACTION_LIMITS.bindingsPerTrigger} actions bound (${requests.length} given).`);
    }
    const current = await this.store.listBindings(trigger);
    const actions = await this.store.listActions();
    const deployed = await this.store.deployedVersions(actions.map((a) => a.id));
    const at = new Date().toISOString();
    const seen = new Set<string>();

    const next = requests.map((request, position): StoredBinding => {
      if (request.secrets && request.secrets.length > 0) {
        fail('operation_not_supported', 'Binding secrets are not supported by Portrait; set secrets on the action itself.');
      }
      const action = this.#resolve(request.ref, current, actions);
      if (seen.has(action.id)) invalid(`action '${action.name}' is bound twice to ${trigger}.`);
      seen.add(action.id);
      const version = deployed.get(action.id);
      if (!version) invalid(`action '${action.name}' must be deployed before it can be bound.`);
      if (!version!.supported_triggers.some((t) => t.id === trigger)) {
        invalid(`action '${action.name}' does not support the ${trigger} trigger (its deployed version supports ${version!.supported_triggers.map((t) => t.id).join(', ')}).`);
      }
      const existing = current.find((b) => b.action_id === action.id);
      const displayName = request.display_name ?? existing?.display_name ?? action.name;
      const unchanged = existing && existing.display_name === displayName && existing.position === position;
      return {
        id: existing?.id ?? randomUUID(),
        trigger_id: trigger,
        position,
        action_id: action.id,
        display_name: displayName,
        created_at: existing?.created_at ?? at,
        updated_at: unchanged ? existing.updated_at : at,
      };
    });

    await this.store.replaceBindings(trigger, next);
    this.changed();
    const byId = new Map(actions.map((a) => [a.id, a]));
    return next.map((binding) => ({ binding, action: byId.get(binding.action_id)!, deployed: deployed.get(binding.action_id) }));
  }

  #resolve(ref: BindingRequest['ref'], current: readonly StoredBinding[], actions: readonly StoredAction[]): StoredAction {
    switch (ref.type) {
      case 'action_id':
        return actions.find((a) => a.id === ref.value) ?? invalid(`no action has the id '${ref.value}'.`);
      case 'action_name':
        return actions.find((a) => a.name === ref.value) ?? invalid(`no action is named '${ref.value}'.`);
      case 'binding_id': {
        const binding = current.find((b) => b.id === ref.value) ?? invalid(`'${ref.value}' is not a binding of this trigger.`);
        return actions.find((a) => a.id === binding.action_id) ?? invalid(`the action of binding '${ref.value}' no longer exists.`);
      }
    }
  }
}
