// The error handler on a real fastify instance: every kind of client mistake becomes Auth0's error body with
// the registry's status, and an unexpected failure becomes a 500 that says nothing about the internals.
import { Type } from '@sinclair/typebox';
import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { clientErrorHandler, installErrorHandling } from './http-errors.ts';
import { schemaController } from './validation.ts';

describe('installErrorHandling', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify({ logger: false, bodyLimit: 1024, schemaController });
    installErrorHandling(app);
    app.post('/things/:id', {
      schema: {
        params: Type.Object({ id: Type.String({ pattern: '^[a-z]+$' }) }),
        querystring: Type.Object({ n: Type.Optional(Type.Integer()) }, { additionalProperties: false }),
        body: Type.Object({ name: Type.String({ maxLength: 5 }), tags: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: false }),
      },
    }, async () => ({ ok: true }));
    app.get('/conflict', async () => {
      throw new ApiError('user_exists', 'The user already exists.');
    });
    app.get('/boom', async () => {
      throw new Error('secret database password is hunter2');
    });
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (url: string, payload: string, contentType = 'application/json') =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });

  it.each([
    ['a body property that is not allowed', '/things/abc', '{"name":"x","extra":1}', 'invalid_body', "Payload validation error: 'Additional properties not allowed: extra'."],
    ['a body value too long', '/things/abc', '{"name":"toolong"}', 'invalid_body', "Payload validation error: 'must NOT have more than 5 characters' on property name."],
    ['broken JSON', '/things/abc', '{"name":', 'invalid_body', 'Payload validation error: invalid JSON.'],
    ['a string where the body wants an array', '/things/abc', '{"name":"x","tags":"a"}', 'invalid_body', "Payload validation error: 'must be array' on property tags."],
    ['a number where the body wants a string', '/things/abc', '{"name":5}', 'invalid_body', "Payload validation error: 'must be string' on property name."],
    ['a bad path parameter', '/things/ABC', '{"name":"x"}', 'invalid_uri', "Path validation error: 'must match pattern \"^[a-z]+$\"' on property id."],
    ['an unknown query parameter', '/things/abc?zzz=1', '{"name":"x"}', 'invalid_query_string', "Query validation error: 'Additional properties not allowed: zzz'."],
  ])('answers %s with 400 %s', async (_what, url, payload, errorCode, message) => {
    const res = await post(url, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ statusCode: 400, error: 'Bad Request', message, errorCode });
  });

  it('coerces query strings to the schema types', async () => {
    expect((await post('/things/abc?n=5', '{"name":"x"}')).statusCode).toBe(200);
    const res = await post('/things/abc?n=five', '{"name":"x"}');
    expect(res.json()).toMatchObject({ statusCode: 400, errorCode: 'invalid_query_string' });
  });

  it('answers a body over the limit with 413, a wrong content type with 415', async () => {
    const big = await post('/things/abc', JSON.stringify({ name: 'x'.repeat(5000) }));
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large', errorCode: 'payload_too_large' });
    const xml = await post('/things/abc', '<a/>', 'application/xml');
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toMatchObject({ errorCode: 'unsupported_media_type' });
  });

  it('renders ApiErrors with the registry status, unknown routes as 404', async () => {
    expect((await app.inject('/conflict')).json()).toEqual({ statusCode: 409, error: 'Conflict', message: 'The user already exists.', errorCode: 'user_exists' });
    const missing = await app.inject('/nowhere?x=1');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Not Found: GET /nowhere', errorCode: 'not_found' });
  });

  it('answers an unexpected error with a bare 500', async () => {
    const res = await app.inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal error.', errorCode: 'internal_error' });
    expect(res.body).not.toContain('hunter2');
  });
});

// Found by the robustness sweep: a 200 KB query string answered fastify's default 431 body, without errorCode.
describe('clientErrorHandler', () => {
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    app = Fastify({ logger: false, clientErrorHandler });
    app.get('/', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(() => app.close());

  /** Writes bytes on a fresh connection and returns everything the server writes back. */
  const exchange = (bytes: string) => new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    let out = '';
    socket.on('data', (c) => (out += c.toString()));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
  const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

  it('answers a URL over the header limit with 431 in the registry shape', async () => {
    const answer = await exchange(`GET /?q=${'x'.repeat(200_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1.1 431 /);
    expect(bodyOf(answer)).toEqual({ statusCode: 431, error: 'Request Header Fields Too Large', message: expect.stringContaining('exceed'), errorCode: 'headers_too_large' });
  });

  it('answers bytes that are not HTTP with 400 in the registry shape', async () => {
    const answer = await exchange('NOT HTTP AT ALL\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1.1 400 /);
    expect(bodyOf(answer)).toMatchObject({ statusCode: 400, errorCode: 'bad_request' });
  });
});
