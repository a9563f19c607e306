// The console's only way to the server: the public Management API with the administrator's bearer token.
import { accessToken } from './auth';

let base = '/api/v2';
export function setApiBase(issuer: string) {
  base = `${issuer.replace(/\/$/, '')}/api/v2`;
}

/** An error the API answered, in Auth0's shape: shown in words next to what caused it. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${await accessToken()}` };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(base + path, { method, headers, body: payload });
  const text = await res.text();
  const data = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const message = (data && typeof data === 'object' && 'message' in data ? String(data.message) : '') || `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message, data && typeof data === 'object' && 'errorCode' in data ? String(data.errorCode) : undefined);
  }
  return data as T;
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const enc = encodeURIComponent;
