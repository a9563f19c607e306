import type { ActionToRun } from '../types.ts';
import { ActionLoadError, IsolateFailure, WarmIsolate, type IsolateSettings, type RunScope } from './warm-isolate.ts';

export interface IsolatePoolOptions extends IsolateSettings {
  /** Isolates alive at once, busy or idle. Each may grow to memoryLimitMb, so this bounds the heap used. */
  maxIsolates: number;
  /** Idle isolates kept per action version (more than one only helps concurrent logins). */
  maxIdlePerVersion: number;
}

export interface Lease {
  warm: WarmIsolate;
  coldStart: boolean;
}

/** How many versions' load errors to remember, so a broken version fails fast instead of recompiling. */
const MAX_REMEMBERED_LOAD_ERRORS = 256;

/**
 * Warm isolates keyed by action version id. A deploy creates a new version id, so the first run after it
 * builds a new isolate and the old version's idle isolates age out (or are dropped by `invalidate`).
 * Isolates that timed out or hit their memory limit are disposed, never returned to the pool.
 */
export class IsolatePool {
  /** versionId → idle isolates; Map order is least-recently-used first across versions. */
  readonly #idle = new Map<string, WarmIsolate[]>();
  readonly #waiters: (() => void)[] = [];
  readonly #loadErrors = new Map<string, ActionLoadError>();
  #alive = 0;
  #closed = false;

  constructor(private readonly options: IsolatePoolOptions) {}

  get stats() {
    let idle = 0;
    for (const list of this.#idle.values()) idle += list.length;
    return { alive: this.#alive, idle, waiting: this.#waiters.length };
  }

  /** An isolate with `action` loaded, warm if one is idle. Throws ActionLoadError or IsolateFailure. */
  async acquire(action: ActionToRun, scope: RunScope, deadline: number): Promise<Lease> {
    if (this.#closed) throw new IsolateFailure('crashed', 'the actions runtime is shut down');
    const known = this.#loadErrors.get(action.versionId);
    if (known) throw known;
    for (;;) {
      // Re-checked after every wait: an isolate of this version released meanwhile beats building one.
      const warm = this.#takeIdle(action.versionId);
      if (warm) {
        warm.scope = scope;
        return { warm, coldStart: false };
      }
      if (this.#alive < this.options.maxIsolates || this.#evictOldestIdle()) break;
      await this.#waitForRelease(deadline);
    }
    this.#alive++;
    try {
      const created = await WarmIsolate.create(action, this.options, scope, deadline - Date.now());
      return { warm: created, coldStart: true };
    } catch (err) {
      this.#freeSlot();
      if (err instanceof ActionLoadError) this.#rememberLoadError(action.versionId, err);
      throw err;
    }
  }

  /** Give back an isolate after a run that left it healthy. */
  release(warm: WarmIsolate): void {
    warm.scope = null;
    warm.lastUsed = Date.now();
    if (warm.disposed) return this.#freeSlot();
    const list = this.#idle.get(warm.versionId) ?? [];
    if (this.#closed || list.length >= this.options.maxIdlePerVersion) {
      warm.dispose();
      return this.#freeSlot();
    }
    list.push(warm);
    this.#idle.delete(warm.versionId); // re-insert: most recently used goes last
    this.#idle.set(warm.versionId, list);
    // Wake every waiter: one waiting for this version takes it warm, others may evict it for a slot.
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Throw away an isolate that timed out, hit its memory limit or is otherwise suspect. */
  discard(warm: WarmIsolate): void {
    warm.scope = null;
    warm.dispose();
    this.#freeSlot();
  }

  /** Drop idle isolates of a version (undeployed, deleted) — and forget its load error. */
  invalidate(versionId: string): void {
    this.#loadErrors.delete(versionId);
    const list = this.#idle.get(versionId);
    if (!list) return;
    this.#idle.delete(versionId);
    for (const warm of list) {
      warm.dispose();
      this.#freeSlot();
    }
  }

  close(): void {
    this.#closed = true;
    for (const versionId of [...this.#idle.keys()]) this.invalidate(versionId);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #takeIdle(versionId: string): WarmIsolate | undefined {
    const list = this.#idle.get(versionId);
    const warm = list?.pop();
    if (list && list.length === 0) this.#idle.delete(versionId);
    return warm;
  }

  /** Every isolate is busy: wait for one to come back, within the flow's time budget. */
  async #waitForRelease(deadline: number): Promise<void> {
    const wait = deadline - Date.now();
    if (wait <= 0 || this.#closed) throw new IsolateFailure('timeout', 'no isolate became free before the time limit');
    await new Promise<void>((resolve) => {
      const waiters = this.#waiters;
      const timer = setTimeout(done, wait);
      waiters.push(done);
      function done() {
        clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
    });
  }

  /** Frees a slot by disposing the least recently used idle isolate, keeping the slot for the caller. */
  #evictOldestIdle(): boolean {
    for (const [versionId, list] of this.#idle) {
      const oldest = list.shift();
      if (list.length === 0) this.#idle.delete(versionId);
      if (oldest) {
        oldest.dispose();
        this.#alive--;
        return true;
      }
    }
    return false;
  }

  #freeSlot(): void {
    this.#alive--;
    this.#wakeOne();
  }

  #wakeOne(): void {
    this.#waiters.shift()?.();
  }

  #rememberLoadError(versionId: string, err: ActionLoadError): void {
    if (this.#loadErrors.size >= MAX_REMEMBERED_LOAD_ERRORS) {
      this.#loadErrors.delete(this.#loadErrors.keys().next().value!);
    }
    this.#loadErrors.set(versionId, err);
  }
}
