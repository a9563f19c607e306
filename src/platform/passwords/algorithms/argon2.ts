/** Imported argon2 hashes (argon2i, argon2d, argon2id) in PHC string format. */
import { verify } from '@node-rs/argon2';
import { passwordBytes } from '../encodings.ts';
import { issue, joinPath } from '../validation-issue.ts';
import { forbidSaltObject, requireUtf8Hash, type CustomHashAlgorithmImpl } from './rules.ts';

const PHC = /^\$argon2(?:id|i|d)\$(?:v=(?:16|19)\$)?m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;

// Verifying runs at login with the imported figures, so absurd ones would let a users file
// pin a CPU or exhaust memory per login attempt. These bounds are far above real deployments.
const MAX_MEMORY_KIB = 262144; // 256 MiB
const MAX_PASSES = 64;
const MAX_LANES = 16;

export const argon2: CustomHashAlgorithmImpl = {
  validate(spec, path, out) {
    requireUtf8Hash(spec, path, out);
    forbidSaltObject(spec, path, out);
    const valuePath = joinPath(path, 'hash.value');
    const m = PHC.exec(spec.hash.value);
    if (!m) {
      out.push(issue('PATTERN', valuePath,
        'argon2 hash.value must be a PHC string like $argon2id$v=19$m=65536,t=2,p=1$<b64 salt>$<b64 hash>'));
      return;
    }
    const [memory, passes, lanes] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (memory > MAX_MEMORY_KIB) out.push(issue('MAXIMUM', valuePath, `Value ${memory} is greater than maximum ${MAX_MEMORY_KIB} (argon2 m, KiB)`));
    if (passes > MAX_PASSES) out.push(issue('MAXIMUM', valuePath, `Value ${passes} is greater than maximum ${MAX_PASSES} (argon2 t)`));
    if (lanes > MAX_LANES) out.push(issue('MAXIMUM', valuePath, `Value ${lanes} is greater than maximum ${MAX_LANES} (argon2 p)`));
  },
  async verify(plain, spec) {
    try {
      return await verify(spec.hash.value, passwordBytes(plain, spec.password?.encoding));
    } catch {
      return false;
    }
  },
};
