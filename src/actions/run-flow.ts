import { createHash } from 'node:crypto';
import { ActionCacheStore } from './action-cache.ts';
import { customClaimsSizeError, filterCustomClaims } from './custom-claims.ts';
import { executeAction, type ActionRecord, type ActionRunOutcome } from './runtime/execute-action.ts';
import { IsolatePool } from './runtime/isolate-pool.ts';
import { createSafeFetch, type SafeFetchOptions } from './runtime/safe-fetch.ts';
import { CREDENTIALS_EXCHANGE_DENY_CODES } from './triggers.ts';
import type { ActionExecution, ActionToRun, FlowFailure, FlowResult, FlowSuccess, MetadataPatch, TriggerId } from './types.ts';

/** Pino-compatible subset, so the lead's logger plugs in unchanged. */
export interface ActionsLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ActionsEngineOptions {
  /** Per isolate (so per running action), MB. */
  memoryLimitMb?: number;
  /** Wall-clock budget of one trigger run, all its actions together (Auth0: 20 s). */
  flowTimeoutMs?: number;
  maxIsolates?: number;
  maxIdlePerVersion?: number;
  maxFetchesPerRun?: number;
  fetch?: SafeFetchOptions;
  cache?: ActionCacheStore;
  logger?: ActionsLogger;
}

export const ENGINE_DEFAULTS = {
  memoryLimitMb: 64,
  flowTimeoutMs: 20_000,
  maxIsolates: 64,
  maxIdlePerVersion: 4,
  maxFetchesPerRun: 20,
} as const;

export interface RunFlowInput {
  trigger: TriggerId;
  /** Bound, deployed action versions in binding order. */
  actions: readonly ActionToRun[];
  /** The trigger's event object (user, client, request, transaction, …) without secrets. */
  event: Record<string, unknown>;
  /** Scopes granted to the transaction; standard claims set by actions are filtered by them (§6.2). */
  grantedScopes?: readonly string[];
  /** The access token's audience is the Management API: private (non-namespaced) claims are dropped. */
  audienceIsManagementApi?: boolean;
  /** Overrides the engine's flowTimeoutMs for this run. */
  timeoutMs?: number;
}

const stderrLogger: ActionsLogger = {
  info: () => {},
  warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'warn', msg, ...obj })}\n`),
};

/**
 * The Actions engine: one per process. It owns the isolate pool and the api.cache store; `runFlow` is what
 * the login flow, registration, password change and token endpoint call.
 */
export class ActionsEngine {
  readonly pool: IsolatePool;
  readonly cache: ActionCacheStore;
  readonly flowTimeoutMs: number;
  readonly #logger: ActionsLogger;

  constructor(options: ActionsEngineOptions = {}) {
    this.pool = new IsolatePool({
      memoryLimitMb: options.memoryLimitMb ?? ENGINE_DEFAULTS.memoryLimitMb,
      maxIsolates: options.maxIsolates ?? ENGINE_DEFAULTS.maxIsolates,
      maxIdlePerVersion: options.maxIdlePerVersion ?? ENGINE_DEFAULTS.maxIdlePerVersion,
      maxFetchesPerRun: options.maxFetchesPerRun ?? ENGINE_DEFAULTS.maxFetchesPerRun,
      fetch: createSafeFetch(options.fetch),
    });
    this.cache = options.cache ?? new ActionCacheStore();
    this.flowTimeoutMs = options.flowTimeoutMs ?? ENGINE_DEFAULTS.flowTimeoutMs;
    this.#logger = options.logger ?? stderrLogger;
  }

  /**
   * Runs the bound actions of one trigger in order, within one time budget. Stops at the first deny,
   * validation error, uncaught error, timeout or memory failure. Never throws for anything an action does.
   */
  async runFlow(input: RunFlowInput): Promise<FlowResult> {
    const started = performance.now();
    const { trigger } = input;
    const deadline = Date.now() + (input.timeoutMs ?? this.flowTimeoutMs);
    const event = structuredClone(input.event);
    const acc = { id: {} as Record<string, unknown>, access: {} as Record<string, unknown>, scopes: new Map<string, 'add' | 'remove'>(), user: {} as MetadataPatch, app: {} as MetadataPatch };
    const executions: ActionExecution[] = [];
    const elapsed = () => performance.now() - started;
    const fail = (action: ActionToRun, fields: Omit<FlowFailure, 'ok' | 'trigger' | 'actionName' | 'userMetadata' | 'appMetadata' | 'executions' | 'durationMs' | 'errorCode'> & { errorCode?: string }): FlowFailure => {
      const result: FlowFailure = {
        ok: false, trigger, actionName: action.name, errorCode: fields.errorCode ?? defaultErrorCode(trigger), ...fields,
        userMetadata: acc.user, appMetadata: acc.app, executions, durationMs: elapsed(),
      };
      const log = { trigger, action: action.name, versionId: action.versionId, reason: result.reason, message: result.message, line: result.line };
      if (result.reason === 'denied' || result.reason === 'validation') this.#logger.info(log, 'action ended the flow');
      else this.#logger.warn(log, 'action failed');
      return result;
    };

    for (const action of input.actions) {
      const outcome: ActionRunOutcome = await executeAction(this.pool, {
        trigger, action, event, cache: this.cache.snapshot(trigger, action.actionId), deadline,
      });
      executions.push({
        actionName: action.name, versionId: action.versionId, logs: outcome.logs, durationMs: outcome.durationMs,
        coldStart: outcome.coldStart, outcome: outcome.status === 'completed' ? (outcomeOf(outcome.record)) : outcome.reason,
      });
      if (outcome.status === 'failed') {
        const { error } = outcome;
        return fail(action, {
          reason: outcome.reason,
          message: outcome.reason === 'error' ? `${error.message}` : `${action.name}: ${error.message}`,
          errorName: error.name,
          ...(error.line !== undefined && { line: error.line, column: error.column }),
          ...(error.stack && { stack: error.stack }),
        });
      }
      const rec = outcome.record;
      this.cache.apply(trigger, action.actionId, rec.cacheOps);
      mergeRecord(acc, rec, event);
      if (rec.validation) {
        return fail(action, { reason: 'validation', message: rec.validation.message, validationError: rec.validation, errorCode: rec.validation.code });
      }
      if (rec.deny) {
        return fail(action, {
          reason: 'denied', message: rec.deny.message,
          ...(rec.deny.userMessage !== undefined && { userMessage: rec.deny.userMessage }),
          ...(trigger === 'credentials-exchange' && { errorCode: credentialsExchangeCode(rec.deny.code) }),
        });
      }
    }

    const granted = input.grantedScopes ?? [];
    const idToken = filterCustomClaims(acc.id, { token: 'id', grantedScopes: granted });
    const accessToken = filterCustomClaims(acc.access, { token: 'access', grantedScopes: granted, audienceIsManagementApi: input.audienceIsManagementApi });
    const droppedClaims = [...idToken.dropped, ...accessToken.dropped];
    if (droppedClaims.length > 0) this.#logger.info({ trigger, droppedClaims }, 'custom claims dropped');
    const sizeError = customClaimsSizeError(idToken.claims, 'id') ?? customClaimsSizeError(accessToken.claims, 'access');
    const last = input.actions[input.actions.length - 1];
    if (sizeError && last) return fail(last, { reason: 'error', message: sizeError, errorName: 'RangeError' });

    const success: FlowSuccess = {
      ok: true, trigger,
      idTokenClaims: idToken.claims, accessTokenClaims: accessToken.claims,
      addedScopes: [...acc.scopes].filter(([, op]) => op === 'add').map(([s]) => s),
      removedScopes: [...acc.scopes].filter(([, op]) => op === 'remove').map(([s]) => s),
      userMetadata: acc.user, appMetadata: acc.app, droppedClaims, executions, durationMs: elapsed(),
    };
    return success;
  }

  /**
   * The Management API's "test" (POST /actions/actions/{id}/test): runs one action — usually the draft —
   * against a caller-supplied event. The isolate is keyed by a hash of the code, so re-testing unchanged
   * code is warm and an edit gets a fresh isolate. Returns the full FlowResult (logs, error line, claims).
   */
  testAction(input: { trigger: TriggerId; action: Omit<ActionToRun, 'versionId'>; event: Record<string, unknown>; grantedScopes?: readonly string[] }): Promise<FlowResult> {
    const digest = createHash('sha256').update(input.action.code).update(JSON.stringify(input.action.dependencies ?? [])).digest('hex');
    const action: ActionToRun = { ...input.action, versionId: `test:${input.action.actionId}:${digest.slice(0, 32)}` };
    return this.runFlow({ trigger: input.trigger, actions: [action], event: input.event, grantedScopes: input.grantedScopes ?? ['openid', 'profile', 'email', 'address', 'phone'] });
  }

  /** Drop warm isolates of a version that is no longer deployed. */
  invalidateVersion(versionId: string): void {
    this.pool.invalidate(versionId);
  }

  close(): void {
    this.pool.close();
  }
}

function outcomeOf(rec: ActionRecord): ActionExecution['outcome'] {
  return rec.validation ? 'validation' : rec.deny ? 'denied' : 'ok';
}

type Accumulator = { id: Record<string, unknown>; access: Record<string, unknown>; scopes: Map<string, 'add' | 'remove'>; user: MetadataPatch; app: MetadataPatch };

/**
 * Later actions win on the same claim or metadata key. Metadata changes are also applied to the event's
 * user, so the next action sees what earlier ones set (they are written to the store only once, after).
 */
function mergeRecord(acc: Accumulator, rec: ActionRecord, event: Record<string, unknown>): void {
  Object.assign(acc.id, rec.idTokenClaims);
  Object.assign(acc.access, rec.accessTokenClaims);
  for (const [op, scope] of rec.scopeChanges) {
    acc.scopes.delete(scope); // keep call order of the final state
    acc.scopes.set(scope, op);
  }
  Object.assign(acc.user, rec.userMetadata);
  Object.assign(acc.app, rec.appMetadata);
  const user = event.user as Record<string, unknown> | undefined;
  if (user && typeof user === 'object') {
    user.user_metadata = applyPatch(user.user_metadata, rec.userMetadata);
    user.app_metadata = applyPatch(user.app_metadata, rec.appMetadata);
  }
}

function applyPatch(current: unknown, patch: MetadataPatch): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(current && typeof current === 'object' ? current : {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

function defaultErrorCode(trigger: TriggerId): string {
  // Auth0 reports registration failures as extensibility_error (§6.1); everything else is OAuth access_denied.
  return trigger === 'pre-user-registration' ? 'extensibility_error' : 'access_denied';
}

function credentialsExchangeCode(code: string | undefined): string {
  return (CREDENTIALS_EXCHANGE_DENY_CODES as readonly string[]).includes(code ?? '') ? code! : 'invalid_request';
}

