import { describe, expect, it } from 'vitest';
import { ProfileMappingError, profileFromClaims, profileFromMap } from './profile-mapping.ts';
import { STRATEGIES } from './strategies.ts';

describe('profile mapping', () => {
  it('maps a GitHub /user answer with the preset map', () => {
    const profile = profileFromMap(
      { id: 583231, login: 'octocat', name: 'The Octocat', avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4', email: null, company: '@github', bio: null },
      STRATEGIES.github.preset!.profile_map!,
    );
    expect(profile).toEqual({ upstreamId: '583231', nickname: 'octocat', name: 'The Octocat', picture: 'https://avatars.githubusercontent.com/u/583231?v=4', extra: { company: '@github' } });
  });

  it("maps Facebook's nested picture (picture.data.url)", () => {
    const profile = profileFromMap(
      { id: '10158', name: 'Ada L', first_name: 'Ada', last_name: 'L', email: 'ada@fb.example', picture: { data: { url: 'https://platform-lookaside.fbsbx.com/x.jpg', height: 480 } } },
      STRATEGIES.facebook.preset!.profile_map!,
    );
    expect(profile).toMatchObject({ upstreamId: '10158', given_name: 'Ada', family_name: 'L', email: 'ada@fb.example', picture: 'https://platform-lookaside.fbsbx.com/x.jpg' });
  });

  it('maps Microsoft Graph /me: no picture (the default chain answers)', () => {
    const profile = profileFromMap(
      { id: '7c7c8a1e3b', displayName: 'Grace H', givenName: 'Grace', surname: 'H', mail: 'grace@outlook.example', userPrincipalName: 'grace@outlook.example' },
      STRATEGIES.windowslive.preset!.profile_map!,
    );
    expect(profile).toMatchObject({ upstreamId: '7c7c8a1e3b', name: 'Grace H', email: 'grace@outlook.example' });
    expect(profile.picture).toBeUndefined();
  });

  it('maps OIDC claims, keeping small extras and dropping protocol claims', () => {
    const profile = profileFromClaims({
      sub: '1035', iss: 'https://accounts.google.com', aud: 'x', nonce: 'n', at_hash: 'h', name: 'Ada', picture: 'https://lh3.googleusercontent.com/a/x',
      email: 'ada@gmail.example', email_verified: true, locale: 'en', hd: 'example.com',
    });
    expect(profile).toEqual({
      upstreamId: '1035', name: 'Ada', picture: 'https://lh3.googleusercontent.com/a/x', email: 'ada@gmail.example', email_verified: true,
      extra: { locale: 'en', hd: 'example.com' },
    });
  });

  it('checks what an upstream sends: no script pictures, bounded text, usable ids, no root attributes as extras', () => {
    const profile = profileFromClaims({
      sub: 'u1', picture: 'javascript:alert(1)', name: 'x'.repeat(5000), email: 'not an email', email_verified: 'true',
      user_metadata: 'planted', app_metadata: 'planted', identities: 'planted', logins_count: 99, blob: { nested: true },
    });
    expect(profile.picture).toBeUndefined();
    expect(profile.name).toHaveLength(300);
    expect(profile.email).toBeUndefined();
    expect(profile.extra).toEqual({});
    expect(() => profileFromClaims({ name: 'no sub' })).toThrow(ProfileMappingError);
    expect(() => profileFromClaims({ sub: 'a|b' })).toThrow(ProfileMappingError);
    expect(() => profileFromMap([], { user_id: 'id' })).toThrow(ProfileMappingError);
    expect(() => profileFromMap({ id: { object: true } }, { user_id: 'id' })).toThrow(ProfileMappingError);
    // Paths read own properties only.
    expect(profileFromMap({ id: 1, a: {} }, { user_id: 'id', name: 'a.constructor.name' }).name).toBeUndefined();
  });
});
