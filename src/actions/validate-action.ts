import { bundledModuleNames } from './runtime/bundled-modules.ts';
import { MAX_ACTION_CODE_BYTES } from './runtime/compile-action.ts';
import { ActionLoadError, IsolateFailure, WarmIsolate, type RunScope } from './runtime/warm-isolate.ts';
import { TRIGGERS } from './triggers.ts';
import type { TriggerId } from './types.ts';

/** Shape of ActionVersion.errors[] in Auth0's Management API. */
export interface DeployError {
  id: string;
  msg: string;
  url?: string;
  line?: number;
  column?: number;
}

export interface ValidateActionInput {
  name: string;
  code: string;
  supportedTriggers: readonly TriggerId[];
  dependencies?: readonly { name: string; version?: string }[];
}

const MAX_DEPENDENCIES = 10; // §6.4
const LOAD_TIMEOUT_MS = 2_000;

/**
 * Deploy-time checks (the Management API's deploy and the dashboard's Save call this): size, dependencies
 * Portrait can provide, that the module compiles and its top level runs, and that it exports the handler
 * of each supported trigger. Runs in a throwaway isolate with fetch disabled. Empty array = deployable.
 */
export async function validateActionForDeploy(input: ValidateActionInput): Promise<DeployError[]> {
  const errors: DeployError[] = [];
  const bytes = Buffer.byteLength(input.code, 'utf8');
  if (bytes > MAX_ACTION_CODE_BYTES) {
    errors.push({ id: 'code_too_large', msg: `Action code is ${bytes} bytes; the limit is ${MAX_ACTION_CODE_BYTES}` });
  }
  const deps = input.dependencies ?? [];
  if (deps.length > MAX_DEPENDENCIES) errors.push({ id: 'too_many_dependencies', msg: `At most ${MAX_DEPENDENCIES} dependencies per action` });
  const available = bundledModuleNames();
  for (const dep of deps) {
    if (!available.includes(dep.name)) {
      errors.push({
        id: 'dependency_not_available',
        msg: `npm dependency '${dep.name}' cannot be installed: Portrait does not install npm packages; actions may use only the bundled modules (${available.join(', ') || 'none'})`,
      });
    }
  }
  if (input.supportedTriggers.length === 0) errors.push({ id: 'no_trigger', msg: 'The action supports no trigger' });
  if (errors.some((e) => e.id === 'code_too_large')) return errors;

  const scope: RunScope = { logs: [], abort: new AbortController(), fetchCount: 0 };
  scope.abort.abort(); // no network at deploy time
  let warm: WarmIsolate | undefined;
  try {
    warm = await WarmIsolate.create(
      { actionId: 'deploy-check', versionId: 'deploy-check', name: input.name, code: input.code, dependencies: [...deps] },
      { memoryLimitMb: 64, maxFetchesPerRun: 0, fetch: async () => ({ error: 'fetch is disabled at deploy time' }) },
      scope,
      LOAD_TIMEOUT_MS,
    );
    const { exports } = JSON.parse(await warm.invoke(JSON.stringify({ probe: true }), LOAD_TIMEOUT_MS)) as { exports: string[] };
    for (const trigger of input.supportedTriggers) {
      const handler = TRIGGERS[trigger].handlerName;
      if (!exports.includes(handler)) {
        errors.push({ id: 'missing_handler', msg: `Trigger ${trigger} needs exports.${handler} = async (event, api) => {…}` });
      }
    }
  } catch (err) {
    if (err instanceof ActionLoadError) {
      const at = err.line !== undefined ? ` (line ${err.line}, column ${err.column})` : '';
      errors.push({ id: 'load_error', msg: `${err.errorName}: ${err.message}${at}`, ...(err.line !== undefined && { line: err.line, column: err.column }) });
    } else if (err instanceof IsolateFailure) {
      errors.push({ id: 'load_error', msg: `The module's top level did not finish: ${err.message}` });
    } else {
      throw err;
    }
  } finally {
    warm?.dispose();
  }
  return errors;
}
