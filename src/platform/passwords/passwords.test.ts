import { createHash, createHmac, pbkdf2Sync, scryptSync } from 'node:crypto';
import { hash as argon2Hash } from '@node-rs/argon2';
import { hashSync as bcryptHashSync } from '@node-rs/bcrypt';
import { createHMAC, createMD4, createWhirlpool, md4 as md4Wasm } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword, type CustomPasswordHash } from './index.ts';

const custom = (spec: CustomPasswordHash) => ({ kind: 'auth0-custom', spec }) as const;
const sha = (alg: string, data: string | Buffer) => createHash(alg).update(data).digest();

async function expectVerifies(spec: CustomPasswordHash, right: string, wrong = 'not-the-password') {
  expect(await verifyPassword(right, custom(spec))).toEqual({ ok: true, needsRehash: true });
  expect(await verifyPassword(wrong, custom(spec))).toEqual({ ok: false, needsRehash: false });
}

describe('native argon2id', () => {
  it('hashes with the OWASP figures and verifies without asking for a rehash', async () => {
    const phc = await hashPassword('correct horse');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword('correct horse', { kind: 'argon2id', phc })).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword('wrong', { kind: 'argon2id', phc })).toEqual({ ok: false, needsRehash: false });
  });
  it('asks for a rehash when the stored hash uses older figures', async () => {
    const phc = await argon2Hash('pw', { memoryCost: 8192, timeCost: 3, parallelism: 1, algorithm: 2 });
    expect(await verifyPassword('pw', { kind: 'argon2id', phc })).toEqual({ ok: true, needsRehash: true });
  });
  it('never matches a malformed stored hash', async () => {
    expect(await verifyPassword('pw', { kind: 'argon2id', phc: 'garbage' })).toEqual({ ok: false, needsRehash: false });
  });
});

describe('imported bcrypt password_hash', () => {
  it('verifies $2a$ and $2b$ hashes and asks for a rehash', async () => {
    const b = bcryptHashSync('hello', { cost: 4, version: '2b' });
    const a = bcryptHashSync('hello', { cost: 4, version: '2a' });
    for (const hash of [a, b]) {
      expect(await verifyPassword('hello', { kind: 'bcrypt', hash })).toEqual({ ok: true, needsRehash: true });
      expect(await verifyPassword('hellO', { kind: 'bcrypt', hash })).toEqual({ ok: false, needsRehash: false });
    }
  });
  it("verifies Auth0's documented example ('hello', cost 10)", async () => {
    const hash = '$2b$10$nFguVi9LsCAcvTZFKQlRKeLVydo8ETv483lkNsSFI/Wl1Rz1Ypo1K';
    expect((await verifyPassword('hello', { kind: 'bcrypt', hash })).ok).toBe(true);
  });
});

describe('custom_password_hash', () => {
  it('argon2 (argon2id and argon2i PHC strings)', async () => {
    for (const algorithm of [2, 1] as const) {
      const value = await argon2Hash('s3cret', { memoryCost: 1024, timeCost: 1, parallelism: 1, algorithm });
      await expectVerifies({ algorithm: 'argon2', hash: { value } }, 's3cret');
    }
  });
  it('bcrypt with $2y$ prefix and with a suffix salt counted in its input', async () => {
    const y = bcryptHashSync('pw', { cost: 4, version: '2y' });
    await expectVerifies({ algorithm: 'bcrypt', hash: { value: y } }, 'pw');
    const salted = bcryptHashSync('pwSALT', { cost: 4 });
    await expectVerifies({ algorithm: 'bcrypt', hash: { value: salted }, salt: { value: 'SALT', position: 'suffix' } }, 'pw');
  });
  it('hmac with node digests and key encodings', async () => {
    const key = Buffer.from('736868', 'hex');
    const value = createHmac('sha1', key).update('pw').digest('base64');
    await expectVerifies({ algorithm: 'hmac', hash: { value, encoding: 'base64', digest: 'sha1', key: { value: '736868', encoding: 'hex' } } }, 'pw');
    for (const digest of ['md5', 'ripemd160', 'sha224', 'sha256', 'sha384', 'sha512'] as const) {
      const hex = createHmac(digest, 'k3y').update('pw').digest('hex').toUpperCase();
      await expectVerifies({ algorithm: 'hmac', hash: { value: hex, encoding: 'hex', digest, key: { value: 'k3y' } } }, 'pw');
    }
    const b64key = Buffer.from('binary key').toString('base64');
    const value2 = createHmac('sha256', 'binary key').update('pw').digest('base64url');
    await expectVerifies({ algorithm: 'hmac', hash: { value: value2, encoding: 'base64', digest: 'sha256', key: { value: b64key, encoding: 'base64' } } }, 'pw');
  });
  it('hmac with md4 and whirlpool (hash-wasm as the reference)', async () => {
    for (const [digest, make] of [['md4', createMD4], ['whirlpool', createWhirlpool]] as const) {
      const h = await createHMAC(make(), 'key');
      h.init();
      const value = h.update('pw').digest('hex');
      await expectVerifies({ algorithm: 'hmac', hash: { value, encoding: 'hex', digest, key: { value: 'key' } } }, 'pw');
    }
  });
  it('md4, md5, sha1, sha256, sha512 with salt prefix, suffix and encodings', async () => {
    await expectVerifies({ algorithm: 'md4', hash: { value: await md4Wasm('pw'), encoding: 'hex' } }, 'pw');
    await expectVerifies({ algorithm: 'md5', hash: { value: sha('md5', 'saltpw').toString('base64'), encoding: 'base64' }, salt: { value: 'salt' } }, 'pw');
    await expectVerifies({ algorithm: 'sha1', hash: { value: sha('sha1', 'pwsalt').toString('hex'), encoding: 'hex' }, salt: { value: 'salt', position: 'suffix' } }, 'pw');
    const saltBytes = Buffer.from([0, 1, 2, 255]);
    const s256 = sha('sha256', Buffer.concat([saltBytes, Buffer.from('pw')])).toString('hex');
    await expectVerifies({ algorithm: 'sha256', hash: { value: s256, encoding: 'hex' }, salt: { value: saltBytes.toString('hex'), encoding: 'hex', position: 'prefix' } }, 'pw');
    const s512 = sha('sha512', Buffer.concat([Buffer.from('pw'), saltBytes])).toString('base64');
    await expectVerifies({ algorithm: 'sha512', hash: { value: s512, encoding: 'base64' }, salt: { value: saltBytes.toString('base64'), encoding: 'base64', position: 'suffix' } }, 'pw');
  });
  it("Auth0's documented sha256 example shape (salt prefix abc123)", async () => {
    const value = sha('sha256', 'abc123' + 'password').toString('hex');
    await expectVerifies({ algorithm: 'sha256', hash: { value, encoding: 'hex' }, salt: { value: 'abc123', position: 'prefix' } }, 'password');
  });
  it('honours password.encoding (ucs2 / latin1)', async () => {
    const value = sha('md5', Buffer.from('pässword', 'ucs2')).toString('hex');
    await expectVerifies({ algorithm: 'md5', hash: { value, encoding: 'hex' }, password: { encoding: 'ucs2' } }, 'pässword', 'pässwort');
    expect((await verifyPassword('pässword', custom({ algorithm: 'md5', hash: { value, encoding: 'hex' } }))).ok).toBe(false);
    const latin = sha('sha1', Buffer.from('pässword', 'latin1')).toString('hex');
    await expectVerifies({ algorithm: 'sha1', hash: { value: latin, encoding: 'hex' }, password: { encoding: 'latin1' } }, 'pässword');
  });
  it('ldap RFC 2307 values built by hand', async () => {
    const salt = Buffer.from('s4lt!');
    const cases: Array<[string, string]> = [
      ['{MD5}', sha('md5', 'pw').toString('base64')],
      ['{SMD5}', Buffer.concat([sha('md5', Buffer.concat([Buffer.from('pw'), salt])), salt]).toString('base64')],
      ['{SHA}', sha('sha1', 'pw').toString('base64')],
      ['{SSHA}', Buffer.concat([sha('sha1', Buffer.concat([Buffer.from('pw'), salt])), salt]).toString('base64')],
      ['{SHA256}', sha('sha256', 'pw').toString('base64')],
      ['{ssha384}', Buffer.concat([sha('sha384', Buffer.concat([Buffer.from('pw'), salt])), salt]).toString('base64')],
      ['{SSHA512}', Buffer.concat([sha('sha512', Buffer.concat([Buffer.from('pw'), salt])), salt]).toString('base64')],
    ];
    for (const [scheme, b64] of cases) await expectVerifies({ algorithm: 'ldap', hash: { value: scheme + b64, encoding: 'utf8' } }, 'pw');
  });
  it('pbkdf2 PHC strings with node digests, md4 via hash-wasm, and default i/l', async () => {
    const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
    const salt = Buffer.from('0123456789abcdef');
    const value = `$pbkdf2-sha512$i=1000,l=64$${b64(salt)}$${b64(pbkdf2Sync('pw', salt, 1000, 64, 'sha512'))}`;
    await expectVerifies({ algorithm: 'pbkdf2', hash: { value } }, 'pw');
    const rsa = `$pbkdf2-RSA-SHA256$i=500,l=32$${b64(salt)}$${b64(pbkdf2Sync('pw', salt, 500, 32, 'sha256'))}`;
    await expectVerifies({ algorithm: 'pbkdf2', hash: { value: rsa, encoding: 'utf8' } }, 'pw');
    const defaults = `$pbkdf2-sha1$${b64(salt)}$${b64(pbkdf2Sync('pw', salt, 100000, 64, 'sha1'))}`;
    await expectVerifies({ algorithm: 'pbkdf2', hash: { value: defaults } }, 'pw');
    const { pbkdf2: wasm } = await import('hash-wasm');
    const md4raw = Buffer.from(await wasm({ password: 'pw', salt, iterations: 200, hashLength: 64, hashFunction: createMD4(), outputType: 'binary' }));
    await expectVerifies({ algorithm: 'pbkdf2', hash: { value: `$pbkdf2-md4$i=200,l=64$${b64(salt)}$${b64(md4raw)}` } }, 'pw');
  });
  it('scrypt with keylen, cost, blockSize and parallelization', async () => {
    const value = scryptSync('pw', 'abc123', 32, { N: 4096, r: 8, p: 1 }).toString('hex');
    await expectVerifies({ algorithm: 'scrypt', hash: { value, encoding: 'hex' }, salt: { value: 'abc123', encoding: 'utf8' }, keylen: 32, cost: 4096 }, 'pw');
    const b = scryptSync('pw', Buffer.from('c2FsdA==', 'base64'), 16, { N: 1024, r: 4, p: 2 }).toString('base64');
    await expectVerifies({ algorithm: 'scrypt', hash: { value: b, encoding: 'base64' }, salt: { value: 'c2FsdA==', encoding: 'base64' }, keylen: 16, cost: 1024, blockSize: 4, parallelization: 2 }, 'pw');
  });
  it('a spec that slipped past validation never matches and never throws', async () => {
    expect(await verifyPassword('pw', custom({ algorithm: 'scrypt', hash: { value: '00', encoding: 'hex' }, keylen: 1, cost: 3 }))).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword('pw', custom({ algorithm: 'ldap', hash: { value: '{CRYPT}abc' } }))).toEqual({ ok: false, needsRehash: false });
  });
});
