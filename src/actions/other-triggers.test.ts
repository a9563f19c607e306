import { afterAll, describe, expect, it } from 'vitest';
import { ActionsEngine } from './run-flow.ts';
import { action, loginEvent, silentLogger } from './test-support/actions.ts';

const engine = new ActionsEngine({ logger: silentLogger, flowTimeoutMs: 5_000 });
afterAll(() => engine.close());

describe('pre-user-registration', () => {
  it('validation.error ends the flow with its code and message', async () => {
    const a = action('no-example', `exports.onExecutePreUserRegistration = async (event, api) => {
      if (event.user.email.endsWith('@example.com')) api.validation.error('invalid_domain', 'Use your work address');
    };`);
    const result = await engine.runFlow({ trigger: 'pre-user-registration', actions: [a], event: loginEvent() });
    expect(result).toMatchObject({ ok: false, reason: 'validation', errorCode: 'invalid_domain', validationError: { code: 'invalid_domain', message: 'Use your work address' } });
  });

  it('deny(reason, userMessage) is an extensibility_error; metadata may be set', async () => {
    const meta = action('meta', `exports.onExecutePreUserRegistration = async (event, api) => { api.user.setUserMetadata('source', 'signup'); };`);
    const deny = action('deny', `exports.onExecutePreUserRegistration = async (event, api) => { api.access.deny('blocked_ip', 'Sign-ups are closed'); };`);
    const result = await engine.runFlow({ trigger: 'pre-user-registration', actions: [meta, deny], event: loginEvent() });
    expect(result).toMatchObject({ ok: false, reason: 'denied', errorCode: 'extensibility_error', message: 'blocked_ip', userMessage: 'Sign-ups are closed', userMetadata: { source: 'signup' } });
  });

  it('has no idToken api', async () => {
    const a = action('claims', `exports.onExecutePreUserRegistration = async (event, api) => { api.idToken.setCustomClaim('x', 1); };`);
    const result = await engine.runFlow({ trigger: 'pre-user-registration', actions: [a], event: loginEvent() });
    expect(result).toMatchObject({ ok: false, reason: 'error', errorName: 'TypeError', line: 1 });
  });
});

describe('post-user-registration and post-change-password', () => {
  it.each([
    ['post-user-registration', 'onExecutePostUserRegistration'],
    ['post-change-password', 'onExecutePostChangePassword'],
  ] as const)('%s runs its handler with only api.cache', async (trigger, handler) => {
    const a = action(`t-${trigger}`, `exports.${handler} = async (event, api) => {
      console.log(Object.keys(api).join(','), event.user.email);
    };`);
    const result = await engine.runFlow({ trigger, actions: [a], event: loginEvent() });
    expect(result.ok).toBe(true);
    expect(result.executions[0]!.logs).toEqual(['cache jd@example.com']);
  });
});

describe('credentials-exchange', () => {
  const event = { client: { client_id: 'm2m', name: 'Worker' }, resource_server: { identifier: 'https://api.example' }, request: {} };

  it('sets access-token claims', async () => {
    const a = action('cte', `exports.onExecuteCredentialsExchange = async (event, api) => {
      api.accessToken.setCustomClaim('https://api.example/client', event.client.name);
    };`);
    const result = await engine.runFlow({ trigger: 'credentials-exchange', actions: [a], event });
    expect(result).toMatchObject({ ok: true, accessTokenClaims: { 'https://api.example/client': 'Worker' }, idTokenClaims: {} });
  });

  it('deny(code, reason) passes an allowed OAuth code through, anything else becomes invalid_request', async () => {
    const scope = action('cte-deny', `exports.onExecuteCredentialsExchange = async (event, api) => { api.access.deny('invalid_scope', 'Not for you'); };`);
    const r1 = await engine.runFlow({ trigger: 'credentials-exchange', actions: [scope], event });
    expect(r1).toMatchObject({ ok: false, reason: 'denied', errorCode: 'invalid_scope', message: 'Not for you' });
    const odd = action('cte-odd', `exports.onExecuteCredentialsExchange = async (event, api) => { api.access.deny('teapot', 'Nope'); };`);
    const r2 = await engine.runFlow({ trigger: 'credentials-exchange', actions: [odd], event });
    expect(r2).toMatchObject({ ok: false, errorCode: 'invalid_request' });
  });
});

describe('api.cache', () => {
  it('persists between runs of the same action (and across versions), with Auth0 limits', async () => {
    const code = `exports.onExecutePostLogin = async (event, api) => {
      const hit = api.cache.get('token');
      if (!hit) api.cache.set('token', 'abc', { ttl: 60000 });
      const tooBig = api.cache.set('big', 'x'.repeat(5000));
      api.idToken.setCustomClaim('https://app.example/cache', { hit: hit ? hit.value : null, tooBig });
    };`;
    const first = await engine.runFlow({ trigger: 'post-login', actions: [action('cached', code)], event: loginEvent() });
    expect(first).toMatchObject({ ok: true, idTokenClaims: { 'https://app.example/cache': { hit: null, tooBig: { type: 'error', code: 'item_too_large' } } } });
    const second = await engine.runFlow({ trigger: 'post-login', actions: [action('cached', code)], event: loginEvent() });
    expect(second).toMatchObject({ ok: true, idTokenClaims: { 'https://app.example/cache': { hit: 'abc' } } });
    const otherTrigger = engine.cache.snapshot('credentials-exchange', 'act_cached');
    expect(otherTrigger).toEqual({});
  });
});

describe('bundled modules', () => {
  it('an action that declares lodash and ms can require them', async () => {
    const a = action('uses-lodash', `const _ = require('lodash');
const ms = require('ms');
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://app.example/x', { chunks: _.chunk([1, 2, 3], 2), day: ms('1d') });
};`, { dependencies: [{ name: 'lodash', version: '4.17.21' }, { name: 'ms', version: '2.1.3' }] });
    const result = await engine.runFlow({ trigger: 'post-login', actions: [a], event: loginEvent() });
    expect(result).toMatchObject({ ok: true, idTokenClaims: { 'https://app.example/x': { chunks: [[1, 2], [3]], day: 86_400_000 } } });
  });
});

describe('testAction', () => {
  it('runs a draft and shows the error line', async () => {
    const result = await engine.testAction({
      trigger: 'post-login', event: loginEvent(),
      action: { actionId: 'act_draft', name: 'draft', code: `exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim('picture', {defaultProfileImage});\n};` },
    });
    expect(result).toMatchObject({ ok: false, errorName: 'ReferenceError', line: 2 });
  });
});
