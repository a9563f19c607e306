// Auth0 does not ask first-party apps for consent: a signed-in user's grant simply grows to what the app asks
// for. oidc-provider asks by default; these steps make it behave like Auth0 without a consent screen.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { interactionPolicy } from 'oidc-provider';

/** Adds what this authorization request asks for to a grant; true when it changed. */
function growGrant(grant: any, requested: { oidcScopes: Iterable<string>; claims: string[]; resources: Record<string, string[]> }): boolean {
  let changed = false;
  const haveScopes = new Set((grant.getOIDCScope() as string).split(' '));
  const addScopes = [...requested.oidcScopes].filter((s) => !haveScopes.has(s));
  if (addScopes.length) {
    grant.addOIDCScope(addScopes.join(' '));
    changed = true;
  }
  if (requested.claims.length) {
    grant.addOIDCClaims(requested.claims);
    changed = true;
  }
  for (const [indicator, scopes] of Object.entries(requested.resources)) {
    const have = new Set((grant.getResourceScope(indicator) as string).split(' '));
    const add = scopes.filter((s) => !have.has(s));
    if (add.length || !grant.resources?.[indicator]) {
      grant.addResourceScope(indicator, add.join(' '));
      changed = true;
    }
  }
  return changed;
}

function requestedClaims(ctx: KoaContextWithOIDC): string[] {
  const claims = ctx.oidc.claims ?? {};
  return [...new Set([...Object.keys(claims.id_token ?? {}), ...Object.keys(claims.userinfo ?? {})])];
}

/** oidc-provider's `loadExistingGrant`: the session's grant for this client, grown to this request, saved. */
export async function loadOrGrowGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
  let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  const accountId = oidc.session.accountId;
  if (!accountId) return grant;
  if (grant && grant.accountId !== accountId) grant = undefined;
  grant ??= new oidc.provider.Grant({ accountId, clientId: oidc.client.clientId });
  const resources: Record<string, string[]> = {};
  for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {}) as [string, { scopes: Set<string> }][]) {
    resources[indicator] = [...oidc.requestParamScopes].filter((s: string) => server.scopes.has(s));
  }
  const changed = growGrant(grant, { oidcScopes: oidc.requestParamOIDCScopes, claims: requestedClaims(ctx), resources });
  if (changed || !grant.jti) await grant.save();
  return grant;
}

/**
 * The login and consent prompts without the checks that would show a consent screen: native apps are not
 * forced to consent, and `prompt=consent` (which oidc-provider requires for refresh tokens) is satisfied by the
 * grant growing above.
 */
export function auth0InteractionPolicy() {
  const policy = interactionPolicy.base();
  const consent = policy.get('consent');
  consent.checks.remove('native_client_prompt');
  consent.checks.remove('consent_prompt');
  return policy;
}

/**
 * oidc-provider drops `offline_access` unless `prompt=consent` is present (OIDC Core §11); Auth0 issues a refresh
 * token whenever the app asks for `offline_access`. Adding `consent` to the prompt keeps the scope; the policy
 * above resolves that prompt without a screen. `prompt=none` (silent authentication) is left alone.
 */
export async function keepOfflineAccess(ctx: any, next: () => Promise<void>) {
  if (ctx.method === 'GET' && ctx.path === '/authorize') {
    const query = ctx.query as Record<string, unknown>;
    const scope = typeof query.scope === 'string' ? query.scope : '';
    const prompt = typeof query.prompt === 'string' ? query.prompt : '';
    const prompts = prompt.split(' ').filter(Boolean);
    if (scope.split(' ').includes('offline_access') && !prompts.includes('none') && !prompts.includes('consent')) {
      ctx.query = { ...query, prompt: [...prompts, 'consent'].join(' ') };
    }
  }
  await next();
}
