// Blob keys are chosen by Portrait (content hashes, job ids), never taken raw from a request, but every store
// still validates them: a key that escaped its root on the filesystem, or differed between the filesystem and
// S3, would be a bug worth failing loudly on. One rule for both stores keeps them interchangeable.

/** A key that is not '/'-separated segments of [A-Za-z0-9._-]. */
export class InvalidBlobKeyError extends Error {
  readonly key: string;
  constructor(key: string, reason: string) {
    super(`invalid blob key ${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)}: ${reason}`);
    this.name = 'InvalidBlobKeyError';
    this.key = key;
  }
}

// S3 allows 1024 bytes of UTF-8; our keys are ASCII, and a prefix may be added in front, so leave room.
const MAX_KEY_LENGTH = 900;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Throws InvalidBlobKeyError unless the key is safe everywhere. Segments may not start with '.': that rules
 * out '.' and '..' (path traversal) and keeps a namespace free for the filesystem store's own temp files and
 * content-type sidecars, which all start with '.'.
 */
export function assertValidBlobKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidBlobKeyError(String(key), 'empty');
  if (key.length > MAX_KEY_LENGTH) throw new InvalidBlobKeyError(key, `longer than ${MAX_KEY_LENGTH} characters`);
  if (key.startsWith('/')) throw new InvalidBlobKeyError(key, 'absolute path');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidBlobKeyError(key, 'empty segment');
    if (!SEGMENT.test(segment)) throw new InvalidBlobKeyError(key, 'segments may only contain A-Z a-z 0-9 . _ -');
    if (segment.startsWith('.')) throw new InvalidBlobKeyError(key, "segments may not start with '.'");
  }
}
