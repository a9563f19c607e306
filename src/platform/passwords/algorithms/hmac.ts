/** HMAC of the (optionally salted) password under an imported key, with any of Auth0's nine digests. */
import { constantTimeEqual, decodeValue, isWellFormed, saltedPassword } from '../encodings.ts';
import { DIGEST_BYTES, hmac as computeHmac } from '../digests.ts';
import { issue, joinPath, missingProperty } from '../validation-issue.ts';
import { checkSaltEncoding, requireBinaryHash, type CustomHashAlgorithmImpl } from './rules.ts';

export const hmac: CustomHashAlgorithmImpl = {
  validate(spec, path, out) {
    const { digest, key } = spec.hash;
    if (digest === undefined) out.push(missingProperty(joinPath(path, 'hash.digest')));
    if (key === undefined) out.push(missingProperty(joinPath(path, 'hash.key')));
    else if (!isWellFormed(key.value, key.encoding ?? 'utf8')) {
      out.push(issue('FORMAT', joinPath(path, 'hash.key.value'),
        `Object didn't pass validation for format ${key.encoding}: ${key.value}`));
    }
    requireBinaryHash(spec, path, out, digest === undefined ? undefined : DIGEST_BYTES[digest]);
    checkSaltEncoding(spec, path, out);
  },
  async verify(plain, spec) {
    const { digest, key, value, encoding } = spec.hash;
    if (!digest || !key || (encoding !== 'hex' && encoding !== 'base64')) return false;
    const actual = await computeHmac(digest, decodeValue(key.value, key.encoding), saltedPassword(plain, spec));
    return constantTimeEqual(actual, decodeValue(value, encoding));
  },
};
