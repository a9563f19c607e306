/**
 * Unkeyed digests (md4, md5, sha1, sha256, sha512) of the password with an optional salt before
 * (default) or after it: MD5('salt' + 'password') is `position: prefix`.
 */
import { constantTimeEqual, decodeValue, saltedPassword } from '../encodings.ts';
import { DIGEST_BYTES, digest, type DigestName } from '../digests.ts';
import { checkSaltEncoding, requireBinaryHash, type CustomHashAlgorithmImpl } from './rules.ts';

function plainDigest(name: DigestName): CustomHashAlgorithmImpl {
  return {
    validate(spec, path, out) {
      requireBinaryHash(spec, path, out, DIGEST_BYTES[name]);
      checkSaltEncoding(spec, path, out);
    },
    async verify(plain, spec) {
      const { value, encoding } = spec.hash;
      if (encoding !== 'hex' && encoding !== 'base64') return false;
      return constantTimeEqual(await digest(name, saltedPassword(plain, spec)), decodeValue(value, encoding));
    },
  };
}

export const md4 = plainDigest('md4');
export const md5 = plainDigest('md5');
export const sha1 = plainDigest('sha1');
export const sha256 = plainDigest('sha256');
export const sha512 = plainDigest('sha512');
