// What makes a client's settings coherent, checked on the settings a client would have after a create or a
// PATCH (never on the request alone), and the defaults each app_type starts with.
import { fail } from '../platform/errors.ts';
import type { AppType, Client, ClientSettings } from './clients-store.ts';
import { rulesFor, urlProblem, type UrlListName } from './client-urls.ts';

/** Set by the first start on the client it creates; bootstrap finds the admin client by it. */
export const BOOTSTRAP_METADATA_KEY = 'portrait_bootstrap';


/** Every grant type Auth0 lets a client list; which ones Portrait serves is up to /oauth/token. */
export const GRANT_TYPES: readonly string[] = [
  'authorization_code',
  'implicit',
  'refresh_token',
  'client_credentials',
  'password',
  'http://auth0.com/oauth/grant-type/password-realm',
  'http://auth0.com/oauth/grant-type/mfa-oob',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'http://auth0.com/oauth/grant-type/mfa-recovery-code',
  'http://auth0.com/oauth/grant-type/passwordless/otp',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:openid:params:grant-type:ciba',
];

/**
 * The defaults of a new client by app_type, as the Auth0 Dashboard sets them (Auth0's API applies the
 * regular_web ones whatever the type; Portrait takes the Dashboard's, which are what people mean):
 * browser and device apps are public clients without client_credentials; machine clients have only
 * client_credentials. An explicit value in the request always wins.
 */
export function defaultsFor(appType: AppType): Pick<ClientSettings, 'grant_types' | 'token_endpoint_auth_method'> {
  switch (appType) {
    case 'spa':
    case 'native':
      return { token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'implicit', 'refresh_token'] };
    case 'non_interactive':
      return { token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] };
    case 'regular_web':
      return { token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'] };
  }
}

const invalid = (message: string): never => fail('invalid_body', `Payload validation error: ${message}`);

const URL_LISTS: UrlListName[] = ['callbacks', 'allowed_logout_urls', 'web_origins', 'allowed_origins'];

/** What a client would look like: the current one (if any) with the request applied. */
export type ClientShape = Pick<Client, 'app_type' | 'grant_types' | 'token_endpoint_auth_method' | 'client_metadata'> &
  Partial<Pick<Client, 'callbacks' | 'allowed_logout_urls' | 'web_origins' | 'allowed_origins' | 'logo_uri'>> & {
    jwt_configuration?: { alg?: string; lifetime_in_seconds?: number };
  };

/** Throws invalid_body naming the first incoherent setting. */
export function assertCoherent(client: ClientShape): void {
  for (const list of URL_LISTS) {
    const urls = client[list] ?? [];
    urls.forEach((url, i) => {
      const problem = urlProblem(url, rulesFor(list, client.app_type));
      if (problem) invalid(`'${JSON.stringify(url)} ${problem}' on property ${list}.${i}.`);
    });
  }
  if (client.logo_uri !== undefined) {
    const problem = urlProblem(client.logo_uri);
    if (problem) invalid(`'${JSON.stringify(client.logo_uri)} ${problem}' on property logo_uri.`);
  }
  const unknown = client.grant_types.find((g) => !GRANT_TYPES.includes(g));
  if (unknown !== undefined) invalid(`'${JSON.stringify(unknown)} is not a grant type' on property grant_types.`);
  if (client.token_endpoint_auth_method === 'none' && client.grant_types.includes('client_credentials')) {
    invalid("'client_credentials needs a confidential client: a client whose token_endpoint_auth_method is none has no secret to prove' on property grant_types.");
  }
  const alg = client.jwt_configuration?.alg;
  if (alg !== undefined && alg !== 'RS256') {
    invalid(
      alg === 'HS256'
        ? "'HS256 is not supported: it signs with the client secret, and Portrait keeps only a digest of it, never the secret itself. Use RS256' on property jwt_configuration.alg."
        : `'${JSON.stringify(alg)} is not supported; use RS256' on property jwt_configuration.alg.`,
    );
  }
}

/** The bootstrap mark belongs to the client the first start made: nobody may set or move it. */
export function assertNoReservedMetadata(metadata: Record<string, string> | undefined): void {
  if (metadata && Object.hasOwn(metadata, BOOTSTRAP_METADATA_KEY)) {
    invalid(`'${BOOTSTRAP_METADATA_KEY} is reserved for the client Portrait creates on its first start' on property client_metadata.`);
  }
}

export const isBootstrapClient = (client: Pick<Client, 'client_metadata'>): boolean => client.client_metadata[BOOTSTRAP_METADATA_KEY] === 'true';

/** The request body of POST /clients with the app_type defaults filled in. */
export function withDefaults<T extends { app_type?: AppType; grant_types?: string[]; token_endpoint_auth_method?: ClientSettings['token_endpoint_auth_method'] }>(
  body: T,
): T & { app_type: AppType } & Pick<ClientSettings, 'grant_types' | 'token_endpoint_auth_method'> {
  const appType = body.app_type ?? 'regular_web';
  const defaults = defaultsFor(appType);
  return {
    ...body,
    app_type: appType,
    token_endpoint_auth_method: body.token_endpoint_auth_method ?? defaults.token_endpoint_auth_method,
    grant_types: body.grant_types ?? defaults.grant_types,
  };
}
