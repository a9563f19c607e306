import { describe, expect, it } from 'vitest';
import type { ActionsStore, BoundVersion } from './actions-store.ts';
import { BoundActionsCache } from './bound-actions.ts';
import { SecretsCipher } from '../platform/secrets-cipher.ts';
import { secretContext } from './draft-rules.ts';

const cipher = new SecretsCipher(Buffer.alloc(32, 3));

function fakeStore(versions: () => Promise<BoundVersion[]>) {
  let reads = 0;
  const store = { boundVersions: async () => { reads++; return versions(); } } as unknown as ActionsStore;
  return { store, reads: () => reads };
}

const bound = (code: string): BoundVersion => ({
  binding: { id: 'b', trigger_id: 'post-login', position: 0, action_id: 'a', display_name: 'A', created_at: '', updated_at: '' },
  actionName: 'A',
  version: {
    id: `v-${code}`, action_id: 'a', number: 1, code, dependencies: [], runtime: 'node22', supported_triggers: [{ id: 'post-login', version: 'v3' }],
    secrets: [{ name: 'K', value: cipher.encrypt('plain', secretContext('a', 'K')), updated_at: '' }],
    status: 'built', errors: [], built_at: null, created_at: '', updated_at: '',
  },
});

describe('BoundActionsCache', () => {
  it('shares one read between concurrent callers, decrypts secrets, and reads again after invalidate', async () => {
    let code = 'one';
    const { store, reads } = fakeStore(async () => [bound(code)]);
    const cache = new BoundActionsCache(store, cipher, 60_000);
    const [a, b] = await Promise.all([cache.load('post-login'), cache.load('post-login')]);
    expect(a).toBe(b);
    expect(a).toEqual([{ actionId: 'a', versionId: 'v-one', name: 'A', code: 'one', secrets: { K: 'plain' }, dependencies: [] }]);
    expect(reads()).toBe(1);
    code = 'two';
    expect((await cache.load('post-login'))[0].code).toBe('one');
    cache.invalidate();
    expect((await cache.load('post-login'))[0].code).toBe('two');
    expect(reads()).toBe(2);
  });

  it('does not keep an answer that a change made during the read may have outdated', async () => {
    let release!: () => void;
    let code = 'old';
    const { store } = fakeStore(() => new Promise((resolve) => { const c = code; release = () => resolve([bound(c)]); }));
    const cache = new BoundActionsCache(store, cipher, 60_000);
    const pending = cache.load('post-login');
    code = 'new';
    cache.invalidate();
    release();
    expect((await pending)[0].code).toBe('old');
    const next = cache.load('post-login');
    release();
    expect((await next)[0].code).toBe('new');
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const { store } = fakeStore(async () => { if (fail) throw new Error('db down'); return []; });
    const cache = new BoundActionsCache(store, cipher, 60_000);
    await expect(cache.load('post-login')).rejects.toThrow('db down');
    fail = false;
    await expect(cache.load('post-login')).resolves.toEqual([]);
  });
});
