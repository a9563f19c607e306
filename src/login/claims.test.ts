import { describe, expect, it } from 'vitest';
import { assembleClaims } from './claims.ts';

const user = {
  user_id: 'auth0|abc', name: 'Ada', nickname: 'ada', picture: 'https://p/a.png', updated_at: '2026-01-01T00:00:00.000Z',
  email: 'ada@example.com', email_verified: true, given_name: 'Ada', family_name: 'L', app_metadata: { plan: 'pro' },
};

describe('assembleClaims', () => {
  it('gives sub, and the profile and email claims only for their scopes', () => {
    expect(assembleClaims({ use: 'id_token', user, scopes: new Set(['openid']) })).toEqual({ sub: 'auth0|abc' });
    expect(assembleClaims({ use: 'id_token', user, scopes: new Set(['openid', 'profile']) })).toEqual({
      sub: 'auth0|abc', name: 'Ada', nickname: 'ada', picture: 'https://p/a.png', updated_at: '2026-01-01T00:00:00.000Z', given_name: 'Ada', family_name: 'L',
    });
    expect(assembleClaims({ use: 'userinfo', user, scopes: new Set(['openid', 'email']) })).toEqual({ sub: 'auth0|abc', email: 'ada@example.com', email_verified: true });
  });

  it('adds Actions claims, drops restricted ones and Auth0 namespaces, and scope-filters overridden standard claims', () => {
    const custom = {
      idToken: { 'https://app.example/plan': 'pro', favourite: 'tea', sub: 'evil', roles: ['admin'], 'https://auth0.com/x': 1, picture: 'https://p/override.png', email: 'other@example.com' },
      accessToken: { 'https://app.example/plan': 'pro', plain: 1, gty: 'x' },
    };
    const id = assembleClaims({ use: 'id_token', user, scopes: new Set(['openid', 'profile']), custom });
    expect(id).toMatchObject({ sub: 'auth0|abc', 'https://app.example/plan': 'pro', favourite: 'tea', picture: 'https://p/override.png' });
    expect(id).not.toHaveProperty('roles');
    expect(id).not.toHaveProperty('email');
    expect(id).not.toHaveProperty('https://auth0.com/x');
    expect(assembleClaims({ use: 'access_token', user, scopes: new Set(['openid']), custom })).toEqual({ 'https://app.example/plan': 'pro', plain: 1 });
    // Auth0 APIs (the Management API) refuse non-namespaced private claims in access tokens.
    expect(assembleClaims({ use: 'access_token', user, scopes: new Set(['openid']), custom, isAuth0Api: true })).toEqual({ 'https://app.example/plan': 'pro' });
  });
});
