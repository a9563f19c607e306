// A domain announces what happened (a password changed, a user was deleted) without importing who cares; the
// wiring in services.ts subscribes the interested domains. A listener's failure is logged and never fails the
// request that caused the event.
export type Listener<E> = (event: E) => Promise<void> | void;

export class Listeners<E> {
  readonly #listeners: Listener<E>[] = [];

  private readonly log: (error: unknown) => void;

  constructor(what: string, log?: (error: unknown) => void) {
    this.log = log ?? ((error) => process.stderr.write(`${what} listener failed: ${String(error)}\n`));
  }

  on(listener: Listener<E>): void {
    this.#listeners.push(listener);
  }

  /** Awaits every listener (each is short; long work such as Actions is theirs to leave running). */
  async announce(event: E): Promise<void> {
    await Promise.all(
      this.#listeners.map(async (listener) => {
        try {
          await listener(event);
        } catch (error) {
          this.log(error);
        }
      }),
    );
  }
}
