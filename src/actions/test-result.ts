// What POST /api/v2/actions/actions/{id}/test answers inside Auth0's `{"payload": {…}}` envelope. Auth0 does
// not document the inner shape (reference §6.5, UNCONFIRMED); Portrait's is the engine's FlowResult in the
// Management API's snake_case, one field per thing a tester asks: did it pass, which claims, which metadata
// changes, why it denied, where it failed, what it logged, how long it took.
import { Type, type Static } from '@sinclair/typebox';
import type { FlowResult } from './types.ts';

const Json = Type.Record(Type.String(), Type.Unknown());

export const TestResultPayload = Type.Object({
  trigger_id: Type.String(),
  /** success, or why the flow ended: denied, validation_error, error, timeout, memory_limit. */
  result: Type.Union(['success', 'denied', 'validation_error', 'error', 'timeout', 'memory_limit'].map((r) => Type.Literal(r))),
  /** Custom claims after the §6.2 rules (restricted names dropped; standard claims kept for the sample's scopes). */
  claims: Type.Object({ id_token: Json, access_token: Json }),
  dropped_claims: Type.Array(Type.Object({ token: Type.String(), name: Type.String(), why: Type.String() })),
  scopes: Type.Object({ added: Type.Array(Type.String()), removed: Type.Array(Type.String()) }),
  /** First-level patches a real login would write once after the flow (`null` deletes a key). */
  metadata: Type.Object({ user_metadata: Json, app_metadata: Json }),
  deny: Type.Optional(Type.Object({ reason: Type.String(), error_code: Type.String(), user_message: Type.Optional(Type.String()) })),
  validation_error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  /** For error/timeout/memory_limit: the error and where in the action's code it happened. */
  error: Type.Optional(
    Type.Object({
      name: Type.String(),
      message: Type.String(),
      line: Type.Optional(Type.Integer()),
      column: Type.Optional(Type.Integer()),
      stack: Type.Optional(Type.String()),
      error_code: Type.String({ description: 'What the app would receive as `error` (access_denied for logins)' }),
    }),
  ),
  logs: Type.Array(Type.String()),
  duration_ms: Type.Number(),
  cold_start: Type.Boolean(),
});
export type TestResultPayload = Static<typeof TestResultPayload>;
export const TestActionResponse = Type.Object({ payload: TestResultPayload });

const RESULT_NAMES = { denied: 'denied', validation: 'validation_error', error: 'error', timeout: 'timeout', memory: 'memory_limit' } as const;

export function testResultPayload(result: FlowResult): TestResultPayload {
  const execution = result.executions[0];
  const common = {
    trigger_id: result.trigger,
    logs: result.executions.flatMap((e) => e.logs),
    duration_ms: Math.round(result.durationMs * 1000) / 1000,
    cold_start: execution?.coldStart ?? false,
    metadata: { user_metadata: result.userMetadata, app_metadata: result.appMetadata },
  };
  if (result.ok) {
    return {
      ...common,
      result: 'success',
      claims: { id_token: result.idTokenClaims, access_token: result.accessTokenClaims },
      dropped_claims: result.droppedClaims,
      scopes: { added: result.addedScopes, removed: result.removedScopes },
    };
  }
  const base = { ...common, result: RESULT_NAMES[result.reason], claims: { id_token: {}, access_token: {} }, dropped_claims: [], scopes: { added: [], removed: [] } };
  if (result.reason === 'denied') {
    return { ...base, deny: { reason: result.message, error_code: result.errorCode, ...(result.userMessage !== undefined && { user_message: result.userMessage }) } };
  }
  if (result.reason === 'validation') {
    return { ...base, validation_error: result.validationError ?? { code: result.errorCode, message: result.message } };
  }
  return {
    ...base,
    error: {
      name: result.errorName ?? 'Error',
      message: result.message,
      ...(result.line !== undefined && { line: result.line, column: result.column }),
      ...(result.stack && { stack: result.stack }),
      error_code: result.errorCode,
    },
  };
}
