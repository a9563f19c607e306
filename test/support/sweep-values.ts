// The hostile values the robustness sweep puts in bodies, queries and paths, and how a body holding them is
// written out. Values that JSON.stringify cannot produce (10,000-deep nesting, non-UTF-8 bytes, 1e400) are
// sentinels in the object and spliced into the bytes afterwards, so building a case never recurses or throws.

export const HUGE_STRING = 'x'.repeat(200_000);
export const DEEP_DEPTH = 10_000;

const SENTINELS = {
  deep: '__sweep_deep__',
  badUtf8: '__sweep_bad_utf8__',
  overflow: '__sweep_1e400__',
  bigint: '__sweep_bigint__',
} as const;

export const DEEP = SENTINELS.deep;
export const BAD_UTF8 = SENTINELS.badUtf8;

const SPLICES: Record<string, Buffer> = {
  [`"${SENTINELS.deep}"`]: Buffer.from('{"a":'.repeat(DEEP_DEPTH) + '[]' + '}'.repeat(DEEP_DEPTH)),
  // A lone continuation byte, a truncated 3-byte sequence and an overlong encoding of '/'.
  [`"${SENTINELS.badUtf8}"`]: Buffer.concat([Buffer.from('"a'), Buffer.from([0x80, 0xe2, 0x82, 0xc0, 0xaf, 0xff]), Buffer.from('b"')]),
  [`"${SENTINELS.overflow}"`]: Buffer.from('1e400'),
  [`"${SENTINELS.bigint}"`]: Buffer.from('18446744073709551616'),
};

/** A value of every JSON kind, and the hostile ones, each with a name for the failure report. */
export const TYPE_VARIANTS: ReadonlyArray<readonly [string, unknown]> = [
  ['a string', 'sweep'],
  ['an empty string', ''],
  ['a number', 42],
  ['a negative number', -1],
  ['a fraction', 1.5],
  ['1e400', SENTINELS.overflow],
  ['2^64', SENTINELS.bigint],
  ['a boolean', true],
  ['null', null],
  ['an empty array', []],
  ['an array of mixed values', [1, 'a', null, {}, []]],
  ['an empty object', {}],
  ['a nested object', { a: { b: [1, { c: 'd' }] } }],
  ['a 200 KB string', HUGE_STRING],
  ['10,000-deep JSON', SENTINELS.deep],
  ['non-UTF-8 bytes', SENTINELS.badUtf8],
  ['control and bidi characters', 'a\u0000b\u202ec\ud800'],
];

/** The shorter list for properties one level down and for array items. */
export const NESTED_VARIANTS = TYPE_VARIANTS.filter(([name]) =>
  ['a string', 'a number', 'null', 'an empty array', 'an empty object', 'a 200 KB string', '10,000-deep JSON', 'non-UTF-8 bytes', '1e400'].includes(name));

/** JSON text of `value`, with the sentinels replaced by their raw bytes. */
export function renderJson(value: unknown): Buffer {
  let text = JSON.stringify(value);
  const parts: Buffer[] = [];
  for (;;) {
    let at = -1;
    let found = '';
    for (const key of Object.keys(SPLICES)) {
      const i = text.indexOf(key);
      if (i !== -1 && (at === -1 || i < at)) {
        at = i;
        found = key;
      }
    }
    if (at === -1) break;
    parts.push(Buffer.from(text.slice(0, at)), SPLICES[found]);
    text = text.slice(at + found.length);
  }
  parts.push(Buffer.from(text));
  return Buffer.concat(parts);
}

/** Path segments a router, a decoder or a store might trip on (already percent-encoded where needed). */
export const PATH_VARIANTS: ReadonlyArray<readonly [string, string]> = [
  ['5,000 characters', 'a'.repeat(5000)],
  ['700 characters', 'a'.repeat(700)],
  ['%00', 'a%00b'],
  ['%2F', 'a%2Fb'],
  ['..', '..'],
  ['%2E%2E', '%2E%2E'],
  ['%2E%2E%2F', '%2E%2E%2Fusers'],
  ['unicode', encodeURIComponent('ünï😀')],
  ['a quote', "a'b"],
  ['a double quote', 'a"b'],
  ['SQL', encodeURIComponent("x' OR '1'='1")],
  ['a bad percent-encoding', '%E0%A4%A'],
  ['a lone %', '%'],
  ['invalid UTF-8 percent-encoded', '%FF%FE'],
  ['a pipe', 'auth0%7C'],
  ['whitespace', '%20%09'],
];

/** Query values for one parameter (already percent-encoded), whatever its declared type. */
export const QUERY_VARIANTS: ReadonlyArray<readonly [string, string]> = [
  ['not a number', 'abc'],
  ['negative', '-1'],
  ['a fraction', '1.5'],
  ['1e400', '1e400'],
  ['huge', '99999999999999999999999'],
  ['hex', '0x10'],
  ['empty', ''],
  ['not a boolean', 'maybe'],
  ['%00', 'a%00b'],
  ['invalid UTF-8', '%FF%FE'],
  ['a bad percent-encoding', '%E0%A4%A'],
  ['quotes', encodeURIComponent(`'"<>`)],
  ['5,000 characters', 'q'.repeat(5000)],
];
