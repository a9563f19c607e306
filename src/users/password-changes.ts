// Who hears that a user's password was changed through the Management API: sign-in lifts the user's brute-force
// blocks (as Auth0 does) and the Actions engine runs post-change-password. The users domain only announces it,
// so it imports neither; a listener's failure is logged and never fails the PATCH that changed the password.

export interface PasswordChange {
  user: Record<string, unknown> & { user_id: string };
  /** The request that changed it, for the Actions' `event.request`. */
  request: { ip: string; method: string; hostname: string; user_agent?: string; language?: string };
}

export type PasswordChangedListener = (change: PasswordChange) => Promise<void> | void;

export class PasswordChanges {
  readonly #listeners: PasswordChangedListener[] = [];

  constructor(private readonly log: (error: unknown) => void = (error) => process.stderr.write(`password-change listener failed: ${String(error)}\n`)) {}

  onPasswordChanged(listener: PasswordChangedListener): void {
    this.#listeners.push(listener);
  }

  /** Awaits every listener (each is short; long work such as Actions is theirs to leave running). */
  async announce(change: PasswordChange): Promise<void> {
    await Promise.all(this.#listeners.map(async (listener) => {
      try {
        await listener(change);
      } catch (error) {
        this.log(error);
      }
    }));
  }
}
