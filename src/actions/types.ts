/**
 * The contract between the Actions engine and its callers (login flow, registration, token endpoint,
 * Management API "test"). Everything here is plain JSON so results can be logged, stored as an
 * execution record, or returned by the test endpoint unchanged.
 */

export type TriggerId =
  | 'post-login'
  | 'pre-user-registration'
  | 'post-user-registration'
  | 'post-change-password'
  | 'credentials-exchange';

/** One deployed action version bound to a trigger, as the flow runs it. */
export interface ActionToRun {
  /** Stable action id: the api.cache is scoped to (trigger, actionId). */
  actionId: string;
  /** Version id: warm isolates are keyed by it, so a deploy (new id) gets a fresh isolate. */
  versionId: string;
  /** Used in stack traces (`action:<name>:<line>:<col>`) and log lines. */
  name: string;
  code: string;
  /** Secrets of this action, name → plaintext; exposed as `event.secrets`. */
  secrets?: Record<string, string>;
  /** Declared dependencies; only names in BUNDLED_MODULES can be required (checked at deploy). */
  dependencies?: { name: string; version?: string }[];
}

/** A metadata patch as Auth0 batches it: first-level keys, `null` deletes the key. */
export type MetadataPatch = Record<string, unknown>;

export interface FlowSuccess {
  ok: true;
  trigger: TriggerId;
  /** Custom claims after §6.2 filtering; they override profile claims of the same name. */
  idTokenClaims: Record<string, unknown>;
  accessTokenClaims: Record<string, unknown>;
  /** Scopes added / removed on the access token (post-login only), in call order, de-duplicated. */
  addedScopes: string[];
  removedScopes: string[];
  /** Batched metadata changes, to be written once by the caller after the flow. Empty = nothing to write. */
  userMetadata: MetadataPatch;
  appMetadata: MetadataPatch;
  /** Claims set by actions but dropped (restricted name, reserved namespace, or scope not granted). */
  droppedClaims: DroppedClaim[];
  /** One entry per action that ran, in order: its captured console output and timing. */
  executions: ActionExecution[];
  durationMs: number;
}

export type FailureReason =
  /** api.access.deny(...) was called. */
  | 'denied'
  /** pre-user-registration: api.validation.error(code, message) was called. */
  | 'validation'
  /** An uncaught error or rejected promise, a syntax error, a missing handler, a claims cap hit. */
  | 'error'
  /** The flow's wall-clock budget ran out (infinite loop, never-resolving promise, slow fetch). */
  | 'timeout'
  /** The isolate hit its memory limit; it was discarded. */
  | 'memory';

export interface FlowFailure {
  ok: false;
  trigger: TriggerId;
  reason: FailureReason;
  /** What the app sees as `error_description` (deny reason, or the error's message). */
  message: string;
  /** OAuth error code: `access_denied` for login flows; for credentials-exchange the code passed to deny(). */
  errorCode: string;
  /** pre-user-registration deny(reason, userMessage): the message meant for the end user. */
  userMessage?: string;
  /** pre-user-registration api.validation.error(code, message). */
  validationError?: { code: string; message: string };
  /** Name of the action that failed. */
  actionName: string;
  /** For errors: the error name (ReferenceError, SyntaxError, …) and line/column within the action's code. */
  errorName?: string;
  line?: number;
  column?: number;
  /** Stack trace frames that point into the action's own code (`action:<name>:…`). */
  stack?: string;
  /**
   * Metadata changes to write anyway. Auth0 persists side effects on deny (§6.1), so for 'denied' this holds
   * the changes of every action that ran including the denying one; for other reasons only the changes of
   * actions that completed before the failing one (a crashed action's partial changes are not applied).
   */
  userMetadata: MetadataPatch;
  appMetadata: MetadataPatch;
  executions: ActionExecution[];
  durationMs: number;
}

export type FlowResult = FlowSuccess | FlowFailure;

export interface DroppedClaim {
  token: 'id' | 'access';
  name: string;
  why: 'restricted' | 'standard-claim' | 'reserved-namespace' | 'scope-not-granted' | 'private-claim-on-auth0-api';
}

export interface ActionExecution {
  actionName: string;
  versionId: string;
  /** console.* output, one entry per call, each cut to 256 characters (Auth0's persisted-log limit). */
  logs: string[];
  durationMs: number;
  /** True when this run had to build a new isolate (first run after deploy, or after a discard). */
  coldStart: boolean;
  outcome: 'ok' | FailureReason;
}
