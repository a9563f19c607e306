/**
 * PBKDF2 in PHC form: `$pbkdf2-<digest>$i=<iterations>,l=<keylen>$<B64 salt>$<B64 hash>`, B64
 * being base64 without padding. `i` and `l` default to 100000 and 64, as in Auth0.
 */
import { constantTimeEqual, passwordBytes } from '../encodings.ts';
import { pbkdf2 as derive, type DigestName } from '../digests.ts';
import { validateSelfDescribingHash, type CustomHashAlgorithmImpl } from './rules.ts';

/**
 * Auth0's digest names (OpenSSL's, aliases included) mapped to the digest they compute. The MDC2
 * names Auth0 lists are absent: neither Node's OpenSSL 3 nor hash-wasm implements MDC2.
 */
const DIGESTS: Record<string, DigestName> = {
  'RSA-MD4': 'md4', md4: 'md4', md4WithRSAEncryption: 'md4',
  'RSA-MD5': 'md5', md5: 'md5', md5WithRSAEncryption: 'md5', 'ssl3-md5': 'md5',
  'RSA-RIPEMD160': 'ripemd160', ripemd: 'ripemd160', ripemd160: 'ripemd160', ripemd160WithRSA: 'ripemd160', rmd160: 'ripemd160',
  'RSA-SHA1': 'sha1', 'RSA-SHA1-2': 'sha1', sha1: 'sha1', sha1WithRSAEncryption: 'sha1', 'ssl3-sha1': 'sha1',
  'RSA-SHA224': 'sha224', sha224: 'sha224', sha224WithRSAEncryption: 'sha224',
  'RSA-SHA256': 'sha256', sha256: 'sha256', sha256WithRSAEncryption: 'sha256',
  'RSA-SHA384': 'sha384', sha384: 'sha384', sha384WithRSAEncryption: 'sha384',
  'RSA-SHA512': 'sha512', sha512: 'sha512', sha512WithRSAEncryption: 'sha512',
  whirlpool: 'whirlpool',
};
const PHC = /^\$pbkdf2-([A-Za-z0-9-]+)(?:\$([a-z]=[0-9]+(?:,[a-z]=[0-9]+)*))?\$([A-Za-z0-9+/.-]+)\$([A-Za-z0-9+/.-]+)$/;
// Login runs the imported iteration count; bound it so one users file cannot stall every login.
const MAX_ITERATIONS = 10_000_000;
const MAX_KEYLEN = 1024;

interface ParsedPbkdf2 { digest: DigestName; iterations: number; keylen: number; salt: Buffer; hash: Buffer }

function parse(value: string): ParsedPbkdf2 | string {
  const m = PHC.exec(value);
  if (!m) return 'pbkdf2 hash.value must be a PHC string like $pbkdf2-sha512$i=100000,l=64$<B64 salt>$<B64 hash>';
  const digest = Object.hasOwn(DIGESTS, m[1]) ? DIGESTS[m[1]] : undefined; // never Object.prototype's keys
  if (!digest) return `unsupported pbkdf2 digest "${m[1]}"`;
  const params = new Map((m[2] ?? '').split(',').filter(Boolean).map((kv) => [kv[0], Number(kv.slice(2))] as const));
  const iterations = params.get('i') ?? 100000;
  const keylen = params.get('l') ?? 64;
  if (iterations < 1 || iterations > MAX_ITERATIONS) return `pbkdf2 i must be between 1 and ${MAX_ITERATIONS}`;
  if (keylen < 1 || keylen > MAX_KEYLEN) return `pbkdf2 l must be between 1 and ${MAX_KEYLEN}`;
  // PHC's B64 is standard base64 without '='; some tools write the '.' of passlib's adapted alphabet.
  const salt = Buffer.from(m[3].replaceAll('.', '+'), 'base64');
  const hash = Buffer.from(m[4].replaceAll('.', '+'), 'base64');
  if (hash.length !== keylen) return `pbkdf2 hash decodes to ${hash.length} bytes but l=${keylen}`;
  return { digest, iterations, keylen, salt, hash };
}

export const pbkdf2: CustomHashAlgorithmImpl = {
  validate: validateSelfDescribingHash(parse),
  async verify(plain, spec) {
    const p = parse(spec.hash.value);
    if (typeof p === 'string') return false;
    const actual = await derive(p.digest, passwordBytes(plain, spec.password?.encoding), p.salt, p.iterations, p.keylen);
    return constantTimeEqual(actual, p.hash);
  },
};
