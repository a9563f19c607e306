/** scrypt with the imported keylen, cost (N), blockSize (r) and parallelization (p). */
import { scrypt as nodeScrypt, type ScryptOptions } from 'node:crypto';
import { constantTimeEqual, decodeValue, passwordBytes } from '../encodings.ts';
import { issue, joinPath, missingProperty } from '../validation-issue.ts';
import { checkSaltEncoding, requireBinaryHash, type CustomHashAlgorithmImpl } from './rules.ts';

// scrypt needs 128·N·r·p bytes; a login must not be able to ask for more than this.
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_KEYLEN = 1024;

function params(spec: { cost?: number; blockSize?: number; parallelization?: number }) {
  return { N: spec.cost ?? 16384, r: spec.blockSize ?? 8, p: spec.parallelization ?? 1 };
}

export const scrypt: CustomHashAlgorithmImpl = {
  validate(spec, path, out) {
    if (spec.keylen === undefined) out.push(missingProperty(joinPath(path, 'keylen')));
    else if (spec.keylen < 1) out.push(issue('MINIMUM', joinPath(path, 'keylen'), `Value ${spec.keylen} is less than minimum 1`));
    else if (spec.keylen > MAX_KEYLEN) out.push(issue('MAXIMUM', joinPath(path, 'keylen'), `Value ${spec.keylen} is greater than maximum ${MAX_KEYLEN}`));
    const { N, r, p } = params(spec);
    if (N < 2 || (N & (N - 1)) !== 0) {
      out.push(issue('NOT_PASSED', joinPath(path, 'cost'), `cost must be a power of two greater than one, got ${N}`));
    }
    if (r < 1) out.push(issue('MINIMUM', joinPath(path, 'blockSize'), `Value ${r} is less than minimum 1`));
    if (p < 1) out.push(issue('MINIMUM', joinPath(path, 'parallelization'), `Value ${p} is less than minimum 1`));
    if (128 * N * r * p > MAX_MEMORY_BYTES) {
      out.push(issue('MAXIMUM', joinPath(path, 'cost'),
        `scrypt would need ${128 * N * r * p} bytes (128·cost·blockSize·parallelization), more than the maximum ${MAX_MEMORY_BYTES}`));
    }
    requireBinaryHash(spec, path, out, spec.keylen);
    checkSaltEncoding(spec, path, out);
  },
  async verify(plain, spec) {
    const { value, encoding } = spec.hash;
    if (!spec.keylen || (encoding !== 'hex' && encoding !== 'base64')) return false;
    const { N, r, p } = params(spec);
    const salt = spec.salt ? decodeValue(spec.salt.value, spec.salt.encoding) : Buffer.alloc(0);
    const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * p + 1024 * 1024 };
    const actual = await new Promise<Buffer>((resolve, reject) =>
      nodeScrypt(passwordBytes(plain, spec.password?.encoding), salt, spec.keylen!, options,
        (err, key) => (err ? reject(err) : resolve(key))));
    return constantTimeEqual(actual, decodeValue(value, encoding));
  },
};
