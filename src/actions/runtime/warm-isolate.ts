import ivm from 'isolated-vm';
import type { ActionToRun } from '../types.ts';
import { bundledModuleSource } from './bundled-modules.ts';
import { actionFilename, actionStack, positionInAction, stripPositionSuffix, wrapCommonJsModule } from './compile-action.ts';
import type { FetchRequest, SafeFetch } from './safe-fetch.ts';
import { SANDBOX_BOOTSTRAP } from './sandbox-bootstrap.ts';

/** Host-side state of the run an isolate is currently serving; its callbacks read it. */
export interface RunScope {
  logs: string[];
  abort: AbortController;
  fetchCount: number;
}

export interface IsolateSettings {
  memoryLimitMb: number;
  fetch: SafeFetch;
  maxFetchesPerRun: number;
}

/** The isolate itself failed (not the action's code): it has been, or must be, discarded. */
export class IsolateFailure extends Error {
  constructor(readonly kind: 'timeout' | 'memory' | 'crashed', message: string) {
    super(message);
  }
}

/** The action's module did not compile or its top level threw; the same version will always fail. */
export class ActionLoadError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly stackText: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/**
 * One V8 isolate with one action version loaded and ready to invoke. It serves one run at a time (the pool
 * guarantees it), so a timeout or memory blow-up that disposes it never takes another run down with it.
 * Module scope survives between runs, as in Auth0's warm containers.
 */
export class WarmIsolate {
  scope: RunScope | null = null;
  lastUsed = 0;

  private constructor(
    readonly versionId: string,
    private readonly isolate: ivm.Isolate,
    // Held for the isolate's life beside the handler reference that runs in it (kept deliberately, never read).
    private readonly context: ivm.Context,
    private readonly invokeRef: ivm.Reference<(input: string) => Promise<string>>,
  ) {}

  static async create(action: ActionToRun, settings: IsolateSettings, scope: RunScope, timeoutMs: number): Promise<WarmIsolate> {
    const isolate = new ivm.Isolate({ memoryLimit: settings.memoryLimitMb });
    let warm: WarmIsolate | undefined;
    const holder: { scope: RunScope | null } = { scope };
    try {
      await guard(isolate, timeoutMs, async () => {
        const context = await isolate.createContext();
        const global = context.global;
        await global.set('__portrait_host_log', new ivm.Reference((line: string) => {
          (warm ?? holder).scope?.logs.push(String(line));
        }));
        await global.set('__portrait_host_fetch', new ivm.Reference((requestJson: string) =>
          hostFetch(warm ?? holder, settings, requestJson)));
        await (await isolate.compileScript(SANDBOX_BOOTSTRAP, { filename: 'portrait:bootstrap' })).run(context);

        const register = await global.get('__portrait_register', { reference: true });
        for (const dep of action.dependencies ?? []) {
          const source = bundledModuleSource(dep.name);
          if (source === null) continue; // refused at deploy; require() will say it is not available
          const fn = await compileModule(isolate, context, source, `bundled:${dep.name}`, -1);
          await register.apply(undefined, [dep.name, fn.derefInto()], { timeout: timeoutMs });
        }
        const filename = actionFilename(action.name);
        const moduleFn = await compileModule(isolate, context, action.code, filename);
        const load = await global.get('__portrait_load', { reference: true });
        try {
          await load.apply(undefined, [moduleFn.derefInto()], { timeout: timeoutMs });
        } catch (err) {
          if (isolate.isDisposed || /timed out/.test(String((err as Error).message))) throw err;
          throw toLoadError(err, filename);
        }
        const invoke = await global.get('__portrait_invoke', { reference: true });
        for (const name of ['__portrait_register', '__portrait_load', '__portrait_invoke']) await global.delete(name);
        warm = new WarmIsolate(action.versionId, isolate, context, invoke);
      });
    } catch (err) {
      if (!isolate.isDisposed) isolate.dispose();
      throw err;
    }
    warm!.scope = scope;
    return warm!;
  }

  get disposed(): boolean {
    return this.isolate.isDisposed;
  }

  /** One execution: JSON in, the recorder's JSON out. Throws IsolateFailure when the isolate died. */
  invoke(inputJson: string, timeoutMs: number): Promise<string> {
    return guard(this.isolate, timeoutMs, async () =>
      String(await this.invokeRef.apply(undefined, [inputJson], { timeout: timeoutMs, result: { promise: true } })),
    );
  }

  dispose(): void {
    this.scope?.abort.abort();
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}

async function compileModule(isolate: ivm.Isolate, context: ivm.Context, code: string, filename: string, lineOffset?: number) {
  const wrapped = wrapCommonJsModule(code, filename);
  let script: ivm.Script;
  try {
    script = await isolate.compileScript(wrapped.source, { filename, lineOffset: lineOffset ?? wrapped.lineOffset });
  } catch (err) {
    throw toLoadError(err, filename);
  }
  return (await script.run(context, { reference: true })) as ivm.Reference<unknown>;
}

function toLoadError(err: unknown, filename: string): ActionLoadError {
  const e = err as Error;
  const text = `${e.message}\n${e.stack ?? ''}`;
  const pos = positionInAction(text, filename);
  return new ActionLoadError(e.name || 'Error', stripPositionSuffix(e.message), actionStack(e.stack ?? '', filename), pos?.line, pos?.column);
}

/**
 * Runs `work` against the isolate with a wall-clock limit. isolated-vm's own `timeout` only covers code
 * that is running; a promise that never settles (or awaits a slow fetch) is caught by this host timer,
 * which disposes the isolate — that also stops code spinning in the isolate's thread.
 */
async function guard<T>(isolate: ivm.Isolate, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    if (!isolate.isDisposed) isolate.dispose();
  }, Math.max(1, timeoutMs));
  try {
    return await work();
  } catch (err) {
    const message = String((err as Error)?.message ?? err);
    if (expired || /Script execution timed out/.test(message)) {
      throw new IsolateFailure('timeout', `Action execution exceeded the time limit (${timeoutMs} ms left in the flow)`);
    }
    if (/memory limit/i.test(message)) throw new IsolateFailure('memory', 'Action exceeded its memory limit');
    if (isolate.isDisposed) throw new IsolateFailure('crashed', `The action's isolate stopped: ${message}`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function hostFetch(owner: { scope: RunScope | null }, settings: IsolateSettings, requestJson: string): Promise<string> {
  const scope = owner.scope;
  if (!scope || scope.abort.signal.aborted) return JSON.stringify({ error: 'fetch called outside of a running action' });
  if (++scope.fetchCount > settings.maxFetchesPerRun) {
    return JSON.stringify({ error: `an action may make at most ${settings.maxFetchesPerRun} fetch calls per run` });
  }
  let request: FetchRequest;
  try {
    request = JSON.parse(requestJson) as FetchRequest;
  } catch {
    return JSON.stringify({ error: 'malformed request' });
  }
  return JSON.stringify(await settings.fetch(request, scope.abort.signal));
}
