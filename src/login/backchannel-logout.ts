// OpenID Back-Channel Logout 1.0 when a session ends outside oidc-provider's own /oidc/logout (which notifies by
// itself): Auth0's /v2/logout and the Management API's session deletion and revocation. Every app of the session
// that registered a back-channel URL (Auth0's `oidc_logout.backchannel_logout_urls`) receives a logout token
// signed like the ID tokens, naming the user (`sub`) and the session (`sid`). The requests go through the
// provider's fetch (provider-factory: `fetch`, see outbound.ts); a failed notification is logged and never undoes
// the logout.
import type Provider from 'oidc-provider';

export interface EndedSession {
  uid: string;
  accountId?: string;
  authorizations?: Record<string, unknown>;
}

export async function notifyBackchannelLogout(provider: Provider, session: EndedSession, log: (error: unknown, clientId: string) => void = () => undefined): Promise<void> {
  if (!session.accountId) return;
  await Promise.all(
    Object.keys(session.authorizations ?? {}).map(async (clientId) => {
      try {
        const client = await provider.Client.find(clientId);
        if (client?.backchannelLogoutUri) await client.backchannelLogout(session.accountId, session.uid);
      } catch (error) {
        log(error, clientId);
      }
    }),
  );
}
