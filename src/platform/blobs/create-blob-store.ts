// The one place that turns a configured blob store into an instance. Reading PORTRAIT_BLOB_STORE and the AWS
// variables is config.ts's job (its BlobStoreConfig is a BlobStoreSpec).
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
