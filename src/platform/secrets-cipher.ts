// Secrets at rest (Action secrets, signing keys' private parts): AES-256-GCM, one random 96-bit IV per value, and
// associated data naming where the value belongs (a ciphertext copied onto another action, secret name or key id
// does not decrypt). The key comes from PORTRAIT_SECRETS_KEY, or is generated once into DATA_DIR/secrets.key;
// each ciphertext names the key's fingerprint, so a node holding another key says so instead of failing with a
// bare "auth tag mismatch". During a rotation PORTRAIT_SECRETS_KEY_PREVIOUS still decrypts what the old key
// encrypted, and the start-up re-encryption (services.ts) rewrites it with the new key.
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

/** Names a key without revealing it: HMAC of a fixed label, 16 hex characters (the label predates signing keys). */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('portrait action secrets key').digest('hex').slice(0, 16);
}

function checkedKey(key: Buffer): Buffer {
  if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
  return Buffer.from(key);
}

export class SecretsCipher {
  readonly fingerprint: string;
  /** The previous key's fingerprint during a rotation, else null. */
  readonly previousFingerprint: string | null;
  readonly #keys = new Map<string, Buffer>();

  constructor(key: Buffer, previous: Buffer | null = null) {
    this.fingerprint = keyFingerprint(key);
    this.#keys.set(this.fingerprint, checkedKey(key));
    this.previousFingerprint = previous ? keyFingerprint(previous) : null;
    if (previous && this.previousFingerprint !== this.fingerprint) this.#keys.set(this.previousFingerprint!, checkedKey(previous));
  }

  /** `context` is the associated data: what the value belongs to, e.g. `signing-key:<kid>`. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.fingerprint)!, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${FORMAT}.${this.fingerprint}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** `what` names the value in error messages (never the value itself). */
  decrypt(stored: string, context: string, what = 'a secret'): string {
    const [format, fingerprint, data] = stored.split('.');
    if (format !== FORMAT || !fingerprint || data === undefined) throw new Error(`${what} is not in a known format`);
    const key = this.#keys.get(fingerprint);
    if (!key) {
      throw new SecretsKeyMismatch(
        `${what} was encrypted with key ${fingerprint}, this node holds key ${this.fingerprint}: set the same PORTRAIT_SECRETS_KEY on every node (and the old one as PORTRAIT_SECRETS_KEY_PREVIOUS while rotating)`,
      );
    }
    const raw = Buffer.from(data, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /** Whether a stored value was encrypted with the current key (false: re-encrypt it). */
  isCurrent(stored: string): boolean {
    return stored.split('.')[1] === this.fingerprint;
  }
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
  if (key.length !== 32) throw new Error(`${file} does not hold 32 bytes of base64; remove it only if no secrets were stored with it`);
  return key;
}

/** The process's cipher: the current key, and the previous one while a rotation is under way. */
export function secretsCipherFor(config: Pick<Config, 'secretsKey' | 'secretsKeyPrevious' | 'dataDir'>): SecretsCipher {
  return new SecretsCipher(loadSecretsKey(config), config.secretsKeyPrevious);
}
