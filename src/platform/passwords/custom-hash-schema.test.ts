import { describe, expect, it } from 'vitest';
import { validateCustomPasswordHash } from './index.ts';

const codes = (spec: unknown) => validateCustomPasswordHash(spec).map((i) => `${i.code} ${i.path}`);
const goodBcrypt = '$2b$10$nFguVi9LsCAcvTZFKQlRKeLVydo8ETv483lkNsSFI/Wl1Rz1Ypo1K';

describe('validateCustomPasswordHash', () => {
  it('accepts the documented examples', () => {
    expect(codes({ algorithm: 'bcrypt', hash: { value: goodBcrypt } })).toEqual([]);
    expect(codes({ algorithm: 'md4', hash: { value: 'AbuUujgF0pPPkJPSFRTpmA==', encoding: 'base64' } })).toEqual([]);
    expect(codes({ algorithm: 'sha256', hash: { value: 'd24e794fce503c3ddb1cd1ba1dd5d9b250cf9917336a0316fefd87fecf79200f', encoding: 'hex' }, salt: { value: 'abc123', position: 'prefix' } })).toEqual([]);
    expect(codes({ algorithm: 'argon2', hash: { value: '$argon2id$v=19$m=65536,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4+/0f+SFB+4XMFxt7YAvAq2UycYos' } })).toEqual([]);
    expect(codes({ algorithm: 'pbkdf2', hash: { value: '$pbkdf2-md4$i=100000,l=64$+N375B8q0Fw$fp2R9KAM4hK/votGHC5Fu+jhqbxUD8+Nic/EMSGvNC3UP/k7wSHI0uXluHRSkZfl/BOheYqNOemayG90ZaSSQw', encoding: 'utf8' } })).toEqual([]);
    expect(codes({ algorithm: 'ldap', hash: { value: '{SSHA384}/cgEjdoZh85DhurDeOQEMO1rMlAur93SVPbYe5XSD4lF7nNuvrBju5hUeg9A6agRemgSXGl5YuE=', encoding: 'utf8' } })).toEqual([]);
    expect(codes({ algorithm: 'hmac', hash: { value: 'cg7f42jH39/2EaAU4wNd4s2lKIk=', encoding: 'base64', digest: 'sha1', key: { value: '736868', encoding: 'hex' } } })).toEqual([]);
    expect(codes({ algorithm: 'scrypt', hash: { value: '097f6197e1b41538f723e32aa7a68e8d76227d8e432ce5faa4882a913032db29', encoding: 'hex' }, salt: { value: 'abc123', encoding: 'utf8' }, keylen: 32, cost: 4096 })).toEqual([]);
  });
  it('refuses bad bcrypt prefixes', () => {
    for (const prefix of ['$2$', '$2x$', '$sha1$']) {
      const issues = validateCustomPasswordHash({ algorithm: 'bcrypt', hash: { value: prefix + goodBcrypt.slice(4) } });
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: 'PATTERN', path: 'custom_password_hash.hash.value' });
      expect(issues[0].message).toContain('$2a$, $2b$ or $2y$');
    }
  });
  it('refuses unknown algorithms, wrong types and unknown fields', () => {
    expect(codes({ algorithm: 'crc32', hash: { value: 'x' } })).toEqual(['ENUM_MISMATCH custom_password_hash.algorithm']);
    expect(codes('md5')).toEqual(['INVALID_TYPE custom_password_hash']);
    expect(codes({ algorithm: 'md5' })).toEqual(['OBJECT_REQUIRED custom_password_hash.hash']);
    expect(codes({ hash: { value: 'x' } })).toEqual(['OBJECT_REQUIRED custom_password_hash.algorithm']);
    expect(codes({ algorithm: 'md5', hash: { value: 5 }, extra: 1 })).toEqual([
      'OBJECT_ADDITIONAL_PROPERTIES custom_password_hash.extra', 'INVALID_TYPE custom_password_hash.hash.value']);
    expect(codes({ algorithm: 'scrypt', hash: { value: 'aa', encoding: 'hex' }, keylen: 1.5 })).toEqual(['INVALID_TYPE custom_password_hash.keylen']);
  });
  it('refuses hmac without key or digest, and bad encodings', () => {
    expect(codes({ algorithm: 'hmac', hash: { value: 'aa', encoding: 'hex' } })).toEqual([
      'OBJECT_REQUIRED custom_password_hash.hash.digest', 'OBJECT_REQUIRED custom_password_hash.hash.key']);
    expect(codes({ algorithm: 'hmac', hash: { value: 'aa', encoding: 'hex', digest: 'sha3', key: { value: 'k' } } })).toEqual(['ENUM_MISMATCH custom_password_hash.hash.digest']);
    expect(codes({ algorithm: 'hmac', hash: { value: '00'.repeat(20), encoding: 'utf8', digest: 'sha1', key: { value: 'k' } } })).toEqual(['ENUM_MISMATCH custom_password_hash.hash.encoding']);
    expect(codes({ algorithm: 'md5', hash: { value: 'zz'.repeat(16), encoding: 'hex' } })).toEqual(['FORMAT custom_password_hash.hash.value']);
    expect(codes({ algorithm: 'md5', hash: { value: 'aa'.repeat(20), encoding: 'hex' } })).toEqual(['FORMAT custom_password_hash.hash.value']);
    expect(codes({ algorithm: 'md5', hash: { value: 'aa'.repeat(16) } })).toEqual(['OBJECT_REQUIRED custom_password_hash.hash.encoding']);
    expect(codes({ algorithm: 'argon2', hash: { value: '$argon2id$v=19$m=65536,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4', encoding: 'hex' } })).toEqual(['ENUM_MISMATCH custom_password_hash.hash.encoding']);
    expect(codes({ algorithm: 'md5', hash: { value: 'aa'.repeat(16), encoding: 'hex' }, password: { encoding: 'utf32' } })).toEqual(['ENUM_MISMATCH custom_password_hash.password.encoding']);
  });
  it('refuses a salt object where the salt lives in the hash, {CRYPT}, and unsafe work factors', () => {
    expect(codes({ algorithm: 'ldap', hash: { value: '{SHA}' + Buffer.alloc(20).toString('base64') }, salt: { value: 'x' } })).toEqual(['NOT_PASSED custom_password_hash.salt']);
    const crypt = validateCustomPasswordHash({ algorithm: 'ldap', hash: { value: '{CRYPT}$6$abc$def' } });
    expect(crypt[0]).toMatchObject({ code: 'PATTERN' });
    expect(crypt[0].message).toContain('{CRYPT}');
    expect(codes({ algorithm: 'scrypt', hash: { value: 'aa', encoding: 'hex' }, keylen: 1, cost: 1000 })).toEqual(['NOT_PASSED custom_password_hash.cost']);
    expect(codes({ algorithm: 'scrypt', hash: { value: 'aa', encoding: 'hex' } })).toEqual(['OBJECT_REQUIRED custom_password_hash.keylen']);
    expect(codes({ algorithm: 'scrypt', hash: { value: 'aa', encoding: 'hex' }, keylen: 1, cost: 1 << 22 })).toEqual(['MAXIMUM custom_password_hash.cost']);
    expect(codes({ algorithm: 'pbkdf2', hash: { value: '$pbkdf2-sha256$i=999999999,l=4$AAAA$AAAAAA' } })).toEqual(['PATTERN custom_password_hash.hash.value']);
    expect(codes({ algorithm: 'pbkdf2', hash: { value: '$pbkdf2-mdc2$i=1,l=4$AAAA$AAAAAA' } })).toEqual(['PATTERN custom_password_hash.hash.value']);
    expect(codes({ algorithm: 'pbkdf2', hash: { value: '$pbkdf2-constructor$i=1,l=4$AAAA$AAAAAA' } })).toEqual(['PATTERN custom_password_hash.hash.value']);
    expect(codes({ algorithm: 'argon2', hash: { value: '$argon2id$v=19$m=4194304,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4' } })).toEqual(['MAXIMUM custom_password_hash.hash.value']);
  });
  it('writes messages in the form Auth0 reports', () => {
    const [i] = validateCustomPasswordHash({ algorithm: 'crc32', hash: { value: 'x' } }, 'custom_password_hash');
    expect(i.message).toMatch(/^Error in custom_password_hash\.algorithm property - No enum match for: "crc32"/);
  });
});
