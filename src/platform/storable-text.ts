// Text that no store keeps faithfully: the NUL character (PostgreSQL refuses it in text and in jsonb, SQLite
// keeps it) and unpaired UTF-16 surrogates (PostgreSQL's jsonb refuses `\ud800`, text columns get U+FFFD, SQLite
// keeps the escape). Left alone, the same request answered 500 on PostgreSQL and 201 on SQLite. Portrait refuses
// such text with a 400 on both dialects (decision in src/users/README.md, "Text that cannot be stored").
//
// Two checks use these rules: every request's parsed path, query and body at the HTTP boundary (validation.ts),
// which names the property; and every parameter of every SQL statement (db/storable-text-dialect.ts), the
// backstop for input that reaches the database by another way (the OpenID provider's form bodies).

/** A NUL, or a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The same characters written as JSON escapes, as JSON.stringify writes them into a JSON column's text: `\u0000`,
 * a high-surrogate escape not followed by a low one, a low one not preceded by a high one. Only after an even
 * number of backslashes, so `\\u0000` (a backslash and the text "u0000") is not mistaken for one.
 */
const ESCAPE = String.raw`(?<!\\)(?:\\\\)*\\u`;
const UNSTORABLE_JSON_ESCAPE = new RegExp(
  `${ESCAPE}0000|${ESCAPE}d[89ab][0-9a-f]{2}(?!\\\\ud[c-f])|(?<!\\\\ud[89ab][0-9a-f]{2})${ESCAPE}d[c-f][0-9a-f]{2}`,
  'i',
);
/** JSON columns are bound as JSON text (db/json.ts): an object or an array. Other text is taken literally. */
const JSON_TEXT = /^\s*[[{]/;

export const UNSTORABLE_TEXT_MESSAGE = 'a NUL character (U+0000) or an unpaired UTF-16 surrogate cannot be stored';

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** Whether a string bound to a SQL statement holds unstorable text, raw or (in JSON text) escaped. */
export function isStorableParameter(text: string): boolean {
  return !UNSTORABLE.test(text) && !(JSON_TEXT.test(text) && text.includes('\\u') && UNSTORABLE_JSON_ESCAPE.test(text));
}

/**
 * Where in `value` (strings, object keys, array items, at any depth) unstorable text is, as a dotted path
 * ('' for `value` itself), or null when there is none.
 */
export function unstorableTextAt(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableTextAt(value[i], path ? `${path}[${i}]` : `[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (!isStorableText(key)) return at;
    const found = unstorableTextAt(inner, at);
    if (found !== null) return found;
  }
  return null;
}
