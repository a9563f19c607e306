// Request validation failures of the users routes in Auth0's words (z-schema's, inside Auth0's frame), e.g.
//   Payload validation error: 'Expected type boolean but found type string' on property blocked (Whether …).
// Installed as the users plugin's error handler: it rewrites ajv's complaint and re-throws, so the
// Management API's own handler still renders every error.
import type { FastifyError, FastifyRequest } from 'fastify';
import { badFormat, badPattern, validationError, type ValidationFrame } from './validation-messages.ts';

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function detail(error: AjvError, value: unknown): string {
  const p = error.params;
  switch (error.keyword) {
    case 'type':
      return `Expected type ${Array.isArray(p.type) ? p.type.join(',') : String(p.type)} but found type ${typeName(value)}`;
    case 'maxLength':
      return `String is too long (${[...String(value)].length} chars), maximum ${String(p.limit)}`;
    case 'minLength':
      return `String is too short (${[...String(value)].length} chars), minimum ${String(p.limit)}`;
    case 'pattern':
      return badPattern(String(p.pattern), value);
    case 'format':
      return badFormat(String(p.format), value);
    case 'enum':
    case 'const':
    case 'anyOf':
      return `No enum match for: ${JSON.stringify(value)}`;
    case 'minimum':
      return `Value ${String(value)} is less than minimum ${String(p.limit)}`;
    case 'maximum':
      return `Value ${String(value)} is greater than maximum ${String(p.limit)}`;
    case 'required':
      return `Missing required property: ${String(p.missingProperty)}`;
    case 'additionalProperties':
      return `Additional properties not allowed: ${String(p.additionalProperty)}`;
    default:
      return error.message ?? 'Invalid value';
  }
}

const SOURCES: Record<string, { frame: ValidationFrame; read: (r: FastifyRequest) => unknown }> = {
  body: { frame: 'body', read: (r) => r.body },
  querystring: { frame: 'querystring', read: (r) => r.query },
  params: { frame: 'params', read: (r) => r.params },
};

/** Rewrites a fastify validation error; leaves every other error alone. */
export function auth0ValidationError(error: FastifyError, request: FastifyRequest): Error {
  const first = error.validation?.[0] as AjvError | undefined;
  const source = SOURCES[error.validationContext ?? ''];
  if (!first || !source) return error;
  // anyOf reports its branches first; the value is the same, so name the union itself.
  const union = error.validation!.find((e) => e.keyword === 'anyOf') as AjvError | undefined;
  const chosen = union && union.instancePath === first.instancePath ? union : first;
  const value = valueAt(source.read(request), chosen.instancePath);
  const property = chosen.instancePath ? chosen.instancePath.slice(1).replace(/\//g, '.') : undefined;
  const atRoot = chosen.keyword === 'required' || chosen.keyword === 'additionalProperties';
  return validationError(detail(chosen, value), atRoot && !property ? undefined : property, source.frame);
}
