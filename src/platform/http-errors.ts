// Turns everything a route can throw into Auth0's error body: our ApiErrors as they are, fastify's own client
// errors (validation, bad JSON, body too large, wrong content type) into the matching registry code, and
// anything else into a logged 500 whose body says nothing about the internals.
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { dependencyFault, faultError, RETRY_AFTER_SECONDS } from './dependency-faults.ts';
import { ApiError, errorBody, type ErrorCode } from './errors.ts';

const VALIDATION_CODES: Record<string, { code: ErrorCode; prefix: string }> = {
  body: { code: 'invalid_body', prefix: 'Payload validation error' },
  querystring: { code: 'invalid_query_string', prefix: 'Query validation error' },
  params: { code: 'invalid_uri', prefix: 'Path validation error' },
  headers: { code: 'bad_request', prefix: 'Header validation error' },
};

function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const where = first.instancePath ? ` on property ${first.instancePath.slice(1).replace(/\//g, '.')}` : '';
  const params = first.params as Record<string, unknown> | undefined;
  if (first.keyword === 'additionalProperties' && params?.additionalProperty) {
    return `'Additional properties not allowed: ${String(params.additionalProperty)}'${where}`;
  }
  return `'${first.message ?? 'invalid value'}'${where}`;
}

function fastifyClientError(error: FastifyError): { code: ErrorCode; message: string } | null {
  if (error.validation) {
    const kind = VALIDATION_CODES[error.validationContext ?? 'body'] ?? VALIDATION_CODES.body;
    return { code: kind.code, message: `${kind.prefix}: ${validationMessage(error)}.` };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'payload_too_large', message: 'Request payload is too large.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'unsupported_media_type', message: 'Unsupported content type.' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'invalid_body', message: 'Payload validation error: empty JSON body.' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'bad_request', message: 'Content-Length does not match the body.' };
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { code: 'invalid_body', message: 'Payload validation error: invalid JSON.' };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return { code: status === 404 ? 'not_found' : 'bad_request', message: error.message };
  return null;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      if (error.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      return reply.status(error.statusCode).send(error.toBody());
    }
    const client = fastifyClientError(error);
    if (client) {
      const e = new ApiError(client.code, client.message);
      return reply.status(e.statusCode).send(e.toBody());
    }
    const fault = dependencyFault(error);
    if (fault) {
      // Not a bug and not the client's doing: the database or the object store is away, and the next request
      // may well succeed. Warn, not error: an outage would otherwise fill the error log with one stack per request.
      request.log.warn({ err: error, fault }, 'a dependency failed');
      const e = faultError(fault);
      if (fault === 'unavailable') reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply.status(e.statusCode).send(e.toBody());
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send(errorBody(500, 'Internal error.', 'internal_error'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody(404, `Not Found: ${request.method} ${request.url.split('?')[0]}`, 'not_found'));
  });
}

/** Errors the router raises before any route runs (a malformed or over-long path), in the same shape. */
export const frameworkErrors: FastifyServerOptions['frameworkErrors'] = (error, _request, reply: FastifyReply) => {
  const e = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? new ApiError('uri_too_long', 'A path segment is too long.')
    : new ApiError('invalid_uri', 'The request path is not a valid URL.');
  reply.status(e.statusCode).send(e.toBody());
};

/**
 * Requests Node's HTTP parser refuses before fastify sees them (a URL or headers over the size limit, a request
 * that is not HTTP, a client too slow to send one), written straight to the socket in the same shape: fastify's
 * default answers these with a body that lacks errorCode.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const e = error.code === 'HPE_HEADER_OVERFLOW'
    ? new ApiError('headers_too_large', `The request line and headers exceed ${maxHeaderSize} bytes.`)
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new ApiError('request_timeout', 'The request was not received in time.')
      : new ApiError('bad_request', 'The request is not valid HTTP.');
  const body = JSON.stringify(e.toBody());
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${e.statusCode} ${STATUS_CODES[e.statusCode]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
