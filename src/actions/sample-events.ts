// The event a Test runs against when the caller sends an empty payload, like the sample the Auth0 dashboard
// pre-fills: a database user who just signed in with email and password, with empty metadata.
import type { TriggerId } from './types.ts';

function sampleUser(): Record<string, unknown> {
  return {
    user_id: 'auth0|5f7c8ec7c33c6c004bbafe82',
    email: 'j+smith@example.com',
    email_verified: true,
    name: 'j+smith@example.com',
    nickname: 'j+smith',
    picture: 'https://s.gravatar.com/avatar/2e1ef4a6a3c8e5fbd1a3e1e4a2a0f9c5?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fjs.png',
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
    identities: [{ provider: 'auth0', user_id: '5f7c8ec7c33c6c004bbafe82', connection: 'Username-Password-Authentication', isSocial: false }],
    user_metadata: {},
    app_metadata: {},
  };
}

const connection = { id: 'con_fpe5kj482KO1eOzQ', name: 'Username-Password-Authentication', strategy: 'auth0', metadata: {} };
const client = { client_id: 'sampleClientId00000000000000000', name: 'My application', metadata: {} };
const request = {
  ip: '203.0.113.10', method: 'POST', hostname: 'portrait.example.com', language: 'en', user_agent: 'Mozilla/5.0',
  query: {}, body: {}, geoip: { countryCode: 'US', countryName: 'United States', cityName: 'Bellevue', timeZone: 'America/Los_Angeles' },
};
const transaction = { id: 'sample-transaction', locale: 'en', protocol: 'oidc-basic-profile', requested_scopes: ['openid', 'profile', 'email'] };
const tenant = { id: 'portrait' };

export function sampleEvent(trigger: TriggerId): Record<string, unknown> {
  switch (trigger) {
    case 'post-login':
      return {
        user: sampleUser(), client, connection, request, transaction, tenant,
        authentication: { methods: [{ name: 'pwd', timestamp: new Date().toISOString() }] },
        authorization: { roles: [] },
        stats: { logins_count: 1 },
      };
    case 'pre-user-registration': {
      const { user_id: _id, identities: _identities, ...user } = sampleUser();
      void _id;
      void _identities;
      return { user, client, connection, request, transaction, tenant };
    }
    case 'post-user-registration':
    case 'post-change-password':
      return { user: sampleUser(), connection, request, transaction, tenant };
    case 'credentials-exchange':
      return {
        client, request, tenant,
        resource_server: { identifier: 'https://api.example.com/' },
        transaction: { requested_scopes: ['read:things'] },
      };
  }
}
