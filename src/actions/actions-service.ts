// The Actions domain as the rest of Portrait sees it: drafts, synchronous builds into immutable versions,
// rollback, test, and what a trigger runs. The routes call it for the Management API; the login flow calls
// `runTrigger` (or `loadBoundActions` + `engine.runFlow`). One per process.
import { randomUUID } from 'node:crypto';
import { fail } from '../platform/errors.ts';
import type { ActionContent, ActionsStore, StoredAction, StoredVersion } from './actions-store.ts';
import { isUniqueViolation } from '../platform/db/unique-violation.ts';
import { BindingsService } from './bindings-service.ts';
import { BoundActionsCache } from './bound-actions.ts';
import {
  ACTION_LIMITS, DEFAULT_RUNTIME, checkCode, checkDependencies, checkModules, checkRuntime, checkTriggers, decryptSecret, defaultCode, mergeSecrets,
} from './draft-rules.ts';
import type { ActionsEngine } from './run-flow.ts';
import { sampleEvent } from './sample-events.ts';
import type { SecretsCipher } from '../platform/secrets-cipher.ts';
import { testResultPayload, type TestResultPayload } from './test-result.ts';
import type { ActionToRun, FlowResult, TriggerId } from './types.ts';
import { validateActionForDeploy } from './validate-action.ts';

export interface DraftInput {
  name?: string;
  supported_triggers?: { id: string; version?: string }[];
  code?: string;
  dependencies?: { name: string; version: string; registry_url?: string }[];
  runtime?: string;
  secrets?: { name: string; value?: string }[];
  modules?: unknown[];
}

export interface RunTriggerOptions {
  grantedScopes?: readonly string[];
  audienceIsManagementApi?: boolean;
  timeoutMs?: number;
}

const now = () => new Date().toISOString();

export class ActionsService {
  readonly bindings: BindingsService;
  readonly #bound: BoundActionsCache;

  constructor(
    readonly engine: ActionsEngine,
    readonly store: ActionsStore,
    private readonly cipher: SecretsCipher,
    options: { boundActionsTtlMs?: number } = {},
  ) {
    this.#bound = new BoundActionsCache(store, cipher, options.boundActionsTtlMs);
    this.bindings = new BindingsService(store, () => this.#bound.invalidate());
  }

  /** The bound actions' deployed versions of a trigger, in order, secrets decrypted (cached a few seconds). */
  loadBoundActions(trigger: TriggerId): Promise<ActionToRun[]> {
    return this.#bound.load(trigger);
  }

  /** Runs a trigger's bound actions against an event (without secrets). Never throws for what an action does. */
  async runTrigger(trigger: TriggerId, event: Record<string, unknown>, options: RunTriggerOptions = {}): Promise<FlowResult> {
    const actions = await this.loadBoundActions(trigger);
    return this.engine.runFlow({ trigger, actions, event, ...options });
  }

  async found(id: string): Promise<StoredAction> {
    return (await this.store.getAction(id)) ?? fail('inexistent_action', 'The action does not exist.');
  }

  async deployedVersionOf(action: StoredAction): Promise<StoredVersion | undefined> {
    return (await this.store.deployedVersions([action.id])).get(action.id);
  }

  async create(input: DraftInput & { name: string; supported_triggers: { id: string; version?: string }[] }): Promise<StoredAction> {
    const triggers = checkTriggers(input.supported_triggers);
    checkModules(input.modules);
    const id = randomUUID();
    const at = now();
    const action: StoredAction = {
      id,
      name: input.name,
      supported_triggers: triggers,
      code: checkCode(input.code) ?? defaultCode(triggers),
      dependencies: checkDependencies(input.dependencies) ?? [],
      runtime: checkRuntime(input.runtime) ?? DEFAULT_RUNTIME,
      secrets: mergeSecrets(input.secrets ?? [], [], { actionId: id, cipher: this.cipher, now: at }),
      deployed_version_id: null,
      created_at: at,
      updated_at: at,
    };
    // Checked last, so that a request with bad input learns about its input first.
    if (await this.store.getActionByName(input.name)) fail('conflict', `An action with the name '${input.name}' already exists.`);
    if ((await this.store.countActions()) >= ACTION_LIMITS.actionsPerTenant) {
      fail('bad_request', `A tenant may have at most ${ACTION_LIMITS.actionsPerTenant} actions; delete one first.`);
    }
    try {
      await this.store.insertAction(action);
    } catch (error) {
      if (isUniqueViolation(error)) fail('conflict', `An action with the name '${input.name}' already exists.`);
      throw error;
    }
    return action;
  }

  /** Changes the draft only: what runs changes on the next deploy. */
  async updateDraft(id: string, input: DraftInput): Promise<StoredAction> {
    const action = await this.found(id);
    checkModules(input.modules);
    const at = now();
    const changes: Partial<ActionContent> & { name?: string } = {
      name: input.name,
      supported_triggers: input.supported_triggers && checkTriggers(input.supported_triggers),
      code: checkCode(input.code),
      dependencies: checkDependencies(input.dependencies),
      runtime: checkRuntime(input.runtime),
      secrets: input.secrets && mergeSecrets(input.secrets, action.secrets, { actionId: id, cipher: this.cipher, now: at }),
    };
    try {
      return (await this.store.updateDraft(id, changes, at)) ?? fail('inexistent_action', 'The action does not exist.');
    } catch (error) {
      if (isUniqueViolation(error)) fail('conflict', `An action with the name '${input.name}' already exists.`);
      throw error;
    }
  }

  /**
   * Builds the draft into a new immutable version, synchronously (Auth0 builds asynchronously; its answer says
   * `pending` and a later GET says `built` or `failed`). A build that fails is kept as a `failed` version with
   * its errors (line and column included) and is not deployed: what ran before keeps running.
   */
  async deploy(id: string): Promise<{ version: StoredVersion; action: StoredAction }> {
    const action = await this.found(id);
    await this.#assertKeepsBoundTriggers(action, action.supported_triggers);
    const errors = await validateActionForDeploy({
      name: action.name, code: action.code, supportedTriggers: action.supported_triggers.map((t) => t.id), dependencies: action.dependencies,
    });
    const status = errors.length === 0 ? 'built' : 'failed';
    return this.#addVersion(action, contentOf(action), { status, errors });
  }

  /** Auth0's rollback: a new deployed version identical to an earlier one; optionally the draft becomes it too. */
  async rollback(actionId: string, versionId: string, options: { updateDraft?: boolean }): Promise<{ version: StoredVersion; action: StoredAction }> {
    const action = await this.found(actionId);
    const earlier = (await this.store.getVersion(actionId, versionId)) ?? fail('inexistent_action_version', 'The action version does not exist.');
    if (earlier.status !== 'built') fail('bad_request', `Version ${earlier.number} failed to build and cannot be deployed.`);
    await this.#assertKeepsBoundTriggers(action, earlier.supported_triggers);
    const result = await this.#addVersion(action, contentOf(earlier), { status: 'built', errors: [] });
    if (!options.updateDraft) return result;
    const updated = (await this.store.updateDraft(actionId, contentOf(earlier), now())) ?? result.action;
    return { version: result.version, action: updated };
  }

  async delete(id: string, force: boolean): Promise<void> {
    const action = await this.found(id);
    const bindings = await this.store.bindingsOfAction(id);
    if (bindings.length > 0 && !force) {
      fail('bad_request', `The action is bound to ${[...new Set(bindings.map((b) => b.trigger_id))].join(', ')}; unbind it first, or delete with force=true.`);
    }
    const versions = await this.store.listVersions(id);
    await this.store.deleteAction(action.id);
    for (const v of versions) this.engine.invalidateVersion(v.id);
    this.#bound.invalidate();
  }

  /** Runs the draft (code and secrets as saved) once against `payload`, or the trigger's sample event if empty. */
  async test(id: string, payload: Record<string, unknown>): Promise<TestResultPayload> {
    const action = await this.found(id);
    const trigger = action.supported_triggers[0].id;
    const secrets = Object.fromEntries(action.secrets.map((s) => [s.name, decryptSecret(this.cipher, id, s)]));
    const event = Object.keys(payload).length === 0 ? sampleEvent(trigger) : payload;
    const result = await this.engine.testAction({
      trigger,
      action: { actionId: id, name: action.name, code: action.code, secrets, dependencies: action.dependencies },
      event,
    });
    return testResultPayload(result);
  }

  async #addVersion(action: StoredAction, content: ActionContent, build: Pick<StoredVersion, 'status' | 'errors'>) {
    const at = now();
    const fields = { id: randomUUID(), ...content, ...build, built_at: at, created_at: at, updated_at: at };
    for (let attempt = 1; ; attempt++) {
      try {
        const { version, replaced, pruned } = await this.store.addVersion(action.id, fields, {
          deploy: build.status === 'built',
          keep: ACTION_LIMITS.versionsPerAction,
        });
        // The replaced version's warm isolates would otherwise linger until evicted; pruned ones are gone.
        for (const old of [replaced, ...pruned]) if (old && old !== version.id) this.engine.invalidateVersion(old);
        if (build.status === 'built') this.#bound.invalidate();
        return { version, action: await this.found(action.id) };
      } catch (error) {
        // Another deploy of the same action took this version number: take the next one.
        if (!isUniqueViolation(error) || attempt >= 3) {
          if (isUniqueViolation(error)) fail('conflict', 'Another deploy of this action is in progress; try again.');
          throw error;
        }
      }
    }
  }

  /** A version that drops a trigger the action is bound to would leave that binding running nothing. */
  async #assertKeepsBoundTriggers(action: StoredAction, triggers: readonly { id: string }[]): Promise<void> {
    for (const binding of await this.store.bindingsOfAction(action.id)) {
      if (!triggers.some((t) => t.id === binding.trigger_id)) {
        fail('bad_request', `The action is bound to ${binding.trigger_id}, which this version does not support; unbind it first.`);
      }
    }
  }
}

function contentOf(c: ActionContent): ActionContent {
  return { code: c.code, dependencies: c.dependencies, runtime: c.runtime, secrets: c.secrets, supported_triggers: c.supported_triggers };
}
