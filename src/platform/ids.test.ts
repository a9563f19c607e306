import { describe, expect, it } from 'vitest';
import { ID_PATTERNS, newClientId, newConnectionId, newDatabaseUserId, newJobId } from './ids.ts';

describe('ids in Auth0 formats', () => {
  it('makes them in the documented shapes, and different each time', () => {
    expect(newDatabaseUserId()).toMatch(/^[0-9a-f]{24}$/);
    expect(newConnectionId()).toMatch(ID_PATTERNS.connection);
    expect(newJobId()).toMatch(ID_PATTERNS.job);
    expect(newClientId()).toMatch(/^[A-Za-z0-9]{32}$/);
    const many = new Set(Array.from({ length: 1000 }, newDatabaseUserId));
    expect(many.size).toBe(1000);
  });
});
