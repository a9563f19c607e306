import { afterAll, describe, expect, it } from 'vitest';
import { ActionsEngine, type ActionsLogger } from './run-flow.ts';
import { action, loginEvent } from './test-support/actions.ts';

const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
const logger: ActionsLogger = { info: () => {}, warn: (obj, msg) => warnings.push({ obj: obj as Record<string, unknown>, msg }) };
const engine = new ActionsEngine({ logger, memoryLimitMb: 32, flowTimeoutMs: 5_000 });
afterAll(() => engine.close());

const run = (code: string, timeoutMs?: number, name = 'hostile') =>
  engine.runFlow({ trigger: 'post-login', actions: [action(name, code)], event: loginEvent(), timeoutMs });

function lastWarning() {
  return warnings[warnings.length - 1];
}

describe('hostile actions end their run, are logged, and leave the host working', () => {
  it('an infinite loop times out, and the host event loop keeps running meanwhile', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = Date.now();
    const result = await run(`exports.onExecutePostLogin = async () => { for (;;) {} };`, 300);
    clearInterval(ticker);
    expect(result).toMatchObject({ ok: false, reason: 'timeout', errorCode: 'access_denied' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(ticks).toBeGreaterThan(5);
    expect(lastWarning()).toMatchObject({ msg: 'action failed', obj: { reason: 'timeout' } });
  });

  it('a loop that starts after an await is stopped too', async () => {
    const result = await run(`exports.onExecutePostLogin = async () => { await null; while (true) {} };`, 300);
    expect(result).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('a promise that never resolves times out', async () => {
    const result = await run(`exports.onExecutePostLogin = () => new Promise(() => {});`, 300);
    expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    expect(lastWarning()!.obj).toMatchObject({ reason: 'timeout' });
  });

  it('a memory bomb is stopped, its isolate discarded, and the next run of the same version works', async () => {
    const bomb = action('bomb', `let armed = true;
exports.onExecutePostLogin = async (event, api) => {
  if (event.user.user_metadata.armed) { const a = []; for (;;) a.push({ i: a.length, s: 'x' + a.length }); }
  api.idToken.setCustomClaim('https://app.example/alive', true);
};`);
    const first = await engine.runFlow({ trigger: 'post-login', actions: [bomb], event: loginEvent({ armed: true }) });
    expect(first).toMatchObject({ ok: false, reason: 'memory' });
    expect(lastWarning()!.obj).toMatchObject({ reason: 'memory', action: 'bomb' });
    const second = await engine.runFlow({ trigger: 'post-login', actions: [bomb], event: loginEvent() });
    expect(second).toMatchObject({ ok: true, idTokenClaims: { 'https://app.example/alive': true } });
    expect(second.executions[0]!.coldStart).toBe(true);
  });

  it('a huge string fails the run', async () => {
    const result = await run(`exports.onExecutePostLogin = async (event, api) => {
  let s = 'x'.repeat(1 << 20);
  for (let i = 0; i < 12; i++) s = s + s;
  api.idToken.setCustomClaim('https://app.example/s', s);
};`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(['error', 'memory']).toContain(result.reason);
  });

  it('deep recursion fails with RangeError and its line', async () => {
    const result = await run(`function dive(n) { return dive(n + 1) + 1; }
exports.onExecutePostLogin = async () => { dive(0); };`);
    expect(result).toMatchObject({ ok: false, reason: 'error', errorName: 'RangeError', message: 'Maximum call stack size exceeded', line: 1 });
  });

  it('finds nothing of the host: no process, no Node require, no file system, no host references', async () => {
    const result = await run(`exports.onExecutePostLogin = async (event, api) => {
  const probe = {};
  probe.process = typeof process;
  probe.buffer = typeof Buffer;
  probe.setTimeout = typeof setTimeout;
  probe.viaFunction = (() => { try { return typeof Function('return process')(); } catch (e) { return e.name; } })();
  probe.viaConstructor = typeof (await fetch.constructor('return this.process')());
  probe.requireFs = (() => { try { require('fs'); return 'loaded'; } catch (e) { return e.message; } })();
  probe.requireChild = (() => { try { require('child_process'); return 'loaded'; } catch (e) { return 'refused'; } })();
  probe.globals = Object.getOwnPropertyNames(globalThis).filter((k) => /portrait|ivm|host/i.test(k));
  probe.module = typeof module;
  api.idToken.setCustomClaim('probe', probe);
};`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.idTokenClaims.probe).toEqual({
      process: 'undefined', buffer: 'undefined', setTimeout: 'undefined',
      viaFunction: 'ReferenceError', viaConstructor: 'undefined',
      requireFs: expect.stringContaining("Cannot find module 'fs'"), requireChild: 'refused',
      globals: [], module: 'object',
    });
  });

  it('a console flood is capped', async () => {
    const result = await run(`exports.onExecutePostLogin = async () => { for (let i = 0; i < 100000; i++) console.log(i); };`);
    expect(result.ok).toBe(true);
    expect(result.executions[0]!.logs).toHaveLength(101);
    expect(result.executions[0]!.logs[100]).toMatch(/dropped/);
  });
});
