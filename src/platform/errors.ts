// One registry of the error codes Portrait answers with, each with its fixed HTTP status (as fastify keeps its
// FST_ERR_* codes), rendered in Auth0's Management API shape: {statusCode, error, message, errorCode}.
import { STATUS_CODES } from 'node:http';

export const ERROR_STATUS = {
  invalid_body: 400,
  invalid_query_string: 400,
  invalid_uri: 400,
  invalid_paging: 400,
  operation_not_supported: 400,
  bad_request: 400,
  /** An uploaded picture that is not an acceptable image (wrong type, corrupt, too many pixels, bad crop). */
  invalid_picture: 400,
  invalid_token: 401,
  missing_authentication: 401,
  insufficient_scope: 403,
  forbidden: 403,
  inexistent_user: 404,
  inexistent_connection: 404,
  inexistent_client: 404,
  inexistent_client_grant: 404,
  inexistent_job: 404,
  inexistent_action: 404,
  inexistent_action_version: 404,
  inexistent_resource_server: 404,
  inexistent_role: 404,
  not_found: 404,
  method_not_allowed: 405,
  /** The client took too long to send its request (Node's request timeout). */
  request_timeout: 408,
  user_exists: 409,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  /** The request line and headers together exceed Node's limit (a very long URL counts). */
  headers_too_large: 431,
  too_many_requests: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface Auth0ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errorCode: string;
}

/** An error a client can act on (or a 5xx we chose to answer); its status comes from the registry. */
export class ApiError extends Error {
  readonly statusCode: number;
  constructor(
    readonly errorCode: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = ERROR_STATUS[errorCode];
  }

  toBody(): Auth0ErrorBody {
    return errorBody(this.statusCode, this.message, this.errorCode);
  }
}

export function errorBody(statusCode: number, message: string, errorCode: string): Auth0ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, errorCode };
}

/** Shorthand for `throw new ApiError(...)` in expression position. */
export function fail(code: ErrorCode, message: string): never {
  throw new ApiError(code, message);
}
