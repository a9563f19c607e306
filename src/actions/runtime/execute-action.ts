import type { CacheOperation, CacheSnapshot } from '../action-cache.ts';
import { TRIGGERS } from '../triggers.ts';
import type { ActionToRun, TriggerId } from '../types.ts';
import { actionFilename, actionStack, positionInAction } from './compile-action.ts';
import type { IsolatePool } from './isolate-pool.ts';
import { ActionLoadError, IsolateFailure, type RunScope } from './warm-isolate.ts';

/** What the sandbox's recorder saw one action do (validated: the JSON came from untrusted code). */
export interface ActionRecord {
  idTokenClaims: Record<string, unknown>;
  accessTokenClaims: Record<string, unknown>;
  scopeChanges: ['add' | 'remove', string][];
  userMetadata: Record<string, unknown>;
  appMetadata: Record<string, unknown>;
  cacheOps: CacheOperation[];
  deny: { message: string; code?: string; userMessage?: string } | null;
  validation: { code: string; message: string } | null;
}

export interface ActionError {
  name: string;
  message: string;
  stack: string;
  line?: number;
  column?: number;
}

export type ActionRunOutcome = { logs: string[]; durationMs: number; coldStart: boolean } & (
  | { status: 'completed'; record: ActionRecord }
  | { status: 'failed'; reason: 'error' | 'timeout' | 'memory'; error: ActionError; record?: ActionRecord }
);

export interface ExecuteActionInput {
  trigger: TriggerId;
  action: ActionToRun;
  /** The event without secrets; this action's secrets are added here. */
  event: Record<string, unknown>;
  cache: CacheSnapshot;
  /** Absolute time (ms since epoch) by which the whole flow must be done. */
  deadline: number;
}

/** Runs one action version once, in a warm isolate when there is one. Never throws. */
export async function executeAction(pool: IsolatePool, input: ExecuteActionInput): Promise<ActionRunOutcome> {
  const started = performance.now();
  const scope: RunScope = { logs: [], abort: new AbortController(), fetchCount: 0 };
  const { action, trigger } = input;
  const def = TRIGGERS[trigger];
  const filename = actionFilename(action.name);
  let coldStart = false;
  const finish = <T extends object>(rest: T) => {
    scope.abort.abort(); // ends any fetch the action left running
    return { logs: scope.logs, durationMs: performance.now() - started, coldStart, ...rest };
  };

  let lease;
  try {
    lease = await pool.acquire(action, scope, input.deadline);
    coldStart = lease.coldStart;
  } catch (err) {
    return finish(failure(err, filename));
  }
  const inputJson = JSON.stringify({
    handlerName: def.handlerName,
    capabilities: def.capabilities,
    unsupported: def.unsupported,
    eventJson: JSON.stringify({ ...input.event, secrets: { ...action.secrets } }),
    cache: input.cache,
  });
  try {
    const raw = await lease.warm.invoke(inputJson, input.deadline - Date.now());
    pool.release(lease.warm);
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    if (isObject(parsed.error)) {
      return finish({ status: 'failed' as const, reason: 'error' as const, error: describe(parsed.error, filename), record: readRecord(parsed) });
    }
    return finish({ status: 'completed' as const, record: readRecord(parsed) });
  } catch (err) {
    pool.discard(lease.warm);
    return finish(failure(err, filename));
  }
}

function failure(err: unknown, filename: string) {
  if (err instanceof IsolateFailure) {
    const reason = err.kind === 'memory' ? ('memory' as const) : err.kind === 'timeout' ? ('timeout' as const) : ('error' as const);
    return { status: 'failed' as const, reason, error: { name: 'Error', message: err.message, stack: '' } };
  }
  if (err instanceof ActionLoadError) {
    const error: ActionError = { name: err.errorName, message: err.message, stack: err.stackText };
    if (err.line !== undefined) Object.assign(error, { line: err.line, column: err.column });
    return { status: 'failed' as const, reason: 'error' as const, error };
  }
  const e = err as Error;
  return { status: 'failed' as const, reason: 'error' as const, error: describe({ name: e?.name, message: e?.message ?? String(err), stack: e?.stack }, filename) };
}

function describe(raw: Record<string, unknown>, filename: string): ActionError {
  const stackText = typeof raw.stack === 'string' ? raw.stack : '';
  const error: ActionError = {
    name: typeof raw.name === 'string' ? raw.name : 'Error',
    message: typeof raw.message === 'string' ? raw.message : String(raw.message),
    stack: actionStack(stackText, filename),
  };
  const pos = positionInAction(stackText, filename);
  if (pos) Object.assign(error, pos);
  return error;
}

function readRecord(raw: Record<string, unknown>): ActionRecord {
  // JSON.parse makes "__proto__" an own key; assigning it onward would set a prototype, so it is dropped.
  const obj = (v: unknown) => {
    if (!isObject(v)) return {};
    if (Object.hasOwn(v, '__proto__')) delete v['__proto__'];
    return v;
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : String(v));
  const deny = isObject(raw.deny) ? raw.deny : null;
  const validation = isObject(raw.validation) ? raw.validation : null;
  return {
    idTokenClaims: obj(raw.idTokenClaims),
    accessTokenClaims: obj(raw.accessTokenClaims),
    scopeChanges: (Array.isArray(raw.scopeChanges) ? raw.scopeChanges : [])
      .filter((c): c is [string, unknown] => Array.isArray(c) && (c[0] === 'add' || c[0] === 'remove'))
      .map((c) => [c[0] as 'add' | 'remove', str(c[1])]),
    userMetadata: obj(raw.userMetadata),
    appMetadata: obj(raw.appMetadata),
    cacheOps: (Array.isArray(raw.cacheOps) ? raw.cacheOps : []).filter(isCacheOp),
    deny: deny && {
      message: str(deny.message),
      ...(deny.code !== undefined && { code: str(deny.code) }),
      ...(deny.userMessage !== undefined && { userMessage: str(deny.userMessage) }),
    },
    validation: validation && { code: str(validation.code), message: str(validation.message) },
  };
}

function isCacheOp(v: unknown): v is CacheOperation {
  if (!isObject(v) || typeof v.key !== 'string') return false;
  if (v.op === 'delete') return true;
  return v.op === 'set' && typeof v.value === 'string' && typeof v.expires_at === 'number';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
