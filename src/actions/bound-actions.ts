// What a trigger runs, as the login flow asks for it on every sign-in: the bound actions' deployed versions in
// binding order, secrets decrypted. Kept per process for a few seconds, so a login costs no query; this
// process's own changes (deploy, rollback, bindings, delete) clear it at once, and other nodes, which cannot
// hear about them, converge when their entry expires.
import { ReadThroughCache } from '../platform/read-through-cache.ts';
import type { ActionsStore } from './actions-store.ts';
import type { SecretsCipher } from '../platform/secrets-cipher.ts';
import { decryptSecret } from './draft-rules.ts';
import type { ActionToRun, TriggerId } from './types.ts';

export const BOUND_ACTIONS_TTL_MS = 5_000;

export class BoundActionsCache {
  readonly #entries: ReadThroughCache<ActionToRun[]>;

  constructor(
    private readonly store: ActionsStore,
    private readonly cipher: SecretsCipher,
    ttlMs: number = BOUND_ACTIONS_TTL_MS,
  ) {
    this.#entries = new ReadThroughCache(ttlMs);
  }

  /** Concurrent logins share one load; a failed load is not kept. */
  load(trigger: TriggerId): Promise<ActionToRun[]> {
    return this.#entries.get(trigger, () => this.#read(trigger));
  }

  /** Forgets everything, reads in flight included: a load that started before a change is not kept after it. */
  invalidate(): void {
    this.#entries.clear();
  }

  async #read(trigger: TriggerId): Promise<ActionToRun[]> {
    const bound = await this.store.boundVersions(trigger);
    return bound.map(({ actionName, version }) => ({
      actionId: version.action_id,
      versionId: version.id,
      name: actionName,
      code: version.code,
      secrets: Object.fromEntries(version.secrets.map((s) => [s.name, decryptSecret(this.cipher, version.action_id, s)])),
      dependencies: version.dependencies.map((d) => ({ name: d.name, version: d.version })),
    }));
  }
}
