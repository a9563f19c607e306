// What a draft may hold, checked on create and update with messages that name the limit hit (§6.4), and the
// merge of a request's secrets into the stored, encrypted ones.
import { fail } from '../platform/errors.ts';
import type { ActionDependency, ActionTriggerRef, StoredSecret } from './actions-store.ts';
import { MAX_ACTION_CODE_BYTES } from './runtime/compile-action.ts';
import type { SecretsCipher } from '../platform/secrets-cipher.ts';
import { TRIGGERS, isTriggerId } from './triggers.ts';
import type { TriggerId } from './types.ts';

/** Auth0's Actions limits (reference §6.4). */
export const ACTION_LIMITS = {
  codeBytes: MAX_ACTION_CODE_BYTES,
  actionsPerTenant: 100,
  bindingsPerTrigger: 20,
  secretsPerAction: 30,
  dependenciesPerAction: 10,
  versionsPerAction: 50,
} as const;

/** The trigger versions Auth0 currently offers; Portrait runs every one of them the same way. */
export const CURRENT_TRIGGER_VERSION: Record<TriggerId, string> = {
  'post-login': 'v3',
  'credentials-exchange': 'v2',
  'pre-user-registration': 'v2',
  'post-user-registration': 'v2',
  'post-change-password': 'v2',
};

/** Accepted for compatibility; the sandbox is the same V8 isolate whatever is named. */
export const RUNTIMES = ['node12', 'node16', 'node18', 'node18-actions', 'node22'] as const;
export const DEFAULT_RUNTIME = 'node22';

const invalid = (message: string): never => fail('invalid_body', `Payload validation error: ${message}`);

export function unsupportedTriggerMessage(id: string): string {
  return `Trigger '${id}' is not supported by Portrait; supported triggers: ${Object.keys(TRIGGERS).join(', ')}.`;
}

export function checkTriggers(requested: readonly { id: string; version?: string }[]): ActionTriggerRef[] {
  const seen = new Set<string>();
  return requested.map((t) => {
    if (!isTriggerId(t.id)) invalid(unsupportedTriggerMessage(t.id));
    if (seen.has(t.id)) invalid(`trigger '${t.id}' is listed twice in supported_triggers.`);
    seen.add(t.id);
    return { id: t.id as TriggerId, version: t.version ?? CURRENT_TRIGGER_VERSION[t.id as TriggerId] };
  });
}

export function checkRuntime(runtime: string | undefined): string | undefined {
  if (runtime !== undefined && !(RUNTIMES as readonly string[]).includes(runtime)) {
    invalid(`runtime '${runtime}' is not supported; use one of ${RUNTIMES.join(', ')}.`);
  }
  return runtime;
}

export function checkCode(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > ACTION_LIMITS.codeBytes) invalid(`the action's code is ${bytes} bytes; the limit is ${ACTION_LIMITS.codeBytes} bytes (100 kB).`);
  return code;
}

export function checkDependencies(deps: ActionDependency[] | undefined): ActionDependency[] | undefined {
  if (deps === undefined) return undefined;
  if (deps.length > ACTION_LIMITS.dependenciesPerAction) {
    invalid(`an action may declare at most ${ACTION_LIMITS.dependenciesPerAction} npm dependencies (${deps.length} given).`);
  }
  const names = new Set(deps.map((d) => d.name));
  if (names.size !== deps.length) invalid('a dependency is listed twice.');
  return deps.map((d) => ({ name: d.name, version: d.version, ...(d.registry_url && { registry_url: d.registry_url }) }));
}

export function checkModules(modules: unknown[] | undefined): void {
  if (modules && modules.length > 0) fail('operation_not_supported', 'Actions modules are not supported by Portrait; put shared code in each action.');
}

/** The code of a new action created without any: an empty handler for each trigger, as Auth0's editor starts. */
export function defaultCode(triggers: readonly ActionTriggerRef[]): string {
  return triggers.map((t) => `exports.${TRIGGERS[t.id].handlerName} = async (event, api) => {\n};\n`).join('\n');
}

/**
 * The request's list replaces the action's secrets. A secret sent without `value` keeps its stored value; one
 * sent with the value it already has keeps its ciphertext and updated_at (so resending a list changes nothing).
 */
/** A secret's associated data: its ciphertext decrypts only for this action and this name. */
export function secretContext(actionId: string, name: string): string {
  return `${actionId}\u0000${name}`;
}

/** The plaintext of a stored secret (what the sandbox receives as event.secrets[name]). */
export function decryptSecret(cipher: SecretsCipher, actionId: string, secret: StoredSecret): string {
  return cipher.decrypt(secret.value, secretContext(actionId, secret.name), `secret ${secret.name} of action ${actionId}`);
}

export function mergeSecrets(
  requested: readonly { name: string; value?: string }[],
  current: readonly StoredSecret[],
  context: { actionId: string; cipher: SecretsCipher; now: string },
): StoredSecret[] {
  if (requested.length > ACTION_LIMITS.secretsPerAction) {
    invalid(`an action may have at most ${ACTION_LIMITS.secretsPerAction} secrets (${requested.length} given).`);
  }
  const byName = new Map(current.map((s) => [s.name, s]));
  const seen = new Set<string>();
  return requested.map(({ name, value }) => {
    if (seen.has(name)) invalid(`secret '${name}' is listed twice.`);
    seen.add(name);
    const existing = byName.get(name);
    if (value === undefined) {
      return existing ?? invalid(`secret '${name}' has no value (a value may be left out only to keep an existing secret's value).`);
    }
    if (existing && decryptSecret(context.cipher, context.actionId, existing) === value) return existing;
    return { name, value: context.cipher.encrypt(value, secretContext(context.actionId, name)), updated_at: context.now };
  });
}
