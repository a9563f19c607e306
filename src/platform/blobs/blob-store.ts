// Where uploaded pictures live: the data directory by default, an S3-compatible bucket at scale (job files,
// which stream, have their own store in jobs/). Keys are relative paths of '/'-separated [A-Za-z0-9._-] segments.
export interface StoredBlob {
  body: Buffer;
  contentType: string;
}

export interface BlobStore {
  /** Writes the whole object; an existing key is replaced. */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object, or null when no object has that key. */
  get(key: string): Promise<StoredBlob | null>;
  /** Removes the object; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}
