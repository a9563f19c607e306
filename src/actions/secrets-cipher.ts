// Action secrets at rest: AES-256-GCM, one random 96-bit IV per value, the action id and secret name as
// associated data (a ciphertext copied onto another action or name does not decrypt). The key comes from
// PORTRAIT_SECRETS_KEY, or is generated once into DATA_DIR/secrets.key; each ciphertext names the key's
// fingerprint, so a node holding another key says so instead of failing with a bare "auth tag mismatch".
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretsKeyMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsKeyMismatch';
  }
}

export class SecretsCipher {
  /** Names the key without revealing it: HMAC of a fixed label, 16 hex characters. */
  readonly fingerprint: string;
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
    this.#key = Buffer.from(key);
    this.fingerprint = createHmac('sha256', this.#key).update('portrait action secrets key').digest('hex').slice(0, 16);
  }

  encrypt(plaintext: string, context: { actionId: string; name: string }): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(associatedData(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${FORMAT}.${this.fingerprint}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  decrypt(stored: string, context: { actionId: string; name: string }): string {
    const [format, fingerprint, data] = stored.split('.');
    if (format !== FORMAT || !fingerprint || data === undefined) throw new Error(`secret ${context.name} of action ${context.actionId} is not in a known format`);
    if (fingerprint !== this.fingerprint) {
      throw new SecretsKeyMismatch(
        `secret ${context.name} of action ${context.actionId} was encrypted with key ${fingerprint}, this node holds key ${this.fingerprint}: set the same PORTRAIT_SECRETS_KEY on every node`,
      );
    }
    const raw = Buffer.from(data, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(context));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

function associatedData(context: { actionId: string; name: string }): Buffer {
  return Buffer.from(`${context.actionId}\u0000${context.name}`, 'utf8');
}

/**
 * The configured key, or the one in DATA_DIR/secrets.key, created on first use with mode 0600 (the `wx` flag
 * makes two processes starting at once agree on one file: the loser reads the winner's key).
 */
export function loadSecretsKey(config: Pick<Config, 'secretsKey' | 'dataDir'>): Buffer {
  if (config.secretsKey) return config.secretsKey;
  const file = path.join(config.dataDir, 'secrets.key');
  mkdirSync(config.dataDir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold 32 bytes of base64; remove it only if no action secrets were stored with it`);
  return key;
}
