// Structured logs (pino, fastify's own) with a request id on every line; credentials never reach the log.
import { LogController, type FastifyServerOptions } from 'fastify';
import { newRequestId } from './ids.ts';

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
  };
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export const requestIdOptions: Pick<FastifyServerOptions, 'genReqId' | 'logController'> = {
  logController: new LogController({ requestIdLogLabel: 'request_id' }),
  // A caller's X-Request-Id is kept when it is harmless, so logs can be joined across services.
  genReqId(request) {
    const given = request.headers['x-request-id'];
    return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : newRequestId();
  },
};
