// Builds the process's ActionsService: the secrets key (checked against the one the database's secrets were
// encrypted with, so a node with the wrong key stops at start-up instead of failing logins), the store, and
// one engine.
import pino from 'pino';
import { ConfigError, type Config } from '../config.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { ActionsService } from './actions-service.ts';
import { ActionsStore } from './actions-store.ts';
import { ActionsEngine, type ActionsEngineOptions } from './run-flow.ts';
import { secretsCipherFor, type SecretsCipher } from '../platform/secrets-cipher.ts';
import { decryptSecret, secretContext } from './draft-rules.ts';

export async function createActionsService(
  db: DatabaseHandle,
  config: Pick<Config, 'secretsKey' | 'secretsKeyPrevious' | 'dataDir' | 'logLevel'>,
  options: { engine?: ActionsEngineOptions; boundActionsTtlMs?: number; cipher?: SecretsCipher } = {},
): Promise<ActionsService> {
  const cipher = options.cipher ?? secretsCipherFor(config);
  const store = new ActionsStore(db);
  const recorded = await store.secretsKeyFingerprint(cipher.fingerprint, new Date().toISOString());
  if (recorded !== cipher.fingerprint && recorded === cipher.previousFingerprint) {
    // A rotation (PORTRAIT_SECRETS_KEY_PREVIOUS names the recorded key): every secret is re-encrypted with the new
    // key in one transaction, then the new key is recorded. Nodes still on the old key refuse to start from then on.
    await store.rewriteSecrets((actionId, secret) =>
      cipher.isCurrent(secret.value) ? secret : { ...secret, value: cipher.encrypt(decryptSecret(cipher, actionId, secret), secretContext(actionId, secret.name)) },
    );
    await store.replaceSecretsKeyFingerprint(cipher.fingerprint);
  } else if (recorded !== cipher.fingerprint) {
    // A key that differs is harmless while nothing was encrypted with the recorded one (a fresh data directory
    // on a database without secrets); once secrets exist it would make every one of them unreadable.
    if (await store.hasAnySecret()) {
      const source = config.secretsKey ? 'PORTRAIT_SECRETS_KEY' : `the key generated in ${config.dataDir}/secrets.key`;
      throw new ConfigError(
        'PORTRAIT_SECRETS_KEY',
        `${source} (fingerprint ${cipher.fingerprint}) is not the key this database's action secrets were encrypted with (fingerprint ${recorded}); every node must use the same PORTRAIT_SECRETS_KEY`,
      );
    }
    await store.replaceSecretsKeyFingerprint(cipher.fingerprint);
  }
  // Action failures and dropped claims are logged with the server's level, as one JSON line each.
  const logger = pino({ level: config.logLevel, name: 'actions' });
  const engine = new ActionsEngine({ logger, ...options.engine });
  return new ActionsService(engine, store, cipher, { boundActionsTtlMs: options.boundActionsTtlMs });
}
