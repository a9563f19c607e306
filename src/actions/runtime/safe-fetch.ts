// fetch for actions: the server's guarded outbound requests (platform/outbound), with the answer carried across
// the isolate boundary as JSON and every failure returned as `{ error }` so the sandbox can throw a TypeError
// with the reason, as fetch does.
import { createGuardedRequester, GUARD_DEFAULTS, type GuardOptions } from '../../platform/outbound/guarded-request.ts';

/** What the sandbox's fetch sends to the host (JSON across the isolate boundary). */
export interface FetchRequest {
  url: string;
  method: string;
  headers: [string, string][];
  body?: string;
}

export type FetchReply =
  | { status: number; statusText: string; url: string; redirected: boolean; headers: [string, string][]; body: string }
  | { error: string };

/** The guard's options; the flow's own deadline also aborts a request. */
export type SafeFetchOptions = Omit<GuardOptions, 'subject'>;

export type SafeFetch = (request: FetchRequest, signal: AbortSignal) => Promise<FetchReply>;

export const SAFE_FETCH_DEFAULTS = GUARD_DEFAULTS;

export function createSafeFetch(options: SafeFetchOptions = {}): SafeFetch {
  const request = createGuardedRequester({ ...options, subject: 'actions' });
  return async function safeFetch(fetchRequest, runSignal) {
    try {
      const answer = await request({ ...fetchRequest, redirect: 'follow' }, runSignal);
      return { ...answer, body: answer.body.toString('utf8') };
    } catch (err) {
      if (runSignal.aborted) return { error: 'the action run ended' };
      return { error: err instanceof Error ? err.message : String(err) };
    }
  };
}
