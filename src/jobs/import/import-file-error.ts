/**
 * A users file that cannot be processed at all (as opposed to one invalid user, which is reported
 * per user). The job runner turns it into a failed job, or the route into a 4xx, with this message.
 */
export type ImportFileErrorCode = 'empty_file' | 'too_large' | 'not_an_array' | 'invalid_json' | 'truncated' | 'user_too_large' | 'unknown_format';

export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
  constructor(
    readonly code: ImportFileErrorCode,
    message: string,
    /** The HTTP status the route should answer with when this is found before the job starts. */
    readonly statusCode: 400 | 413 = 400,
  ) {
    super(message);
  }
}

/** Auth0's own text for an empty `users` part. */
export const EMPTY_FILE_MESSAGE = 'Users file must not be empty.';

/** Auth0's 413 text, with Portrait's configured limit in place of Auth0's 512000. */
export function tooLarge(maxBytes: number): ImportFileError {
  return new ImportFileError('too_large', `Payload content length greater than maximum allowed: ${maxBytes}.`, 413);
}
