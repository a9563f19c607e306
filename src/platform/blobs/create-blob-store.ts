// The one place that turns a configured blob store into an instance. Reading BLOB_STORE and the AWS
// variables is config.ts's job; parseBlobStoreUrl helps it turn `s3://bucket/prefix` or a path into a spec.
import type { BlobStore } from './blob-store.ts';
import { FsBlobStore } from './fs-blob-store.ts';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.ts';

export type BlobStoreSpec =
  | { kind: 'fs'; root: string }
  | {
      kind: 's3';
      bucket: string;
      prefix: string;
      endpoint?: string;
      region?: string;
      credentials?: S3BlobStoreOptions['credentials'];
    };

export function createBlobStore(spec: BlobStoreSpec): BlobStore {
  switch (spec.kind) {
    case 'fs':
      return new FsBlobStore(spec.root);
    case 's3':
      return new S3BlobStore(spec);
  }
}

/**
 * `s3://bucket` or `s3://bucket/some/prefix` → an S3 spec (endpoint and region left for the caller to add);
 * `file:///abs/dir` or a plain path → a filesystem spec.
 */
export function parseBlobStoreUrl(value: string): BlobStoreSpec {
  if (value.startsWith('s3://')) {
    const rest = value.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : rest.slice(slash + 1);
    if (!bucket) throw new Error(`blob store URL ${JSON.stringify(value)} has no bucket`);
    return { kind: 's3', bucket, prefix };
  }
  if (value.startsWith('file://')) return { kind: 'fs', root: new URL(value).pathname };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new Error(`unsupported blob store URL ${JSON.stringify(value)}`);
  return { kind: 'fs', root: value };
}
