// fast-check arbitraries for the Management API fuzzer: values from an operation's JSON schema, hostile strings
// (NUL, lone surrogates, quotes, traversal, long), and any JSON; every string may carry what the robustness
// sweep found dangerous, so that generated requests exercise the text guard and the stores' limits.
import fc from 'fast-check';
import type { JsonSchema } from './sweep-cases.ts';

type Schema = JsonSchema & { maximum?: number; maxLength?: number; additionalProperties?: unknown };

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\ud83d', '\udfff\ud800', '', ' ', '..', '../..', '%00', "'", '"', '\\', '\\u0000',
      '<script>alert(1)</script>', 'a'.repeat(300), '$where', '__proto__', 'constructor', 'auth0|', '😀', 'e\u0301', '\u202e',
    ),
  },
);

export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  hostileString,
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

function stringFor(s: Schema): fc.Arbitrary<unknown> {
  const formatted =
    s.format === 'email' ? fc.emailAddress() : s.format === 'uri' ? fc.webUrl() : fc.string({ minLength: s.minLength ?? 0, maxLength: Math.max(Math.min(s.maxLength ?? 30, 30), s.minLength ?? 0) });
  return fc.oneof({ weight: 2, arbitrary: formatted }, { weight: 1, arbitrary: hostileString });
}

/** Values for `schema` (mostly valid in shape, often hostile in content), `depth` levels at most. */
export function fromSchema(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 3) return anyJson;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => fromSchema(s as Schema, depth + 1)));
  if (schema.enum?.length) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: hostileString });
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.constantFrom(schema.minimum ?? 0, schema.maximum ?? 100, (schema.maximum ?? 100) + 1, -1));
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(schema.items as Schema | undefined, depth + 1), { maxLength: 3 });
    case 'object': {
      const properties = schema.properties ?? {};
      if (Object.keys(properties).length === 0) return fc.dictionary(hostileString, anyJson, { maxKeys: 4 });
      const model = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, fromSchema(v as Schema, depth + 1)]));
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
    }
    default:
      return anyJson;
  }
}

/** Percent-encodes text for a path or query, lone surrogates included (as the UTF-8 of U+FFFD, as a browser would). */
export function encodeText(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  }
}
