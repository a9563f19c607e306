import { describe, expect, it, vi } from 'vitest';
import { ReadThroughCache } from './read-through-cache.ts';

describe('ReadThroughCache', () => {
  it('loads once within the TTL, again after it or after clear, and forgets failures', async () => {
    vi.useFakeTimers();
    try {
      const cache = new ReadThroughCache<number>(1000);
      let loads = 0;
      const load = async () => ++loads;
      expect(await cache.get('a', load)).toBe(1);
      expect(await cache.get('a', load)).toBe(1);
      vi.advanceTimersByTime(1001);
      expect(await cache.get('a', load)).toBe(2);
      cache.clear();
      expect(await cache.get('a', load)).toBe(3);
      await expect(cache.get('b', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
      await Promise.resolve();
      expect(await cache.get('b', load)).toBe(4);

      // A load that fails after clear() must not evict the newer entry that replaced it.
      let failOld!: (e: Error) => void;
      const old = cache.get('c', () => new Promise<number>((_, reject) => (failOld = reject)));
      cache.clear();
      expect(await cache.get('c', load)).toBe(5);
      failOld(new Error('late'));
      await expect(old).rejects.toThrow('late');
      expect(await cache.get('c', load)).toBe(5);
    } finally {
      vi.useRealTimers();
    }
  });
});
