// Generates the robustness sweep's malformed requests from an OpenAPI document: for every operation, its path
// parameters broken, its query parameters mistyped and repeated, its body's every property given every wrong
// kind of value, the body itself malformed or in the wrong content type, and the methods the path lacks.
import type { RawRequest } from './raw-https.ts';
import { NESTED_VARIANTS, PATH_VARIANTS, QUERY_VARIANTS, renderJson, TYPE_VARIANTS, DEEP, BAD_UTF8, HUGE_STRING } from './sweep-values.ts';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: JsonSchema;
}

export interface Operation {
  method: string;
  /** e.g. /users/{id}, relative to the API's base path. */
  template: string;
  parameters: Parameter[];
  body?: JsonSchema;
}

export interface SweepCase {
  label: string;
  request: RawRequest;
}

type OpenApiDocument = { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> };

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([template, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content['application/json']?.schema,
    })),
  );
}

/** Known-good values by property name, so a base body gets past the first checks and mutations reach deep. */
export type FieldSamples = Record<string, () => unknown>;

function first(schema: JsonSchema): JsonSchema {
  return schema.anyOf?.[0] ?? schema.oneOf?.[0] ?? schema;
}

export function sampleValue(schema: JsonSchema, samples: FieldSamples, name = ''): unknown {
  if (name && samples[name]) return samples[name]();
  const s = first(schema);
  if (s.enum) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'email') return 'sweep@example.com';
      if (s.format === 'uri') return 'https://example.com/';
      return 'sweep'.padEnd(s.minLength ?? 0, 'x');
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return s.minItems ? [sampleValue(s.items ?? {}, samples)] : [];
    case 'object':
    default: {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = sampleValue(s.properties?.[key] ?? {}, samples, key);
      return out;
    }
  }
}

/**
 * The body a case starts from: the required properties, and when creating (`complete`) every property the samples
 * know a good value for, so that a mutation of one property is the only thing wrong with it.
 */
export function baseBody(schema: JsonSchema, samples: FieldSamples, complete: boolean): Record<string, unknown> {
  const body = sampleValue(schema, samples) as Record<string, unknown>;
  if (complete) for (const key of Object.keys(first(schema).properties ?? {})) if (samples[key] && !(key in body)) body[key] = samples[key]();
  return body;
}

const json = (body: Buffer | string) => ({ body, headers: { 'content-type': 'application/json' } });

/** Whole-body mistakes that apply to any route that reads a body. */
export function bodyShapeCases(label: string, base: Record<string, unknown>): Array<{ label: string; body?: Buffer | string; headers: Record<string, string> }> {
  const valid = JSON.stringify(base);
  return [
    { label: `${label}: empty JSON body`, ...json('') },
    { label: `${label}: invalid JSON`, ...json('{"a":') },
    { label: `${label}: top-level array`, ...json('[]') },
    { label: `${label}: top-level string`, ...json('"x"') },
    { label: `${label}: top-level null`, ...json('null') },
    { label: `${label}: top-level number`, ...json('1e400') },
    { label: `${label}: unknown property`, ...json(JSON.stringify({ ...base, sweep_unknown: 1 })) },
    { label: `${label}: __proto__ property`, ...json(valid.replace(/^\{/, '{"__proto__":{"admin":true},').replace(',}', '}')) },
    { label: `${label}: 10,000-deep body`, ...json(renderJson({ ...base, sweep_deep: DEEP })) },
    { label: `${label}: 10,000-deep top level`, ...json('['.repeat(10_000) + ']'.repeat(10_000)) },
    { label: `${label}: non-UTF-8 body`, ...json(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}')])) },
    { label: `${label}: every string 200 KB`, ...json(JSON.stringify(Object.fromEntries(Object.entries(base).map(([k, v]) => [k, typeof v === 'string' ? HUGE_STRING : v])))) },
    { label: `${label}: JSON as text/plain`, body: valid, headers: { 'content-type': 'text/plain' } },
    { label: `${label}: form where JSON is expected`, body: 'a=1&b=2&b=3', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { label: `${label}: multipart where JSON is expected`, body: '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=b' } },
    { label: `${label}: broken multipart`, body: '--b\r\nContent-Dispo', headers: { 'content-type': 'multipart/form-data; boundary=b' } },
    { label: `${label}: JSON in latin-1`, body: Buffer.from(JSON.stringify({ ...base, sweep: 'é' }), 'latin1'), headers: { 'content-type': 'application/json; charset=iso-8859-1' } },
    { label: `${label}: XML`, body: '<a/>', headers: { 'content-type': 'application/xml' } },
    { label: `${label}: no content type`, body: valid, headers: {} },
  ];
}

/** Every property (and every property one level down) given every wrong kind of value. */
export function propertyCases(label: string, schema: JsonSchema, makeBase: () => Record<string, unknown>): Array<{ label: string; body: Buffer }> {
  const out: Array<{ label: string; body: Buffer }> = [];
  for (const [key, prop] of Object.entries(first(schema).properties ?? {})) {
    const base = makeBase();
    for (const [kind, value] of TYPE_VARIANTS) out.push({ label: `${label}: ${key} as ${kind}`, body: renderJson({ ...makeBase(), [key]: value }) });
    const p = first(prop);
    if (p.type === 'array' || p.items) {
      for (const [kind, value] of NESTED_VARIANTS) out.push({ label: `${label}: ${key}[0] as ${kind}`, body: renderJson({ ...makeBase(), [key]: [value] }) });
      out.push({ label: `${label}: ${key} with 10,000 items`, body: renderJson({ ...makeBase(), [key]: Array.from({ length: 10_000 }, () => 'x') }) });
    }
    const nested = p.properties ?? p.items?.properties;
    const baseNested = (p.items ? {} : (base[key] as Record<string, unknown> | undefined)) ?? {};
    for (const sub of Object.keys(nested ?? {})) {
      for (const [kind, value] of NESTED_VARIANTS) {
        const inner = { ...baseNested, [sub]: value };
        out.push({ label: `${label}: ${key}.${sub} as ${kind}`, body: renderJson({ ...makeBase(), [key]: p.items ? [inner] : inner }) });
      }
    }
    if (p.type === 'object' && !p.properties) {
      out.push({ label: `${label}: ${key} with 1,000 keys`, body: renderJson({ ...makeBase(), [key]: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])) }) });
      out.push({ label: `${label}: ${key} with hostile keys`, body: renderJson({ ...makeBase(), [key]: { '': 1, 'a.b': 1, $where: 1, constructor: { prototype: 1 }, [BAD_UTF8]: 1, ['k'.repeat(10_000)]: 1 } }) });
    }
  }
  return out;
}

/** Query cases: each parameter mistyped, repeated, array-shaped, plus an unknown parameter. */
export function queryCases(label: string, names: string[]): Array<{ label: string; query: string }> {
  const out: Array<{ label: string; query: string }> = [];
  for (const name of names) {
    for (const [kind, value] of QUERY_VARIANTS) out.push({ label: `${label}: ?${name} ${kind}`, query: `${name}=${value}` });
    out.push({ label: `${label}: ?${name} repeated`, query: `${name}=1&${name}=2` });
    out.push({ label: `${label}: ?${name}[]`, query: `${name}[]=1&${name}[a]=2` });
  }
  out.push({ label: `${label}: unknown query parameter`, query: 'sweep_unknown=1' });
  out.push({ label: `${label}: 200 KB query`, query: `sweep=${'x'.repeat(200_000)}` });
  return out;
}

/** Each path parameter replaced by every hostile segment, the others kept valid. */
export function pathCases(label: string, template: string, fill: (name: string, template: string) => string): Array<{ label: string; path: string }> {
  const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const out: Array<{ label: string; path: string }> = [];
  for (const name of names) {
    for (const [kind, value] of PATH_VARIANTS) {
      const path = template.replace(/\{([^}]+)\}/g, (_, n: string) => (n === name ? value : encodeURIComponent(fill(n, template))));
      out.push({ label: `${label}: {${name}} ${kind}`, path });
    }
  }
  return out;
}

export const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function fillPath(template: string, fill: (name: string, template: string) => string): string {
  return template.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(fill(n, template)));
}
