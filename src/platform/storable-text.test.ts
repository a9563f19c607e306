import { describe, expect, it } from 'vitest';
import { checkParameters, UnstorableTextError } from './db/storable-text-dialect.ts';
import { isStorableParameter, isStorableText, unstorableTextAt } from './storable-text.ts';

describe('text that no store keeps faithfully', () => {
  it('refuses NUL and unpaired surrogates, keeps everything else', () => {
    for (const bad of ['a\u0000b', '\u0000', 'a\ud800', '\ud800b', 'a\udc00', '\udc00\ud800']) expect(isStorableText(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ['', 'plain', 'ünï😀', '\ud83d\ude00', 'a\u0001b', '\\u0000', 'tab\there']) expect(isStorableText(good), JSON.stringify(good)).toBe(true);
  });

  it('finds escaped NUL and lone surrogates in JSON text, as JSON.stringify writes them', () => {
    for (const bad of [{ a: 'x\u0000' }, { 'k\u0000': 1 }, ['\ud800'], { a: ['\udfff'] }]) expect(isStorableParameter(JSON.stringify(bad))).toBe(false);
    for (const good of [{ a: '😀' }, { a: '\\u0000' }, { a: '\\\\u0000' }, ['\\ud800']]) expect(isStorableParameter(JSON.stringify(good)), JSON.stringify(good)).toBe(true);
    expect(isStorableParameter('{"a":"\\ud83d\\ude00"}')).toBe(true);
    // Outside JSON text an escape is just text (an Action's code may well say '\u0000' or '\ud83d').
    expect(isStorableParameter("exports.x = '\\u0000\\ud800';")).toBe(true);
  });

  it('names the property that holds it, keys included', () => {
    expect(unstorableTextAt({ name: 'ok', user_metadata: { a: [1, 'x\u0000'] } })).toBe('user_metadata.a[1]');
    expect(unstorableTextAt({ user_metadata: { 'b\ud800': 1 } })).toBe('user_metadata.b\ud800');
    expect(unstorableTextAt('a\u0000')).toBe('');
    expect(unstorableTextAt({ a: 'fine', b: [{ c: 1 }] })).toBeNull();
  });

  it('makes a statement binding such text throw a 400 before it is sent', () => {
    expect(() => checkParameters(['ok', 1, null, 'a\u0000'])).toThrow(UnstorableTextError);
    expect(() => checkParameters(['ok', '{"a":"b"}'])).not.toThrow();
    expect(new UnstorableTextError().statusCode).toBe(400);
  });
});
