import { describe, expect, it } from 'vitest';
import { customClaimsSizeError, filterCustomClaims } from './custom-claims.ts';

describe('filterCustomClaims', () => {
  const granted = ['openid', 'profile'];

  it('drops restricted claims and keeps private and namespaced ones', () => {
    const { claims, dropped } = filterCustomClaims(
      { sub: 'evil', iss: 'x', aud: 'y', roles: ['admin'], 'https://example.com/roles': ['a'], favourite_color: 'blue' },
      { token: 'id', grantedScopes: granted },
    );
    expect(claims).toEqual({ 'https://example.com/roles': ['a'], favourite_color: 'blue' });
    expect(dropped.map((d) => [d.name, d.why])).toEqual([
      ['sub', 'restricted'], ['iss', 'restricted'], ['aud', 'restricted'], ['roles', 'restricted'],
    ]);
  });

  it('lets standard profile claims such as picture be overridden when their scope was granted', () => {
    const { claims } = filterCustomClaims({ picture: 'https://img/x.png', name: 'N' }, { token: 'id', grantedScopes: granted });
    expect(claims).toEqual({ picture: 'https://img/x.png', name: 'N' });
  });

  it('removes standard claims whose scope was not granted', () => {
    const { claims, dropped } = filterCustomClaims(
      { picture: 'p', name: 'N', address: { country: 'FR' } },
      { token: 'id', grantedScopes: ['openid', 'address'] },
    );
    expect(claims).toEqual({ address: { country: 'FR' } });
    expect(dropped.map((d) => d.name)).toEqual(['picture', 'name']);
    expect(dropped.every((d) => d.why === 'scope-not-granted')).toBe(true);
  });

  it('drops Auth0-reserved namespaces', () => {
    const { claims } = filterCustomClaims(
      { 'https://auth0.com/x': 1, 'https://tenant.webtask.run/y': 2, 'urn:auth0:z': 3, 'https://myapp.example/ok': 4 },
      { token: 'access', grantedScopes: [] },
    );
    expect(claims).toEqual({ 'https://myapp.example/ok': 4 });
  });

  it('refuses private claims on access tokens for the Management API', () => {
    const { claims, dropped } = filterCustomClaims(
      { plan: 'gold', 'https://myapp.example/plan': 'gold' },
      { token: 'access', grantedScopes: [], audienceIsManagementApi: true },
    );
    expect(claims).toEqual({ 'https://myapp.example/plan': 'gold' });
    expect(dropped[0]!.why).toBe('private-claim-on-auth0-api');
  });
});

describe('customClaimsSizeError', () => {
  it('accepts 100 KB and refuses more', () => {
    expect(customClaimsSizeError({ a: 'x'.repeat(100 * 1024 - 20) }, 'id')).toBeNull();
    expect(customClaimsSizeError({ a: 'x'.repeat(100 * 1024) }, 'access')).toMatch(/access token .* over the 102400-byte limit/);
  });
});
