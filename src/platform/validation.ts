// How request schemas are applied. Fastify's default silently strips unknown properties; Auth0 refuses them
// ("Additional properties not allowed"), so Portrait does too. Query strings are coerced (they are text).
import type { FastifyServerOptions } from 'fastify';

export const ajvOptions: FastifyServerOptions['ajv'] = {
  customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false, useDefaults: true },
};
