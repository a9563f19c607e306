import { afterAll, describe, expect, it } from 'vitest';
import { ActionsEngine } from '../run-flow.ts';
import { action, loginEvent, silentLogger } from '../test-support/actions.ts';

describe('IsolatePool through the engine', () => {
  const engine = new ActionsEngine({ logger: silentLogger, maxIsolates: 2, maxIdlePerVersion: 2 });
  afterAll(() => engine.close());

  it('serves more concurrent runs than isolates by queueing, and never exceeds the bound', async () => {
    const a = action('busy', `exports.onExecutePostLogin = async (event, api) => {
      let x = 0; for (let i = 0; i < 2e6; i++) x += i;
      api.idToken.setCustomClaim('https://app.example/n', event.user.user_metadata.n);
    };`);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) => engine.runFlow({ trigger: 'post-login', actions: [a], event: loginEvent({ n }) })),
    );
    expect(results.map((r) => r.ok && r.idTokenClaims['https://app.example/n'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(engine.pool.stats.alive).toBeLessThanOrEqual(2);
    expect(results.filter((r) => r.executions[0]!.coldStart)).toHaveLength(2);
  });

  it('evicts idle isolates of other versions when the bound is reached', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await engine.runFlow({ trigger: 'post-login', actions: [action(`v${i}`, 'exports.onExecutePostLogin = async () => {};')], event: loginEvent() });
      expect(r.ok).toBe(true);
    }
    expect(engine.pool.stats).toMatchObject({ alive: 2, idle: 2, waiting: 0 });
  });

  it('remembers a version that does not load, so it fails fast', async () => {
    const broken = action('broken', 'exports.onExecutePostLogin = async () => { (;');
    const first = await engine.runFlow({ trigger: 'post-login', actions: [broken], event: loginEvent() });
    const second = await engine.runFlow({ trigger: 'post-login', actions: [broken], event: loginEvent() });
    expect(first).toMatchObject({ ok: false, errorName: 'SyntaxError', line: 1 });
    expect(second).toMatchObject({ ok: false, errorName: 'SyntaxError', line: 1 });
  });
});
