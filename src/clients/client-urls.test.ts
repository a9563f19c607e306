import { describe, expect, it } from 'vitest';
import { assertCoherent, defaultsFor, withDefaults } from './client-rules.ts';
import { rulesFor, urlProblem } from './client-urls.ts';

describe('urlProblem', () => {
  const callback = rulesFor('callbacks', 'regular_web');
  const nativeCallback = rulesFor('callbacks', 'native');
  const origin = rulesFor('web_origins', 'spa');

  it.each([
    'https://app.example.com/callback',
    'http://localhost:3000/callback',
    'https://app.example.com:8443/cb?x=1',
    'https://*.example.com/callback',
    'http://127.0.0.1:8080/',
  ])('accepts the callback %s', (url) => expect(urlProblem(url, callback)).toBeNull());

  it.each([
    ['', 'empty'],
    ['/callback', 'absolute'],
    ['app.example.com/callback', 'absolute'],
    ['https:app.example.com', 'absolute'],
    ['javascript://alert(1)', 'http or https'],
    ['com.example.app://callback', 'http or https'],
    ['https://user:pw@example.com/cb', 'credentials'],
    ['https://example.com/cb#frag', 'fragment'],
    ['https://exa mple.com/', 'whitespace'],
    ['https:\\\\evil.com', 'backslashes'],
    ['https://*.com/cb', 'registrable'],
    ['https://a*.example.com/cb', 'leftmost'],
    ['https://x.*.example.com/cb', 'leftmost'],
    ['https://*.*.example.com/cb', 'leftmost'],
    ['https://example.com/*', 'leftmost'],
    ['https://*.1.2.3/cb', 'valid URL'],
    ['https://', 'valid URL'],
  ])('refuses the callback %j (%s)', (url, why) => expect(urlProblem(url, callback)).toContain(why));

  it('lets native apps use private-use schemes, but not dangerous ones or wildcards with them', () => {
    expect(urlProblem('com.example.app://callback', nativeCallback)).toBeNull();
    expect(urlProblem('javascript://alert(1)', nativeCallback)).toContain('javascript');
    expect(urlProblem('data://text', nativeCallback)).toContain('data');
    expect(urlProblem('myapp://*.x.y', nativeCallback)).toContain('custom scheme');
  });

  it('takes web_origins as origins only', () => {
    expect(urlProblem('https://app.example.com', origin)).toBeNull();
    expect(urlProblem('https://app.example.com/', origin)).toBeNull();
    expect(urlProblem('https://*.example.com:8443', origin)).toBeNull();
    expect(urlProblem('https://app.example.com/path', origin)).toContain('origin');
    expect(urlProblem('https://app.example.com?q=1', origin)).toContain('origin');
    expect(urlProblem('https://app.example.com//', origin)).toContain('origin');
  });
});

describe('client defaults and coherence', () => {
  it('gives each app_type the Dashboard defaults, explicit values winning', () => {
    expect(defaultsFor('spa')).toEqual({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'implicit', 'refresh_token'] });
    expect(defaultsFor('non_interactive')).toEqual({ token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] });
    expect(withDefaults({ app_type: 'spa' as const, grant_types: ['authorization_code'] })).toMatchObject({ grant_types: ['authorization_code'], token_endpoint_auth_method: 'none' });
    expect(withDefaults({})).toMatchObject({ app_type: 'regular_web', token_endpoint_auth_method: 'client_secret_post' });
  });

  const base = { app_type: 'regular_web' as const, grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' as const, client_metadata: {} };

  it('refuses client_credentials on a public client, unknown grant types, HS256 with the reason, bad URLs by index', () => {
    expect(() => assertCoherent({ ...base, token_endpoint_auth_method: 'none' })).toThrow(/confidential/);
    expect(() => assertCoherent({ ...base, grant_types: ['magic'] })).toThrow(/not a grant type/);
    expect(() => assertCoherent({ ...base, jwt_configuration: { alg: 'HS256' } })).toThrow(/digest/);
    expect(() => assertCoherent({ ...base, jwt_configuration: { alg: 'PS256' } })).toThrow(/RS256/);
    expect(() => assertCoherent({ ...base, callbacks: ['https://ok.example.com', 'nope'] })).toThrow(/callbacks\.1/);
    expect(() => assertCoherent({ ...base, logo_uri: 'javascript://x' })).toThrow(/logo_uri/);
    expect(() => assertCoherent({ ...base, jwt_configuration: { alg: 'RS256' }, callbacks: ['https://*.example.com/cb'] })).not.toThrow();
  });
});
