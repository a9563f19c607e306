// TypeBox pieces shared by the Management API routes: paging parameters as Auth0 names them, booleans that
// arrive as query strings, and the error body every route may answer with.
import { Type, type TSchema } from '@sinclair/typebox';

export const Auth0Error = Type.Object(
  { statusCode: Type.Integer(), error: Type.String(), message: Type.String(), errorCode: Type.String() },
  { $id: 'Auth0Error', description: "Auth0's error body" },
);

/** `true`/`false` in a query string (ajv coerces them). */
export const QueryBoolean = Type.Boolean();

export const OffsetPaging = {
  page: Type.Optional(Type.Integer({ minimum: 0, description: 'Zero-based page index' })),
  per_page: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'Items per page (max 100)' })),
  include_totals: Type.Optional(QueryBoolean),
};

export const CheckpointPaging = {
  from: Type.Optional(Type.String({ maxLength: 256, description: 'Id to start after (checkpoint paging)' })),
  take: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'How many to return (checkpoint paging)' })),
};

export const FieldSelection = {
  fields: Type.Optional(Type.String({ maxLength: 2048, description: 'Comma-separated list of fields' })),
  include_fields: Type.Optional(QueryBoolean),
};

/** The error answers every guarded route can give, for the OpenAPI document. */
export function withErrors(success: Record<number, TSchema>): Record<number, TSchema> {
  return { ...success, 400: Auth0Error, 401: Auth0Error, 403: Auth0Error, 404: Auth0Error, 409: Auth0Error };
}

/** Keeps or drops the named top-level fields of each object, as Auth0's `fields`/`include_fields` do. */
export function selectFields<T extends object>(items: T[], fields: string | undefined, include = true): Partial<T>[] {
  if (!fields) return items;
  const names = new Set(fields.split(',').map((f) => f.trim()).filter(Boolean));
  return items.map((item) => Object.fromEntries(Object.entries(item).filter(([k]) => names.has(k) === include)) as Partial<T>);
}
