import { describe, expect, it } from 'vitest';
import { DuplicateTracker } from './duplicate-tracker.ts';

describe('DuplicateTracker', () => {
  it('reports a repeated email, user_id or username, emails and usernames case-insensitively', () => {
    const t = new DuplicateTracker();
    expect(t.check({ email: 'Ada@Example.com', user_id: '1', username: 'ada' })).toEqual([]);
    expect(t.check({ email: 'ada@example.com' })).toEqual([
      { code: 'DUPLICATED_USER', path: 'email', message: 'A user with this email was already provided.' }]);
    expect(t.check({ email: 'b@example.com', user_id: '1' }).map((i) => i.path)).toEqual(['user_id']);
    expect(t.check({ email: 'c@example.com', username: 'ADA' }).map((i) => i.path)).toEqual(['username']);
    expect(t.check({ email: 'd@example.com', user_id: 'Ada' })).toEqual([]); // user_id is case-sensitive
  });
  it('does not mix fields: an email equal to another user_id is no duplicate', () => {
    const t = new DuplicateTracker();
    expect(t.check({ email: 'x@y.zz', user_id: 'x@y.zz' })).toEqual([]);
    expect(t.check({ email: 'a@y.zz', username: 'x@y.zz' })).toEqual([]);
  });
  it('records nothing for a rejected user', () => {
    const t = new DuplicateTracker();
    t.check({ email: 'a@b.co' });
    expect(t.check({ email: 'a@b.co', user_id: 'u1' })).toHaveLength(1);
    expect(t.check({ email: 'c@b.co', user_id: 'u1' })).toEqual([]);
  });
  it('grows past its initial size without losing keys, in bounded memory', () => {
    const t = new DuplicateTracker(16);
    const n = 200_000;
    let rejected = 0;
    for (let i = 0; i < n; i++) rejected += t.check({ email: `user${i}@example.com`, user_id: `id${i}` }).length;
    expect(rejected).toBe(0);
    expect(t.size).toBe(2 * n);
    expect(t.bytes).toBeLessThanOrEqual(2 * n * 22);
    let dups = 0;
    for (let i = 0; i < n; i += 997) dups += t.check({ email: `USER${i}@example.com` }).length;
    expect(dups).toBe(Math.ceil(n / 997));
  });
});
