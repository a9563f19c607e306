// Signed, short-lived download links for finished exports (Auth0: the `location` link is valid for 60 s; fetch
// the job again for a fresh one). The key is random per job and stored with it, so every node can check a
// link, no setting has to be shared, and a deleted job's links die with it.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DOWNLOAD_LINK_SECONDS = 60;

function signature(secret: string, jobId: string, expires: number): string {
  return createHmac('sha256', secret).update(`${jobId}.${expires}`).digest('base64url');
}

/** Query string for a link valid until now + ttl. */
export function signDownload(secret: string, jobId: string, ttlSeconds = DOWNLOAD_LINK_SECONDS, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + ttlSeconds;
  return `expires=${expires}&signature=${signature(secret, jobId, expires)}`;
}

export function verifyDownload(secret: string, jobId: string, expires: string, given: string, now = Date.now()): 'ok' | 'expired' | 'invalid' {
  if (!/^\d{1,12}$/.test(expires)) return 'invalid';
  const expected = Buffer.from(signature(secret, jobId, Number(expires)));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return 'invalid';
  return Number(expires) * 1000 < now ? 'expired' : 'ok';
}
