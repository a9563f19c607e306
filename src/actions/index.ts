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
export { isPublicAddress, type AddressPolicy } from './runtime/blocked-addresses.ts';
export { MAX_ACTION_CODE_BYTES } from './runtime/compile-action.ts';
export { MAX_CUSTOM_CLAIMS_BYTES, RESTRICTED_CLAIMS, STANDARD_CLAIM_SCOPE } from './custom-claims.ts';
export type * from './types.ts';
