// The one door for the OpenID provider's own outbound requests (today: back-channel logout notifications).
// oidc-provider refuses loopback, private and other special-use addresses by handing fetch a guarding dispatcher;
// PORTRAIT_ALLOW_PRIVATE_OUTBOUND=true drops that dispatcher, for apps on a private network (and the tests'
// local receivers). The provider's dispatcher applies the same address rules as platform/outbound, so the one
// setting governs every outbound request the server makes.
export function outboundFetch(allowPrivate: boolean) {
  return (url: string | URL, options: RequestInit & { dispatcher?: unknown }) => {
    if (!allowPrivate) return fetch(url, options as RequestInit);
    const { dispatcher: _guard, ...unguarded } = options;
    return fetch(url, unguarded as RequestInit);
  };
}
