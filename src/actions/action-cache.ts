import type { TriggerId } from './types.ts';

/**
 * `api.cache` storage. NODE-LOCAL: entries live in this process's memory only, so with several nodes
 * behind a load balancer an action may miss an entry another node set. Auth0 documents the cache as
 * best-effort ("items may not be available in later transactions"), so this is compatible; the lead may
 * move it to the database later without changing the sandbox side, which only sees a snapshot in and a
 * list of operations out.
 *
 * Scope: one cache per (trigger, action id), as the Actions brief asks; limits are Auth0's (§6.4).
 */
export const CACHE_LIMITS = {
  maxEntries: 20,
  maxKeyBytes: 64,
  maxValueBytes: 4096,
  maxTotalBytes: 8192,
  defaultTtlMs: 15 * 60_000,
  maxTtlMs: 24 * 60 * 60_000,
} as const;

export interface CacheEntry {
  value: string;
  /** Milliseconds since the epoch. */
  expires_at: number;
}

export type CacheSnapshot = Record<string, CacheEntry>;

export type CacheOperation =
  | { op: 'set'; key: string; value: string; expires_at: number }
  | { op: 'delete'; key: string };

export class ActionCacheStore {
  readonly #scopes = new Map<string, Map<string, CacheEntry>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Live entries for one action, copied into the sandbox at the start of a run. */
  snapshot(trigger: TriggerId, actionId: string): CacheSnapshot {
    const scope = this.#scopes.get(scopeKey(trigger, actionId));
    const out: CacheSnapshot = {};
    if (!scope) return out;
    const now = this.now();
    for (const [key, entry] of scope) {
      if (entry.expires_at <= now) scope.delete(key);
      else out[key] = { ...entry };
    }
    return out;
  }

  /**
   * Applies what one run did. The sandbox already refused over-limit writes with a CacheWriteResult error;
   * the limits are checked again here because the sandbox's view was a snapshot (and is untrusted).
   */
  apply(trigger: TriggerId, actionId: string, operations: readonly CacheOperation[]): void {
    if (operations.length === 0) return;
    const key = scopeKey(trigger, actionId);
    const scope = this.#scopes.get(key) ?? new Map<string, CacheEntry>();
    const maxExpiry = this.now() + CACHE_LIMITS.maxTtlMs;
    for (const op of operations) {
      if (op.op === 'delete') {
        scope.delete(op.key);
        continue;
      }
      if (byteLength(op.key) > CACHE_LIMITS.maxKeyBytes || byteLength(op.value) > CACHE_LIMITS.maxValueBytes) continue;
      scope.delete(op.key); // re-insert so Map order is "least recently written first"
      scope.set(op.key, { value: op.value, expires_at: Math.min(op.expires_at, maxExpiry) });
    }
    // Evict the oldest writes until both the entry count and the total size fit.
    let total = 0;
    for (const [k, e] of scope) total += byteLength(k) + byteLength(e.value);
    for (const [k, e] of scope) {
      if (scope.size <= CACHE_LIMITS.maxEntries && total <= CACHE_LIMITS.maxTotalBytes) break;
      scope.delete(k);
      total -= byteLength(k) + byteLength(e.value);
    }
    if (scope.size === 0) this.#scopes.delete(key);
    else this.#scopes.set(key, scope);
  }
}

function scopeKey(trigger: TriggerId, actionId: string): string {
  return `${trigger}\u0000${actionId}`;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
