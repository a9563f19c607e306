/**
 * Public surface of the Actions engine. The login flow, registration, password change and the token
 * endpoint call `ActionsEngine.runFlow`; the Management API calls `validateActionForDeploy` on deploy,
 * `ActionsEngine.testAction` for the Test button, and `ActionsEngine.invalidateVersion` when a version
 * stops being deployed. See README.md beside this file.
 */
export { ActionsEngine, ENGINE_DEFAULTS, type ActionsEngineOptions, type ActionsLogger, type RunFlowInput } from './run-flow.ts';
export { validateActionForDeploy, type DeployError, type ValidateActionInput } from './validate-action.ts';
export { ActionCacheStore, CACHE_LIMITS } from './action-cache.ts';
export { TRIGGERS, isTriggerId, type TriggerDefinition } from './triggers.ts';
export { BUNDLED_MODULE_FILES, bundledModuleNames } from './runtime/bundled-modules.ts';
export { MAX_ACTION_CODE_BYTES } from './runtime/compile-action.ts';
export { MAX_CUSTOM_CLAIMS_BYTES, RESTRICTED_CLAIMS, STANDARD_CLAIM_SCOPE } from './custom-claims.ts';
export type * from './types.ts';
// Storage, versions, bindings and the Management API, built on the engine above.
export { ActionsService, type DraftInput, type RunTriggerOptions } from './actions-service.ts';
export { createActionsService } from './create-actions-service.ts';
export { ActionsStore, type StoredAction, type StoredVersion, type StoredBinding } from './actions-store.ts';
export { BoundActionsCache, BOUND_ACTIONS_TTL_MS } from './bound-actions.ts';
export { ACTION_LIMITS } from './draft-rules.ts';
export { SecretsCipher, SecretsKeyMismatch, loadSecretsKey } from '../platform/secrets-cipher.ts';
export { actionsRoutes } from './actions-routes.ts';
export { testResultPayload, type TestResultPayload } from './test-result.ts';
