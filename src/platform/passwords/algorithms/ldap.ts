/**
 * RFC 2307 `userPassword` values: `{MD5}`, `{SHA}`, `{SHA256}`, `{SHA384}`, `{SHA512}` hold
 * base64(digest(password)); the salted `{SMD5}`, `{SSHA}`, `{SSHA256}`… hold
 * base64(digest(password + salt) + salt), as OpenLDAP writes them. `{CRYPT}` depends on the
 * system's crypt(3) and is refused, as Auth0 does.
 */
import { constantTimeEqual, passwordBytes } from '../encodings.ts';
import { DIGEST_BYTES, digest, type DigestName } from '../digests.ts';
import { validateSelfDescribingHash, type CustomHashAlgorithmImpl } from './rules.ts';

const SCHEMES: Record<string, { name: DigestName; salted: boolean }> = {
  MD5: { name: 'md5', salted: false }, SMD5: { name: 'md5', salted: true },
  SHA: { name: 'sha1', salted: false }, SSHA: { name: 'sha1', salted: true },
  SHA1: { name: 'sha1', salted: false }, SSHA1: { name: 'sha1', salted: true },
  SHA256: { name: 'sha256', salted: false }, SSHA256: { name: 'sha256', salted: true },
  SHA384: { name: 'sha384', salted: false }, SSHA384: { name: 'sha384', salted: true },
  SHA512: { name: 'sha512', salted: false }, SSHA512: { name: 'sha512', salted: true },
};
const VALUE = /^\{([A-Za-z0-9]+)\}([A-Za-z0-9+/]+={0,2})$/;

function parse(value: string): { name: DigestName; salted: boolean; bytes: Buffer } | string {
  if (/^\{crypt\}/i.test(value)) return 'the ldap {CRYPT} scheme is not supported (its result depends on the system that made it)';
  const m = VALUE.exec(value);
  if (!m) return 'ldap hash.value must be an RFC 2307 userPassword such as {SSHA}<base64>';
  const scheme = Object.hasOwn(SCHEMES, m[1].toUpperCase()) ? SCHEMES[m[1].toUpperCase()] : undefined;
  if (!scheme) return `unsupported ldap scheme {${m[1]}}: use one of ${Object.keys(SCHEMES).map((s) => `{${s}}`).join(' ')}`;
  const bytes = Buffer.from(m[2], 'base64');
  const size = DIGEST_BYTES[scheme.name];
  if (scheme.salted ? bytes.length <= size : bytes.length !== size) {
    return `{${m[1]}} value must decode to ${scheme.salted ? `more than ${size}` : size} bytes, got ${bytes.length}`;
  }
  return { ...scheme, bytes };
}

export const ldap: CustomHashAlgorithmImpl = {
  validate: validateSelfDescribingHash(parse),
  async verify(plain, spec) {
    const parsed = parse(spec.hash.value);
    if (typeof parsed === 'string') return false;
    const size = DIGEST_BYTES[parsed.name];
    const expected = parsed.bytes.subarray(0, size);
    const salt = parsed.salted ? parsed.bytes.subarray(size) : Buffer.alloc(0);
    const actual = await digest(parsed.name, Buffer.concat([passwordBytes(plain, spec.password?.encoding), salt]));
    return constantTimeEqual(actual, expected);
  },
};
