import { createHash, createHmac, getHashes, pbkdf2 as nodePbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import {
  createMD4, createMD5, createRIPEMD160, createSHA1, createSHA224, createSHA256, createSHA384,
  createSHA512, createWhirlpool, createHMAC, pbkdf2 as wasmPbkdf2,
} from 'hash-wasm';
import type { IHasher } from 'hash-wasm';

/** Digests the imported hashes may use, by their canonical name. */
export type DigestName =
  | 'md4' | 'md5' | 'ripemd160' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'whirlpool';

// OpenSSL 3 moved md4 and whirlpool to the legacy provider, so Node may lack them; hash-wasm's
// WASM builds cover every digest, and Node's native code is used wherever it has the algorithm.
const WASM: Record<DigestName, () => Promise<IHasher>> = {
  md4: createMD4, md5: createMD5, ripemd160: createRIPEMD160, sha1: createSHA1, sha224: createSHA224,
  sha256: createSHA256, sha384: createSHA384, sha512: createSHA512, whirlpool: createWhirlpool,
};
const nodeHashes = new Set(getHashes());
const inNode = (name: DigestName) => nodeHashes.has(name);
const pbkdf2Async = promisify(nodePbkdf2);

export async function digest(name: DigestName, data: Uint8Array): Promise<Buffer> {
  if (inNode(name)) return createHash(name).update(data).digest();
  const hasher = await WASM[name]();
  hasher.init();
  return Buffer.from(hasher.update(data).digest('binary'));
}

export async function hmac(name: DigestName, key: Uint8Array, data: Uint8Array): Promise<Buffer> {
  if (inNode(name)) return createHmac(name, key).update(data).digest();
  const hasher = await createHMAC(WASM[name](), key);
  hasher.init();
  return Buffer.from(hasher.update(data).digest('binary'));
}

export async function pbkdf2(
  name: DigestName, password: Uint8Array, salt: Uint8Array, iterations: number, length: number,
): Promise<Buffer> {
  if (inNode(name)) return pbkdf2Async(password, salt, iterations, length, name);
  const out = await wasmPbkdf2({
    password, salt, iterations, hashLength: length, hashFunction: WASM[name](), outputType: 'binary',
  });
  return Buffer.from(out);
}

/** Output length in bytes of each digest, to reject hash values that could never match. */
export const DIGEST_BYTES: Record<DigestName, number> = {
  md4: 16, md5: 16, ripemd160: 20, sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64, whirlpool: 64,
};
