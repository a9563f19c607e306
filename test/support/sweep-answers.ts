// What the robustness sweep accepts as an answer to a malformed request: never a 5xx; from the Management API
// Auth0's error body with statusCode equal to the HTTP status; from the Authentication API and the pages an
// OAuth error body or a page; and nowhere a stack trace or an internal path.
import type { RawResponse } from './raw-https.ts';

const STACK_TRACE = /\n\s+at .+[(:]\d+:\d+\)?|node_modules|\/src\/[\w/-]+\.ts/;

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isText = (v: unknown) => typeof v === 'string' && v.length > 0;

/** Whether `body` is Auth0's Management API error for `status`. */
export function isAuth0Error(body: Record<string, unknown> | null, status: number): boolean {
  return !!body && body.statusCode === status && isText(body.error) && typeof body.message === 'string' && isText(body.errorCode);
}

/** What is wrong with an answer, or null. `kind` says which API's conventions apply. */
export function answerProblem(kind: 'management' | 'authentication', method: string, res: RawResponse): string | null {
  if (res.status >= 500) return `answered ${res.status}`;
  if (STACK_TRACE.test(res.text)) return 'leaks a stack trace or an internal path';
  if (res.status < 400 || method === 'HEAD') return null;
  const type = String(res.headers['content-type'] ?? '');
  const body = parse(res.text);
  if (kind === 'management') return isAuth0Error(body, res.status) ? null : `${res.status} without Auth0's error body`;
  if (type.startsWith('text/html')) return null;
  if (!type.includes('json') || !body) return `${res.status} answered ${type || 'no content type'} that is neither JSON nor a page`;
  const oauth = isText(body.error) && (body.error_description === undefined || typeof body.error_description === 'string');
  // /dbconnections/signup speaks Auth0's {name, code, description} for sign-up errors.
  const signup = isText(body.code) && body.description !== undefined;
  return oauth || signup || isAuth0Error(body, res.status) ? null : `${res.status} with an unexpected JSON body`;
}
