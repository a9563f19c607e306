// Keeps the current oidc-provider instance and replaces it when the signing keys change. oidc-provider reads its
// keystore once, at construction; the keys live in the database and any node (or `portrait keys rotate`) may
// rotate them. So every few seconds one request checks the published key set, and a changed set builds a new
// provider — sessions, grants and codes are in the database, so nothing is lost when instances change.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { JWK } from 'jose';
import type { SigningKeys } from '../keys/signing-keys.ts';
import type { LoginSettings } from './login-settings.ts';
import type { OidcPayloads } from './oidc-payloads.ts';
import { createProvider, type ProviderDeps } from './provider-factory.ts';

/** How stale a node's view of the key set may be: a rotation reaches every node within this time. */
export const KEY_CHECK_MS = 5_000;
const PURGE_EVERY_MS = 10 * 60_000;

interface Instance {
  version: string;
  provider: Provider;
  handle: (req: IncomingMessage, res: ServerResponse) => void;
}

export class ProviderHost {
  private instance: Instance | null = null;
  private checkedAt = 0;
  private refreshing: Promise<Instance> | null = null;
  private readonly purgeTimer: NodeJS.Timeout;

  constructor(
    private readonly deps: ProviderDeps & { keys: SigningKeys; settings: LoginSettings; payloads: OidcPayloads },
  ) {
    this.purgeTimer = setInterval(() => void deps.payloads.purgeExpired().catch(() => undefined), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  /** The provider for this request; at most one key check in flight, and at most one per KEY_CHECK_MS. */
  async current(): Promise<Instance> {
    if (this.instance && Date.now() - this.checkedAt < KEY_CHECK_MS) return this.instance;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Forgets the last check, so the next request rebuilds if the keys changed (after a rotation on this node). */
  invalidate(): void {
    this.checkedAt = 0;
  }

  private async refresh(): Promise<Instance> {
    let jwks;
    try {
      jwks = await this.deps.keys.privateJwks();
    } catch (error) {
      // The key set could not be read (database away): keep serving with the keys we have; the requests that need
      // the database answer 503 on their own, and those that do not (JWKS, discovery) keep working.
      if (this.instance) return this.instance;
      throw error;
    }
    const version = jwks.map((k) => k.kid).join(',');
    this.checkedAt = Date.now();
    if (this.instance && this.instance.version === version) return this.instance;
    if (jwks.length === 0) throw new Error('no signing key; the server must bootstrap the tenant first');
    const { cookieKeys } = await this.deps.settings.secrets();
    const provider = await createProvider(this.deps, { jwks: jwks as JWK[], cookieKeys });
    this.instance = { version, provider, handle: provider.callback() };
    return this.instance;
  }

  /** Serves one raw request with the current provider. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { handle } = await this.current();
    handle(req, res);
  }

  close(): void {
    clearInterval(this.purgeTimer);
  }
}
