// How request schemas are applied. Two rules differ from fastify's defaults, both to match Auth0:
// - unknown properties are refused ("Additional properties not allowed"), not silently stripped;
// - only text parts of a request (query string, path, headers) are coerced to the schema's types; a JSON body
//   that says `"callbacks": "https://x"` where an array is expected is a client's mistake and answers 400.
import { Ajv, type Options } from 'ajv';
import formats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { ApiError } from './errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextAt } from './storable-text.ts';

const BASE_OPTIONS: Options = { removeAdditional: false, allErrors: false, useDefaults: true, strict: false };

function makeAjv(coerce: boolean, externalSchemas: Record<string, unknown>): Ajv {
  const ajv = new Ajv({ ...BASE_OPTIONS, coerceTypes: coerce ? 'array' : false });
  // ajv-formats is CommonJS; under NodeNext its function is the default export's default.
  formats.default(ajv);
  for (const schema of Object.values(externalSchemas)) ajv.addSchema(schema as object);
  return ajv;
}

export const schemaController: FastifyServerOptions['schemaController'] = {
  compilersFactory: {
    buildValidator(externalSchemas: Record<string, unknown>) {
      const forBodies = makeAjv(false, externalSchemas);
      const forText = makeAjv(true, externalSchemas);
      return (route: { schema: unknown; httpPart?: string }) =>
        (route.httpPart === 'body' ? forBodies : forText).compile(route.schema as object);
    },
  },
};

/**
 * JSON bodies as fastify parses them (with its prototype-poisoning guard), except that an empty body is no body:
 * clients, the auth0 SDK among them, send `Content-Type: application/json` on DELETE and GET with nothing after it;
 * and a body nested deeper than MAX_JSON_DEPTH is refused before it is parsed (see json-depth.ts).
 */
export function installJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      return done(new ApiError('invalid_body', `Payload validation error: JSON nested more than ${MAX_JSON_DEPTH} levels deep.`), undefined);
    }
    return parseJson(request, text, done);
  });
}

/** How a route renders the text guard's refusal when Auth0's Management API shape is not its shape. */
export type TextRefusalRenderer = (reply: FastifyReply, error: ApiError) => FastifyReply;

const TEXT_PARTS = [
  { part: 'params', code: 'invalid_uri', prefix: 'Path validation error' },
  { part: 'query', code: 'invalid_query_string', prefix: 'Query validation error' },
  { part: 'body', code: 'invalid_body', prefix: 'Payload validation error' },
] as const;

/**
 * Refuses, before any route's schema or handler runs, a request whose path, query or body holds a NUL or an
 * unpaired surrogate anywhere (storable-text.ts): the same 400 on both dialects, naming the property. Routes whose
 * bodies fastify does not parse (the OpenID provider's) are covered by the database's own check.
 */
export function installTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request, reply) => {
    for (const { part, code, prefix } of TEXT_PARTS) {
      const at = unstorableTextAt(request[part]);
      if (at === null) continue;
      const where = at ? ` on property ${at.replace(/[^\x20-\x7e]/g, '?')}` : '';
      const error = new ApiError(code, `${prefix}: '${UNSTORABLE_TEXT_MESSAGE}'${where}.`);
      // A route that answers in another API's error shape (/dbconnections/signup) renders the refusal itself.
      const render = (request.routeOptions.config as { unstorableText?: TextRefusalRenderer }).unstorableText;
      if (render) return render(reply, error);
      throw error;
    }
  });
}
