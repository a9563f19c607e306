// What user_metadata and app_metadata may hold (reference §4): any JSON, but no field name with `.` or `$`
// (at any depth: they would break search paths), and app_metadata must not use the names Auth0 reserves.
import { validationError } from './validation-messages.ts';

export const RESERVED_APP_METADATA_KEYS = new Set([
  '__tenant', '_id', 'blocked', 'clientID', 'created_at', 'email_verified', 'email', 'globalClientID', 'global_client_id',
  'identities', 'lastIP', 'lastLogin', 'loginsCount', 'metadata', 'multifactor_last_modified', 'multifactor', 'updated_at',
  'user_id',
]);

/** Deeper nesting than this is refused: search guidance asks for shallow metadata, and it bounds the walk. */
export const MAX_METADATA_DEPTH = 32;

export type MetadataKind = 'user_metadata' | 'app_metadata';

export function checkMetadata(kind: MetadataKind, value: Record<string, unknown>): void {
  if (kind === 'app_metadata') {
    for (const key of Object.keys(value)) {
      if (RESERVED_APP_METADATA_KEYS.has(key)) throw validationError(`Invalid key, the key "${key}" is reserved in app_metadata`, kind);
    }
  }
  // Iterative walk: a hostile, deeply nested document cannot exhaust the stack.
  const stack: { node: unknown; depth: number; path: string }[] = [{ node: value, depth: 0, path: kind }];
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_METADATA_DEPTH) throw validationError(`Metadata is nested more than ${MAX_METADATA_DEPTH} levels deep`, kind);
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push({ node: item, depth: depth + 1, path: `${path}[${i}]` }));
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      if (key.includes('.') || key.includes('$')) {
        throw validationError(`Invalid key, field names cannot contain "." or "$": ${key}`, path);
      }
      if (key.length === 0) throw validationError('Invalid key, field names cannot be empty', path);
      stack.push({ node: child, depth: depth + 1, path: `${path}.${key}` });
    }
  }
}

/** Size in bytes of a metadata object as stored (minified JSON, UTF-8). */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value ?? {}), 'utf8');
