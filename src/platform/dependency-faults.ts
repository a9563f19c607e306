// Tells a failure of something Portrait depends on (the database, the object store, the disk) from a bug. Such a
// failure is not the client's fault and not a defect to report as 500: the request is answered 503 (retry
// shortly) or 507 (out of space), and the process keeps running so it serves again as soon as the dependency is
// back. The classification looks at error codes, never at which call site threw, so every route gets it.
import { ApiError } from './errors.ts';

/** `unavailable`: cannot be reached or is busy; `storage_full`: the disk or the database ran out of space. */
export type DependencyFault = 'unavailable' | 'storage_full';

/** Node's socket and file-system codes for a peer or a disk that is not there or not answering. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH',
  'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'EIO', 'EMFILE', 'ENFILE', 'EROFS', 'EBUSY', 'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'SQLITE_FULL']);

/**
 * PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html): class 08 (connection
 * exception), 57P01–57P03 (shutting down, restarting), 53xxx (out of connections or memory), 58xxx (I/O).
 * 53100 is disk_full.
 */
const PG_UNAVAILABLE = /^(08...|57P0[1-3]|53[0-9A-Z]{3}|58[0-9A-Z]{3})$/;
const PG_FULL = '53100';

/** SQLite's extended codes that mean "busy" or "the disk failed", not "your SQL is wrong". */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|PROTOCOL|NOMEM|READONLY)/;

/** pg raises these as plain Errors without a code when the server goes away or cannot be reached in time. */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'Client was closed',
  'Connection terminated due to connection timeout',
];

interface Inspectable {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function classifyOne(error: Inspectable): DependencyFault | null {
  const code = typeof error.code === 'string' ? error.code : '';
  if (FULL_CODES.has(code) || code === PG_FULL) return 'storage_full';
  if (UNAVAILABLE_CODES.has(code) || SQLITE_UNAVAILABLE.test(code) || PG_UNAVAILABLE.test(code)) return 'unavailable';
  const message = typeof error.message === 'string' ? error.message : '';
  if (PG_CONNECTION_MESSAGES.some((m) => message.startsWith(m))) return 'unavailable';
  // The AWS SDK: its own timeouts, and an object store answering 5xx (SlowDown, ServiceUnavailable, InternalError).
  if (error.name === 'TimeoutError' || error.name === 'RequestTimeout') return 'unavailable';
  const status = error.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return 'unavailable';
  return null;
}

/** What kind of dependency failure this error is, looking through `cause` and AggregateError, or null for any other error. */
export function dependencyFault(error: unknown, depth = 0): DependencyFault | null {
  if (!error || typeof error !== 'object' || depth > 5) return null;
  const e = error as Inspectable;
  const own = classifyOne(e);
  if (own) return own;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const fault = dependencyFault(inner, depth + 1);
      if (fault) return fault;
    }
  }
  return dependencyFault(e.cause, depth + 1);
}

/** What a client is told (Auth0's shape, from the registry); the details (which host, which file) stay in the log. */
export function faultError(fault: DependencyFault): ApiError {
  return fault === 'storage_full'
    ? new ApiError('insufficient_storage', 'The server has run out of storage space. Try again later.')
    : new ApiError('temporarily_unavailable', 'The service is temporarily unavailable. Try again in a few seconds.');
}

/** Seconds a client should wait before retrying (the Retry-After header of a 503). */
export const RETRY_AFTER_SECONDS = 5;
