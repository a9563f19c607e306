// Where the Actions engine meets sign-in, registration and password changes. Sign-in (src/login/) and the users
// domain expose slots and listeners typed by them; this module fills them, so the dependency points one way:
// actions knows sign-in's public hook types, sign-in knows nothing of actions.
import type {
  CredentialsExchangeHook, PostLoginEvent, PostLoginHook, PostLoginOutcome, RegistrationEvent, RegistrationHooks,
} from '../login/index.ts';
import type { PasswordChange } from '../users/user-events.ts';
import type { ActionsService } from './actions-service.ts';
import type { ActionsLogger } from './run-flow.ts';
import type { FlowResult, MetadataPatch, TriggerId } from './types.ts';

export interface SignInTriggersDeps {
  actions: Pick<ActionsService, 'runTrigger'>;
  /** The users store's PATCH: first-level merge, null deletes, one atomic statement. */
  users: { update(userId: string, patch: { user_metadata?: MetadataPatch; app_metadata?: MetadataPatch }): Promise<unknown> };
  connectionByName(name: string): Promise<{ id: string; name: string; strategy: string; metadata: Record<string, string> } | null>;
  isManagementAudience(audience: string): boolean;
  /** The names of the user's roles, for post-login's `event.authorization.roles` (the authz domain's). */
  roleNamesOf?(userId: string): Promise<string[]>;
  tenantId: string;
  logger: ActionsLogger;
}

/** What the end user reads on the sign-up page when an Action failed (its own message is for the tenant's logs). */
const SIGNUP_FAILED = 'We could not create your account right now. Please try again later.';

export class SignInTriggers {
  constructor(private readonly deps: SignInTriggersDeps) {}

  #run(trigger: TriggerId, event: object, options: { grantedScopes?: readonly string[]; audienceIsManagementApi?: boolean } = {}): Promise<FlowResult> {
    return this.deps.actions.runTrigger(trigger, { ...event, tenant: { id: this.deps.tenantId } }, options);
  }

  /** Writes an Actions metadata batch once; nothing when the actions changed nothing. */
  async #writeMetadata(userId: string, result: FlowResult): Promise<void> {
    const patch: { user_metadata?: MetadataPatch; app_metadata?: MetadataPatch } = {};
    if (Object.keys(result.userMetadata).length) patch.user_metadata = result.userMetadata;
    if (Object.keys(result.appMetadata).length) patch.app_metadata = result.appMetadata;
    if (patch.user_metadata || patch.app_metadata) await this.deps.users.update(userId, patch);
  }

  /**
   * post-login, at a login and at each refresh-token exchange (`transaction.protocol` tells which): runs the
   * bound actions, writes their metadata changes (on success and, as Auth0 keeps side effects, on deny; on a
   * crash those of the actions that completed), and only then answers, so the tokens minted next read the new
   * values. A metadata write the users domain refuses ends the login (or fails the refresh) too.
   */
  readonly postLogin: PostLoginHook = async (event: PostLoginEvent): Promise<PostLoginOutcome> => {
    const roles = this.deps.roleNamesOf ? await this.deps.roleNamesOf(event.user.user_id) : [];
    const result = await this.#run('post-login', { ...event, authorization: { roles } }, {
      grantedScopes: event.transaction.requested_scopes,
      audienceIsManagementApi: event.resource_server ? this.deps.isManagementAudience(event.resource_server.identifier) : false,
    });
    const userId = event.user.user_id;
    const protocol = event.transaction.protocol;
    const what = protocol === 'oauth2-refresh-token' ? 'refresh' : 'login';
    try {
      await this.#writeMetadata(userId, result);
    } catch (error) {
      this.deps.logger.warn({ trigger: 'post-login', protocol, user_id: userId, client_id: event.client.client_id, error: String(error) }, `metadata set by actions could not be saved; ${what} denied`);
      return { denied: true, reason: `The metadata set by an action could not be saved: ${(error as Error).message}` };
    }
    if (!result.ok) {
      this.deps.logger.warn(
        { trigger: 'post-login', protocol, user_id: userId, client_id: event.client.client_id, action: result.actionName, reason: result.reason, message: result.message },
        `post-login actions denied the ${what}`,
      );
      return { denied: true, reason: result.message };
    }
    return {
      denied: false,
      claims: { idToken: result.idTokenClaims, accessToken: result.accessTokenClaims, addedScopes: result.addedScopes, removedScopes: result.removedScopes },
    };
  };

  readonly registration: RegistrationHooks = {
    preUserRegistration: async (event: RegistrationEvent) => {
      const result = await this.#run('pre-user-registration', event);
      if (result.ok) return { allowed: true, user_metadata: result.userMetadata, app_metadata: result.appMetadata };
      this.deps.logger.warn(
        { trigger: 'pre-user-registration', email: event.user.email, client_id: event.client?.client_id, action: result.actionName, reason: result.reason, message: result.message },
        'pre-user-registration actions refused the sign-up',
      );
      if (result.reason === 'validation' && result.validationError) {
        return { allowed: false, code: result.validationError.code, message: result.validationError.message, userMessage: result.validationError.message };
      }
      const userMessage = result.reason === 'denied' ? (result.userMessage ?? result.message) : SIGNUP_FAILED;
      return { allowed: false, code: 'extensibility_error', message: result.message, userMessage };
    },
    postUserRegistration: (event: RegistrationEvent) => this.#fireAndForget('post-user-registration', event),
  };

  /** credentials-exchange: custom claims for the machine token, or the OAuth error the token endpoint answers. */
  readonly credentialsExchange: CredentialsExchangeHook = async (event, { audienceIsManagementApi }) => {
    const result = await this.#run('credentials-exchange', event, { audienceIsManagementApi });
    if (result.ok) return { denied: false, accessTokenClaims: result.accessTokenClaims };
    this.deps.logger.warn(
      { trigger: 'credentials-exchange', client_id: event.client.client_id, action: result.actionName, reason: result.reason, message: result.message },
      'credentials-exchange actions refused the token',
    );
    return { denied: true, code: result.errorCode, message: result.message };
  };

  /** post-change-password after a Management API PATCH set a new password; the PATCH does not wait for it. */
  readonly passwordChanged = async (change: PasswordChange): Promise<void> => {
    const identity = (change.user.identities as Array<{ connection?: string }> | undefined)?.[0];
    const connection = identity?.connection ? await this.deps.connectionByName(identity.connection) : null;
    this.#fireAndForget('post-change-password', {
      user: change.user,
      ...(connection ? { connection: { id: connection.id, name: connection.name, strategy: connection.strategy, metadata: connection.metadata } } : {}),
      request: { ...change.request, query: {} },
      transaction: { locale: change.request.language ?? 'en' },
    });
  };

  #fireAndForget(trigger: TriggerId, event: object): void {
    void this.#run(trigger, event).then(
      (result) => {
        if (!result.ok) this.deps.logger.warn({ trigger, action: result.actionName, reason: result.reason, message: result.message }, `${trigger} actions failed`);
      },
      (error: unknown) => this.deps.logger.warn({ trigger, error: String(error) }, `${trigger} actions could not run`),
    );
  }
}
