import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ImportFileError } from './import-file-error.ts';
import { parseUsersFile, type ImportRecord, type ParseUsersFileOptions } from './parse-users-file.ts';

const bcrypt = '$2b$10$nFguVi9LsCAcvTZFKQlRKeLVydo8ETv483lkNsSFI/Wl1Rz1Ypo1K';

/** Feeds `text` in chunks of `size` bytes, to cross every boundary the splitters must handle. */
function chunks(text: string | Buffer, size = 7): Readable {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

async function collect(text: string | Buffer, options?: ParseUsersFileOptions, size?: number): Promise<ImportRecord[]> {
  const out: ImportRecord[] = [];
  for await (const r of parseUsersFile(chunks(text, size), options)) out.push(r);
  return out;
}

async function fileError(text: string | Buffer, options?: ParseUsersFileOptions): Promise<ImportFileError> {
  try {
    await collect(text, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ImportFileError);
    return err as ImportFileError;
  }
  throw new Error('expected an ImportFileError');
}

describe('parseUsersFile: JSON array', () => {
  it('streams users with strings containing brackets, quotes, escapes and multi-byte characters', async () => {
    const users = [
      { email: 'a@b.co', name: 'Zoë "]}," \\ ✓', user_metadata: { nested: [{ a: '[{' }], n: 1 } },
      { email: 'c@d.co', password_hash: bcrypt },
    ];
    for (const size of [1, 3, 7, 1024]) {
      const records = await collect('\ufeff  [\n' + users.map((u) => JSON.stringify(u)).join(' ,\r\n') + '\n]\n', undefined, size);
      expect(records).toEqual([{ index: 0, user: users[0] }, { index: 1, user: users[1] }]);
    }
  });
  it('reports invalid users with their errors and the user as it was in the file', async () => {
    const records = await collect(JSON.stringify([
      { email: 5 }, 'just a string', { email: 'x@y.zz', mfa_factors: Array(11).fill({ totp: { secret: 'ABC' } }) },
      { email: 'ok@y.zz', extra: true }, { email: 'OK@y.zz' }, { email: 'ok@y.zz' },
    ]));
    expect(records.map((r) => ('errors' in r ? r.errors.map((e) => e.code).join() : 'ok'))).toEqual([
      'INVALID_TYPE', 'INVALID_TYPE', 'ARRAY_LENGTH_LONG', 'OBJECT_ADDITIONAL_PROPERTIES', 'ok', 'DUPLICATED_USER',
    ]);
    expect(records[0]).toMatchObject({ index: 0, raw: { email: 5 } });
  });
  it('keeps a JSON-array user_id as given (the auth0| prefix is only stripped from exports)', async () => {
    expect(await collect('[{"email":"a@b.co","user_id":"auth0|x"}]')).toEqual([{ index: 0, user: { email: 'a@b.co', user_id: 'auth0|x' } }]);
  });
  it('accepts an empty array', async () => {
    expect(await collect(' [ ] ')).toEqual([]);
  });
  it('refuses a truncated array after yielding the complete users', async () => {
    const out: ImportRecord[] = [];
    const err = await (async () => {
      try { for await (const r of parseUsersFile(chunks('[{"email":"a@b.co"},{"email":"c@d.co","na'))) out.push(r); } catch (e) { return e as ImportFileError; }
    })();
    expect(out).toHaveLength(1);
    expect(err).toMatchObject({ code: 'truncated' });
    expect(err!.message).toMatch(/ends before the users array is closed/);
  });
  it('refuses malformed JSON with the index of the user', async () => {
    expect(await fileError('[{"email":"a@b.co"},{"email":}]')).toMatchObject({ code: 'invalid_json', message: expect.stringContaining('index 1') });
    expect(await fileError('[{"email":"a@b.co"},]')).toMatchObject({ code: 'invalid_json', message: expect.stringContaining('trailing comma') });
    expect(await fileError('[{"email":"a@b.co"} {"email":"c@d.co"}]')).toMatchObject({ code: 'invalid_json' });
    expect(await fileError('[{"email":"a@b.co"}] []')).toMatchObject({ code: 'invalid_json', message: expect.stringContaining('after the closing') });
    expect(await fileError('[,{"email":"a@b.co"}]')).toMatchObject({ code: 'invalid_json' });
    expect(await fileError('[{"email":"a@b.co"}}]')).toMatchObject({ code: 'invalid_json' });
  });
  it('refuses a file that is not an array when JSON is asked for', async () => {
    expect(await fileError('{"email":"a@b.co"}', { format: 'json' })).toMatchObject({ code: 'not_an_array', message: 'Users file must contain a JSON array of users.' });
  });
});

describe('parseUsersFile: NDJSON', () => {
  it('reads an Auth0 export: auth0| stripped, default export columns renamed, export-only fields dropped', async () => {
    const file = [
      JSON.stringify({ user_id: 'auth0|5f1', email: 'a@b.co', created_at: '2024-01-01T00:00:00Z', identities: [], logins_count: 3 }),
      '',
      JSON.stringify({ Id: 'auth0|5f2', Email: 'c@d.co', 'Email Verified': 'true', 'Given Name': 'C', Connection: 'Username-Password-Authentication', 'Created At': 'x' }),
      JSON.stringify({ user_id: 'google-oauth2|123', email: 'e@f.co', user_metadata: { plan: 'pro' } }),
    ].join('\r\n') + '\r\n';
    expect(await collect(file)).toEqual([
      { index: 0, user: { user_id: '5f1', email: 'a@b.co' } },
      { index: 1, user: { user_id: '5f2', email: 'c@d.co', email_verified: true, given_name: 'C' } },
      { index: 2, user: { user_id: 'google-oauth2|123', email: 'e@f.co', user_metadata: { plan: 'pro' } } },
    ]);
  });
  it('refuses a "__proto__" key instead of letting it become the prototype', async () => {
    const [r] = await collect('{"Id":"auth0|1","email":"a@b.co","__proto__":{"blocked":true}}\n');
    expect(r).toMatchObject({ errors: [{ code: 'OBJECT_ADDITIONAL_PROPERTIES', path: '__proto__' }] });
    const [j] = await collect('[{"email":"a@b.co","__proto__":{"x":1}}]');
    expect(j).toMatchObject({ errors: [{ code: 'OBJECT_ADDITIONAL_PROPERTIES', path: '__proto__' }] });
  });
  it('reads a last line without a newline, and names the line of bad JSON', async () => {
    expect(await collect('{"email":"a@b.co"}\n{"email":"c@d.co"}')).toHaveLength(2);
    expect(await fileError('{"email":"a@b.co"}\n\n{"email":"c@d.co"')).toMatchObject({ code: 'invalid_json', message: expect.stringContaining('line 3') });
    expect(await fileError('[{"email":"a@b.co"}]', { format: 'ndjson' })).toMatchObject({ code: 'unknown_format' });
  });
});

describe('parseUsersFile: limits and empty files', () => {
  it("refuses an empty or blank file with Auth0's message", async () => {
    for (const text of ['', '  \n\t ']) expect(await fileError(text)).toMatchObject({ code: 'empty_file', message: 'Users file must not be empty.' });
  });
  it('refuses a file that is neither JSON array nor NDJSON', async () => {
    expect(await fileError('email,name\na@b.co,A')).toMatchObject({ code: 'unknown_format' });
  });
  it('refuses a file over maxBytes as soon as the limit is passed, without reading the rest', async () => {
    let pulled = 0;
    async function* huge() { // would be 2 GB if read to the end
      const piece = Buffer.from('{"email":"a@b.co"},'.repeat(3000));
      yield Buffer.from('[');
      for (let i = 0; i < 2 ** 31 / piece.length; i++) { pulled++; yield piece; }
    }
    const err = await (async () => {
      try { for await (const _ of parseUsersFile(huge(), { maxBytes: 512000, duplicates: null })) { /* consume */ } } catch (e) { return e; }
    })();
    expect(err).toMatchObject({ code: 'too_large', statusCode: 413, message: 'Payload content length greater than maximum allowed: 512000.' });
    expect(pulled).toBeLessThanOrEqual(10);
  });
  it('refuses one oversized user without buffering it whole', async () => {
    const big = JSON.stringify([{ email: 'a@b.co', name: 'x'.repeat(5000) }]);
    expect(await fileError(big, { maxUserBytes: 1000 })).toMatchObject({ code: 'user_too_large', message: expect.stringContaining('index 0') });
    expect(await fileError(JSON.stringify({ email: 'a@b.co', name: 'x'.repeat(5000) }), { maxUserBytes: 1000 })).toMatchObject({ code: 'user_too_large' });
  });
});
