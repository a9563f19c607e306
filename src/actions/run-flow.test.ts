import { afterAll, describe, expect, it } from 'vitest';
import { ActionsEngine } from './run-flow.ts';
import { DEFAULT_PICTURE_AS_PRINTED, PICTURE_FROM_METADATA } from './test-support/seed-actions.ts';
import { action, loginEvent, silentLogger } from './test-support/actions.ts';

const engine = new ActionsEngine({ logger: silentLogger, flowTimeoutMs: 5_000 });
afterAll(() => engine.close());
const profileScopes = ['openid', 'profile', 'email'];

// The seed's Actions, verbatim, from test-support/seed-actions.ts.

describe('the seed actions', () => {
  it('copies user_metadata.picture into the ID token', async () => {
    const result = await engine.runFlow({
      trigger: 'post-login', actions: [action('picture', PICTURE_FROM_METADATA)],
      event: loginEvent({ picture: 'https://cdn.example/jd.png' }), grantedScopes: profileScopes,
    });
    expect(result).toMatchObject({ ok: true, idTokenClaims: { picture: 'https://cdn.example/jd.png' } });
  });

  it('sets no claim when the user has no picture in metadata', async () => {
    const result = await engine.runFlow({
      trigger: 'post-login', actions: [action('picture', PICTURE_FROM_METADATA)], event: loginEvent(), grantedScopes: profileScopes,
    });
    expect(result).toMatchObject({ ok: true, idTokenClaims: {} });
  });

  it('reports the default-picture action as printed: ReferenceError on line 3', async () => {
    const result = await engine.runFlow({
      trigger: 'post-login', actions: [action('default-picture', DEFAULT_PICTURE_AS_PRINTED)], event: loginEvent(), grantedScopes: profileScopes,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result).toMatchObject({
      reason: 'error', errorCode: 'access_denied', errorName: 'ReferenceError',
      message: 'defaultProfileImage is not defined', line: 3, actionName: 'default-picture',
    });
    expect(result.stack).toContain('action:default-picture:3:');
    expect(result.stack).not.toContain('portrait:bootstrap');
  });

  it('sets the claim once the action is corrected', async () => {
    const fixed = DEFAULT_PICTURE_AS_PRINTED.replace('{defaultProfileImage}', 'DEFAULT_PROFILE_IMAGE');
    const result = await engine.runFlow({
      trigger: 'post-login', actions: [action('default-picture-fixed', fixed)], event: loginEvent(), grantedScopes: profileScopes,
    });
    expect(result).toMatchObject({ ok: true, idTokenClaims: { picture: '{yourDefaultImageUrl}' } });
  });
});

describe('post-login semantics', () => {
  it('runs actions in order; a later claim wins and later actions see earlier metadata changes', async () => {
    const first = action('first', `exports.onExecutePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('https://app.example/order', ['first']);
      api.user.setUserMetadata('seen_by', 'first');
    };`);
    const second = action('second', `exports.onExecutePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('https://app.example/order', ['first', 'second', event.user.user_metadata.seen_by]);
    };`);
    const result = await engine.runFlow({ trigger: 'post-login', actions: [first, second], event: loginEvent(), grantedScopes: profileScopes });
    expect(result).toMatchObject({ ok: true, idTokenClaims: { 'https://app.example/order': ['first', 'second', 'first'] } });
  });

  it('batches metadata changes into one patch per kind, null deleting', async () => {
    const a = action('meta-a', `exports.onExecutePostLogin = async (event, api) => {
      api.user.setUserMetadata('theme', 'dark');
      api.user.setUserMetadata('old', null);
      api.user.setAppMetadata('plan', 'gold');
    };`);
    const b = action('meta-b', `exports.onExecutePostLogin = async (event, api) => {
      api.user.setUserMetadata('theme', 'light');
      api.user.setAppMetadata('tier', 2);
    };`);
    const result = await engine.runFlow({ trigger: 'post-login', actions: [a, b], event: loginEvent({ old: 1 }) });
    expect(result).toMatchObject({ ok: true, userMetadata: { theme: 'light', old: null }, appMetadata: { plan: 'gold', tier: 2 } });
  });

  it('a deny stops later actions; side effects so far are kept for writing', async () => {
    const denier = action('denier', `exports.onExecutePostLogin = async (event, api) => {
      api.user.setAppMetadata('denied_at', 'now');
      api.access.deny('No entry for you');
    };`);
    const after = action('after', `exports.onExecutePostLogin = async (event, api) => { console.log('must not run'); };`);
    const result = await engine.runFlow({ trigger: 'post-login', actions: [denier, after], event: loginEvent() });
    expect(result).toMatchObject({ ok: false, reason: 'denied', errorCode: 'access_denied', message: 'No entry for you', actionName: 'denier', appMetadata: { denied_at: 'now' } });
    expect(result.executions.map((e) => e.actionName)).toEqual(['denier']);
  });

  it('an uncaught error ends the flow with its message and line', async () => {
    const thrower = action('thrower', `exports.onExecutePostLogin = async (event, api) => {\n\n  throw new Error('upstream said no');\n};`);
    const result = await engine.runFlow({ trigger: 'post-login', actions: [thrower], event: loginEvent() });
    expect(result).toMatchObject({ ok: false, reason: 'error', errorCode: 'access_denied', message: 'upstream said no', line: 3 });
  });

  it('never lets an action replace the profile\'s email or phone claims, in either token, whatever the scope', async () => {
    const claims = action('claims', `exports.onExecutePostLogin = async (event, api) => {
      for (const t of [api.idToken, api.accessToken]) {
        t.setCustomClaim('email', 'attacker@example.com');
        t.setCustomClaim('email_verified', true);
        t.setCustomClaim('phone_number', '+15550100');
        t.setCustomClaim('phone_number_verified', true);
      }
      api.idToken.setCustomClaim('name', 'Display Name');
    };`);
    const result = await engine.runFlow({ trigger: 'post-login', actions: [claims], event: loginEvent(), grantedScopes: ['openid', 'profile', 'email', 'phone'] });
    expect(result).toMatchObject({ ok: true, idTokenClaims: { name: 'Display Name' }, accessTokenClaims: {} });
    if (!result.ok) return;
    expect(Object.keys(result.idTokenClaims)).toEqual(['name']);
    expect(result.droppedClaims.filter((d) => d.why === 'standard-claim')).toHaveLength(8);
  });

  it('drops restricted claims and filters standard ones by the granted scopes', async () => {
    const claims = action('claims', `exports.onExecutePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('sub', 'someone-else');
      api.idToken.setCustomClaim('picture', 'https://p.example/x.png');
      api.idToken.setCustomClaim('email', 'other@example.com');
      api.idToken.setCustomClaim('favourite', 'tea');
      api.accessToken.setCustomClaim('iss', 'https://evil');
      api.accessToken.setCustomClaim('https://app.example/tier', 'gold');
    };`);
    const result = await engine.runFlow({ trigger: 'post-login', actions: [claims], event: loginEvent(), grantedScopes: ['openid', 'profile'] });
    expect(result).toMatchObject({
      ok: true,
      idTokenClaims: { picture: 'https://p.example/x.png', favourite: 'tea' },
      accessTokenClaims: { 'https://app.example/tier': 'gold' },
    });
    if (!result.ok) return;
    expect(result.droppedClaims).toEqual([
      { token: 'id', name: 'sub', why: 'restricted' },
      { token: 'id', name: 'email', why: 'standard-claim' },
      { token: 'access', name: 'iss', why: 'restricted' },
    ]);
  });

  it('fails the transaction when custom claims exceed 100 KB', async () => {
    const big = action('big-claims', `exports.onExecutePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('https://app.example/blob', 'x'.repeat(110 * 1024));
    };`);
    const result = await engine.runFlow({ trigger: 'post-login', actions: [big], event: loginEvent() });
    expect(result).toMatchObject({ ok: false, reason: 'error' });
    if (!result.ok) expect(result.message).toMatch(/over the 102400-byte limit/);
  });

  it('adds and removes access-token scopes', async () => {
    const scopes = action('scopes', `exports.onExecutePostLogin = async (event, api) => {
      api.accessToken.addScope('read:reports');
      api.accessToken.addScope('write:reports');
      api.accessToken.removeScope('write:reports');
      api.accessToken.removeScope('delete:everything');
    };`);
    const result = await engine.runFlow({ trigger: 'post-login', actions: [scopes], event: loginEvent() });
    expect(result).toMatchObject({ ok: true, addedScopes: ['read:reports'], removedScopes: ['write:reports', 'delete:everything'] });
  });

  it('captures console output, one line per call, cut to 256 characters', async () => {
    const logger = action('logger', `exports.onExecutePostLogin = async (event, api) => {
      console.log('hello', event.user.email, { n: 1 });
      console.error('y'.repeat(1000));
    };`);
    const result = await engine.runFlow({ trigger: 'post-login', actions: [logger], event: loginEvent() });
    expect(result.executions[0]!.logs).toEqual(['hello jd@example.com {"n":1}', 'y'.repeat(256)]);
  });

  it('exposes this action\u2019s secrets as event.secrets', async () => {
    const secretive = action('secretive', `exports.onExecutePostLogin = async (event, api) => {
      api.accessToken.setCustomClaim('https://app.example/k', event.secrets.API_KEY);
    };`, { secrets: { API_KEY: 's3cr3t' } });
    const result = await engine.runFlow({ trigger: 'post-login', actions: [secretive], event: loginEvent() });
    expect(result).toMatchObject({ ok: true, accessTokenClaims: { 'https://app.example/k': 's3cr3t' } });
  });

  it('reports a syntax error with its line, and a missing handler clearly', async () => {
    const broken = action('broken', `exports.onExecutePostLogin = async (event, api) => {\n  const x = ;\n};`);
    const r1 = await engine.runFlow({ trigger: 'post-login', actions: [broken], event: loginEvent() });
    expect(r1).toMatchObject({ ok: false, reason: 'error', errorName: 'SyntaxError', line: 2 });
    const wrong = action('wrong-trigger', `exports.onExecutePreUserRegistration = async () => {};`);
    const r2 = await engine.runFlow({ trigger: 'post-login', actions: [wrong], event: loginEvent() });
    expect(r2).toMatchObject({ ok: false, reason: 'error' });
    if (!r2.ok) expect(r2.message).toMatch(/does not export a function named onExecutePostLogin/);
  });

  it('keeps module scope warm between runs of the same version', async () => {
    const counter = action('counter', `let runs = 0;\nexports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('runs', ++runs); };`);
    await engine.runFlow({ trigger: 'post-login', actions: [counter], event: loginEvent() });
    const second = await engine.runFlow({ trigger: 'post-login', actions: [counter], event: loginEvent() });
    expect(second).toMatchObject({ ok: true, idTokenClaims: { runs: 2 } });
    expect(second.executions[0]!.coldStart).toBe(false);
  });
});
