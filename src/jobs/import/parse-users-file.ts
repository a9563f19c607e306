/**
 * Reads an uploaded users file as a stream and yields one record per user: the user ready to
 * import, or the user as it was in the file with its errors (Auth0's `GET /jobs/{id}/errors`
 * shape). Accepts Auth0's JSON array and NDJSON (Auth0's export format, `auth0|` prefixes
 * stripped). Memory stays bounded by one chunk, one user and the duplicate table.
 *
 * A file that cannot be read at all (empty, too large, not JSON, truncated) makes the iterator
 * throw an `ImportFileError` with a clear message. Being a stream, users before the fault have
 * already been yielded: the job runner decides whether to keep them (Auth0 reports the job as
 * failed either way).
 */
import type { Readable } from 'node:stream';
import type { ValidationIssue } from '../../platform/passwords/validation-issue.ts';
import { fromAuth0Export } from './auth0-export-shape.ts';
import { DuplicateTracker } from './duplicate-tracker.ts';
import { EMPTY_FILE_MESSAGE, ImportFileError, tooLarge } from './import-file-error.ts';
import type { ImportUser } from './import-user.ts';
import { JsonArraySplitter } from './split-json-array.ts';
import { NdjsonSplitter } from './split-ndjson.ts';
import { validateImportUser } from './validate-import-user.ts';

export type ImportRecord =
  | { index: number; user: ImportUser }
  | { index: number; raw: unknown; errors: ValidationIssue[] };

export interface ParseUsersFileOptions {
  /** Sniffed from the first non-space byte when absent: `[` is JSON, `{` is NDJSON. */
  format?: 'json' | 'ndjson';
  /** The whole file; reading stops as soon as it is exceeded. Default 1 GiB. */
  maxBytes?: number;
  /** One user (array element or NDJSON line). Default 1 MiB; Auth0 profiles stay under 10 KB. */
  maxUserBytes?: number;
  /** Shared across files, or null to skip the `DUPLICATED_USER` check. Default: a new tracker. */
  duplicates?: DuplicateTracker | null;
  /**
   * Only check that the file is well-formed JSON / NDJSON (every user parsed), without the per-user schema:
   * what an upload is checked for before its job is created. Every record then comes back as `raw` with no errors.
   */
  syntaxOnly?: boolean;
}

export const DEFAULT_MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_MAX_USER_BYTES = 1024 * 1024;

const BOM = [0xef, 0xbb, 0xbf];

export async function* parseUsersFile(
  source: AsyncIterable<Buffer | string> | Readable, options: ParseUsersFileOptions = {},
): AsyncGenerator<ImportRecord, void, undefined> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES;
  const maxUserBytes = options.maxUserBytes ?? DEFAULT_MAX_USER_BYTES;
  const syntaxOnly = options.syntaxOnly === true;
  const duplicates = syntaxOnly ? null : options.duplicates === undefined ? new DuplicateTracker() : options.duplicates;
  let format = options.format;
  let splitter: JsonArraySplitter | NdjsonSplitter | null = null;
  let total = 0;
  let index = 0;
  let pending: Buffer[] = []; // bytes read before the format could be sniffed (BOM, whitespace)
  const texts: string[] = [];

  const toRecord = (text: string, line: number): ImportRecord => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const where = format === 'ndjson' ? `line ${line}` : `the user at index ${index}`;
      throw new ImportFileError('invalid_json', `Users file is not valid JSON: ${where}: ${(err as Error).message}.`);
    }
    if (syntaxOnly) return { index: index++, raw: value, errors: [] };
    const user = format === 'ndjson' ? fromAuth0Export(value) : value;
    let errors = validateImportUser(user);
    if (errors.length === 0 && duplicates) errors = duplicates.check(user as ImportUser);
    const i = index++;
    return errors.length === 0 ? { index: i, user: user as ImportUser } : { index: i, raw: value, errors };
  };

  function* drain(): Generator<ImportRecord> {
    const lines = splitter instanceof NdjsonSplitter ? splitter.lines - texts.length : 0;
    for (let k = 0; k < texts.length; k++) {
      const text = texts[k];
      // NDJSON allows blank lines (a trailing newline, CRLF files); they are not users.
      if (format === 'ndjson' && isBlank(text)) continue;
      yield toRecord(text, lines + k + 1);
    }
    texts.length = 0;
  }

  for await (const piece of source) {
    let chunk: Buffer = typeof piece === 'string' ? Buffer.from(piece) : piece;
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(maxBytes);
    if (!splitter) {
      // Until the first non-space byte, hold what came (a BOM may even be split across chunks).
      const head: Buffer = pending.length ? Buffer.concat([...pending, chunk]) : chunk;
      if (head.length < 3 && BOM.slice(0, head.length).every((b, k) => head[k] === b)) { pending = [head]; continue; }
      const body = BOM.every((b, k) => head[k] === b) ? head.subarray(3) : head;
      const first = firstNonSpace(body);
      if (first < 0) { pending = [body]; continue; }
      format ??= sniff(body[first]);
      if (format === 'ndjson' && body[first] === 0x5b) {
        throw new ImportFileError('unknown_format', 'An NDJSON users file has one user object per line; this file starts with "[" (a JSON array).');
      }
      splitter = format === 'json' ? new JsonArraySplitter(maxUserBytes) : new NdjsonSplitter(maxUserBytes);
      pending = [];
      chunk = body;
    }
    splitter.push(chunk, texts);
    yield* drain();
  }
  if (!splitter) throw new ImportFileError('empty_file', EMPTY_FILE_MESSAGE);
  if (splitter instanceof JsonArraySplitter) splitter.end();
  else splitter.end(texts);
  yield* drain();
}

function sniff(first: number): 'json' | 'ndjson' {
  if (first === 0x5b) return 'json';
  if (first === 0x7b) return 'ndjson';
  throw new ImportFileError('unknown_format',
    'Users file must be a JSON array of users ("[{…}, …]") or NDJSON (one user object per line).');
}

function firstNonSpace(chunk: Buffer): number {
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return -1;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}
