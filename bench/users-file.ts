// The users file both import benchmarks read: deterministic users of about 330 bytes each (bcrypt-shaped
// password_hash, small metadata), streamed to disk as a JSON array or NDJSON.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** `--name value` from the command line, or the fallback. */
export function stringArg(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}

const B64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A deterministic bcrypt-shaped string (cost 10, 53 characters of salt + hash) per user. */
export function fakeBcrypt(seed: number): string {
  let x = (seed * 2654435761) >>> 0 || 1;
  let s = '$2b$10$';
  for (let i = 0; i < 53; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    s += B64[x & 63];
  }
  return s;
}

export function benchUser(i: number) {
  return {
    email: `user${i}@example.com`,
    email_verified: i % 3 === 0,
    user_id: i.toString(16).padStart(24, '0'),
    given_name: 'Ada',
    family_name: `Lovelace${i % 1000}`,
    name: `Ada Lovelace${i % 1000}`,
    password_hash: fakeBcrypt(i),
    user_metadata: { plan: i % 10 === 0 ? 'pro' : 'free', locale: 'en-GB' },
    app_metadata: { roles: ['user'] },
  };
}

export async function writeUsersFile(path: string, n: number, format: 'json' | 'ndjson'): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  if (format === 'json') out.write('[\n');
  for (let i = 0; i < n; i++) {
    const sep = format === 'json' ? (i < n - 1 ? ',\n' : '\n') : '\n';
    if (!out.write(JSON.stringify(benchUser(i)) + sep)) await once(out, 'drain');
  }
  if (format === 'json') out.write(']\n');
  out.end();
  await once(out, 'finish');
}
