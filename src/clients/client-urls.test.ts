import { describe, expect, it } from 'vitest';
import { assertCoherent, defaultsFor, withDefaults } from './client-rules.ts';
import { rulesFor, urlProblem, wildcardUrlMatches } from './client-urls.ts';

describe('urlProblem', () => {
  const callback = rulesFor('callbacks', 'regular_web');
  const nativeCallback = rulesFor('callbacks', 'native');
  const origin = rulesFor('web_origins', 'spa');

  it.each([
    'https://app.example.com/callback',
    'http://localhost:3000/callback',
    'https://app.example.com:8443/cb?x=1',
    'https://*.example.com/callback',
    'https://pr-*-preview.example.co.uk/callback',
    'https://a*.example.com/cb',
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
    ['https://*.co.uk/cb', 'public suffix'],
    ['https://*.github.io/cb', 'public suffix'],
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

describe('wildcardUrlMatches (Auth0 subdomain wildcards at sign-in)', () => {
  it.each([
    ['https://*.example.com/cb', 'https://app.example.com/cb'],
    ['https://*.example.com/cb', 'https://APP.Example.com/cb'],
    ['https://pr-*-preview.example.com/cb', 'https://pr-42-preview.example.com/cb'],
    ['https://*.example.com:8443/cb?x=1', 'https://a.example.com:8443/cb?x=1'],
  ])('%s matches %s', (pattern, candidate) => expect(wildcardUrlMatches(pattern, candidate)).toBe(true));

  it.each([
    ['https://*.example.com/cb', 'https://a.b.example.com/cb', 'more than one label'],
    ['https://*.example.com/cb', 'https://example.com/cb', 'no label'],
    ['https://*.example.com/cb', 'https://.example.com/cb', 'an empty label'],
    ['https://*.example.com/cb', 'http://app.example.com/cb', 'another scheme'],
    ['https://*.example.com/cb', 'https://app.example.com:444/cb', 'another port'],
    ['https://*.example.com/cb', 'https://app.example.com/cb2', 'another path'],
    ['https://*.example.com/cb', 'https://app.example.com/cb?x=1', 'another query'],
    ['https://*.example.com/cb', 'https://app.example.com/cb#f', 'a fragment'],
    ['https://*.example.com/cb', 'https://evil.com/.example.com/cb', 'another host'],
    ['https://*.example.com/cb', 'https://app.example.com.evil.com/cb', 'a longer host'],
    ['https://*.example.com/cb', 'https://user@app.example.com/cb', 'credentials'],
    ['https://*.example.com/cb', 'https://app.example.com\\@evil.com/cb', 'a backslash'],
    ['https://*.example.com/cb', 'https://*.example.com/cb', 'the pattern itself'],
    ['https://pr-*-preview.example.com/cb', 'https://pr--preview.example.com/cb', 'nothing for the *'],
    ['https://pr-*-preview.example.com/cb', 'https://xx-1-preview.example.com/cb', 'another prefix'],
  ])('%s does not match %s (%s)', (pattern, candidate) => expect(wildcardUrlMatches(pattern, candidate)).toBe(false));
});
