// Response headers shared by everything the pictures domain serves, and the If-None-Match check.
import type { FastifyReply } from 'fastify';

/** For content-addressed bytes: the URL changes whenever the bytes do, so caches may keep them forever. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Whether an If-None-Match header matches our (strong) tag. RFC 9110 §13.1.2 uses the weak comparison here,
 * so a W/ prefix a proxy added still matches.
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  for (const candidate of ifNoneMatch.split(',')) {
    const tag = candidate.trim();
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === etag) return true;
  }
  return false;
}

/** 304 with the validators and caching headers a 200 would have carried (RFC 9110 §15.4.5). */
export function notModified(reply: FastifyReply, etag: string, cacheControl: string): FastifyReply {
  return reply.code(304).header('etag', etag).header('cache-control', cacheControl).send();
}
