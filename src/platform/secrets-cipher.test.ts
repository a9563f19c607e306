import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { SecretsCipher, SecretsKeyMismatch, loadSecretsKey } from './secrets-cipher.ts';

const where = '6b1c9f1e-0000-4000-8000-000000000001\u0000API_KEY';

describe('SecretsCipher', () => {
  const cipher = new SecretsCipher(Buffer.alloc(32, 1));

  it('round-trips, with a fresh IV each time and no plaintext in the ciphertext', () => {
    const a = cipher.encrypt('hunter2-hunter2', where);
    const b = cipher.encrypt('hunter2-hunter2', where);
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^v1\\.${cipher.fingerprint}\\.[A-Za-z0-9_-]+$`));
    expect(a).not.toContain('hunter2');
    expect(cipher.decrypt(a, where)).toBe('hunter2-hunter2');
    expect(cipher.decrypt(cipher.encrypt('', where), where)).toBe('');
  });

  it('binds a ciphertext to its action and secret name, and detects tampering', () => {
    const stored = cipher.encrypt('value', where);
    expect(() => cipher.decrypt(stored, '6b1c9f1e-0000-4000-8000-000000000001\u0000OTHER')).toThrow();
    expect(() => cipher.decrypt(stored, 'another\u0000API_KEY')).toThrow();
    const raw = Buffer.from(stored.split('.')[2], 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(() => cipher.decrypt(`v1.${cipher.fingerprint}.${raw.toString('base64url')}`, where)).toThrow();
  });

  it('names the key mismatch instead of failing obscurely', () => {
    const other = new SecretsCipher(Buffer.alloc(32, 2));
    expect(other.fingerprint).not.toBe(cipher.fingerprint);
    expect(() => other.decrypt(cipher.encrypt('v', where), where)).toThrow(SecretsKeyMismatch);
    expect(() => other.decrypt(cipher.encrypt('v', where), where)).toThrow(/same PORTRAIT_SECRETS_KEY on every node/);
  });

  it('decrypts with the previous key during a rotation, and says which values still need re-encrypting', () => {
    const rotated = new SecretsCipher(Buffer.alloc(32, 2), Buffer.alloc(32, 1));
    const old = cipher.encrypt('v', where);
    expect(rotated.previousFingerprint).toBe(cipher.fingerprint);
    expect(rotated.decrypt(old, where)).toBe('v');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.encrypt('v', where))).toBe(true);
    expect(() => new SecretsCipher(Buffer.alloc(32, 3)).decrypt(old, where, 'secret K')).toThrow(/secret K was encrypted with key/);
  });
});

describe('the secrets key', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('is generated once into DATA_DIR/secrets.key with mode 0600, then reused', () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'portrait-key-')), 'nested');
    dirs.push(path.dirname(dataDir));
    const first = loadSecretsKey({ secretsKey: null, dataDir });
    const file = path.join(dataDir, 'secrets.key');
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first)).toBe(true);
    expect(loadSecretsKey({ secretsKey: null, dataDir }).equals(first)).toBe(true);
  });

  it('comes from PORTRAIT_SECRETS_KEY when set (no file written)', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-key-'));
    dirs.push(dataDir);
    const key = Buffer.alloc(32, 9);
    const config = loadConfig({ PORTRAIT_SECRETS_KEY: key.toString('base64'), PORTRAIT_DATA_DIR: dataDir });
    expect(config.secretsKey?.equals(key)).toBe(true);
    expect(loadSecretsKey(config).equals(key)).toBe(true);
    expect(() => statSync(path.join(dataDir, 'secrets.key'))).toThrow();
    expect(loadConfig({}).secretsKey).toBeNull();
  });

  it.each(['not base64 !', Buffer.alloc(16).toString('base64'), Buffer.alloc(33).toString('base64')])('refuses PORTRAIT_SECRETS_KEY=%j', (value) => {
    expect(() => loadConfig({ PORTRAIT_SECRETS_KEY: value })).toThrow(ConfigError);
    expect(() => loadConfig({ PORTRAIT_SECRETS_KEY: value })).toThrow(/PORTRAIT_SECRETS_KEY/);
  });
});
