// Sessions, refresh tokens and grants as the Management API shows them, read from oidc-provider's own storage
// (the oidc_payloads table this domain owns). Ids are the public ones Auth0 shows, never the secrets:
// - a session's id is the provider session's `uid`, stable across logins and equal to the ID tokens' `sid`
//   (silent-auth.ts makes sid = uid); the cookie value (the row id) is never shown;
// - a refresh token's id is its grant's id: rotation keeps the grant, so one id names the whole rotating family,
//   and the token value (the row id) is never shown;
// - a grant's id is the provider grant's id.
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { fromJsonColumn } from '../platform/db/json.ts';
import type { OidcPayloadsTables } from './oidc-payloads.ts';

type Row = { id: string; payload: unknown; expires_at: number | string | null; consumed_at: number | string | null };
type Payload = Record<string, any>;

const iso = (epochSeconds: number | undefined) => (typeof epochSeconds === 'number' ? new Date(epochSeconds * 1000).toISOString() : undefined);
const isoMs = (epochMs: number | string | null) => (epochMs === null ? undefined : new Date(Number(epochMs)).toISOString());

export interface SessionView {
  id: string;
  user_id: string;
  created_at?: string;
  updated_at?: string;
  authenticated_at?: string;
  idle_expires_at?: string;
  expires_at?: string;
  last_interacted_at?: string;
  device: Record<string, string>;
  clients: { client_id: string }[];
  authentication: { methods: { name: string; timestamp?: string }[] };
  cookie: { mode: 'persistent' | 'non-persistent' };
}

export interface RefreshTokenView {
  id: string;
  user_id: string;
  created_at?: string;
  idle_expires_at?: string;
  expires_at?: string;
  device: Record<string, string>;
  client_id: string;
  session_id: string | null;
  rotating: boolean;
  resource_servers: { audience: string; scopes: string }[];
  last_exchanged_at?: string;
}

export interface GrantView {
  id: string;
  clientID: string;
  user_id: string;
  audience: string;
  scope: string[];
}

/** What a session row holds for the view: the provider's Session payload plus the row's expiry. */
function sessionView(payload: Payload, expiresAt: number | string | null, absoluteExpiry?: number): SessionView {
  const clients = Object.keys(payload.authorizations ?? {}).map((client_id) => ({ client_id }));
  return {
    id: payload.uid,
    user_id: payload.accountId,
    created_at: iso(payload.iat),
    updated_at: iso(payload.iat),
    authenticated_at: iso(payload.loginTs),
    last_interacted_at: iso(payload.iat),
    idle_expires_at: isoMs(expiresAt),
    expires_at: absoluteExpiry ? iso(absoluteExpiry) : isoMs(expiresAt),
    device: {},
    clients,
    authentication: { methods: (payload.amr ?? ['pwd']).map((name: string) => ({ name, timestamp: iso(payload.loginTs) })) },
    cookie: { mode: payload.transient ? 'non-persistent' : 'persistent' },
  };
}

export class SessionRecords {
  private readonly db: Kysely<OidcPayloadsTables>;
  constructor(
    handle: DatabaseHandle,
    /** The absolute expiry of a session logged in at loginTs (epoch seconds), from the tenant's session_lifetime. */
    private readonly absoluteExpiry: (loginTs: number) => number | undefined = () => undefined,
    /** Whether the client's refresh tokens rotate (its refresh_token.rotation_type). */
    private readonly rotating: (clientId: string) => Promise<boolean> = async () => true,
  ) {
    this.db = handle.tables<OidcPayloadsTables>();
  }

  private live(type: string) {
    return this.db
      .selectFrom('oidc_payloads')
      .select(['id', 'payload', 'expires_at', 'consumed_at'])
      .where('type', '=', type)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', Date.now())]));
  }

  private toSession(row: Row): SessionView {
    const payload = fromJsonColumn<Payload>(row.payload);
    return sessionView(payload, row.expires_at, typeof payload.loginTs === 'number' ? this.absoluteExpiry(payload.loginTs) : undefined);
  }

  /** A user's signed-in sessions, newest first. */
  async sessionsOf(userId: string): Promise<SessionView[]> {
    const rows = (await this.live('Session').where('account_id', '=', userId).execute()) as Row[];
    return rows.map((r) => this.toSession(r)).sort((a, b) => (b.authenticated_at ?? '').localeCompare(a.authenticated_at ?? ''));
  }

  async session(id: string): Promise<SessionView | undefined> {
    const row = (await this.live('Session').where('uid', '=', id).executeTakeFirst()) as Row | undefined;
    return row && fromJsonColumn<Payload>(row.payload).accountId ? this.toSession(row) : undefined;
  }

  /** The raw provider session (for back-channel logout: who, which clients, which sids). */
  async sessionPayload(id: string): Promise<Payload | undefined> {
    const row = (await this.live('Session').where('uid', '=', id).executeTakeFirst()) as Row | undefined;
    return row ? fromJsonColumn<Payload>(row.payload) : undefined;
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('type', '=', 'Session').where('uid', '=', id).execute();
  }

  /** The user's refresh tokens, one per rotating family (the unconsumed member, or the newest). */
  async refreshTokensOf(userId: string): Promise<RefreshTokenView[]> {
    const rows = (await this.live('RefreshToken').where('account_id', '=', userId).execute()) as Row[];
    return this.families(rows);
  }

  async refreshToken(id: string): Promise<RefreshTokenView | undefined> {
    const rows = (await this.live('RefreshToken').where('grant_id', '=', id).execute()) as Row[];
    return (await this.families(rows))[0];
  }

  /** Every live refresh token of the tenant, optionally for one user or client (device-credentials). */
  async refreshTokens(filter: { user_id?: string; client_id?: string }): Promise<RefreshTokenView[]> {
    let query = this.live('RefreshToken');
    if (filter.user_id) query = query.where('account_id', '=', filter.user_id);
    const tokens = await this.families((await query.execute()) as Row[]);
    return filter.client_id ? tokens.filter((t) => t.client_id === filter.client_id) : tokens;
  }

  /** One view per family: rotated-out (consumed) members are history; the newest live member speaks for it. */
  private async families(rows: Row[]): Promise<RefreshTokenView[]> {
    const byGrant = new Map<string, { payload: Payload; row: Row }>();
    for (const row of rows) {
      if (row.consumed_at !== null) continue;
      const payload = fromJsonColumn<Payload>(row.payload);
      if (!payload.grantId || !payload.accountId) continue;
      const seen = byGrant.get(payload.grantId);
      if (!seen || (payload.iat ?? 0) > (seen.payload.iat ?? 0)) byGrant.set(payload.grantId, { payload, row });
    }
    const clientIds = [...new Set([...byGrant.values()].map(({ payload }) => String(payload.clientId)))];
    const rotates = new Map(await Promise.all(clientIds.map(async (id) => [id, await this.rotating(id)] as const)));
    return [...byGrant.values()]
      .map(({ payload, row }) => ({
        id: payload.grantId,
        user_id: payload.accountId,
        created_at: iso(payload.iat),
        expires_at: isoMs(row.expires_at),
        idle_expires_at: isoMs(row.expires_at),
        device: {},
        client_id: payload.clientId,
        session_id: payload.sessionUid ?? null,
        rotating: rotates.get(String(payload.clientId)) ?? true,
        resource_servers: payload.resource ? [{ audience: payload.resource, scopes: payload.scope ?? '' }] : [],
        last_exchanged_at: iso(payload.iat),
      }))
      .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''));
  }

  /** Grant ids of the user's refresh tokens, or of those a session issued. */
  async refreshTokenGrantIds(filter: { userId?: string; sessionId?: string }): Promise<string[]> {
    let query = this.live('RefreshToken');
    if (filter.userId) query = query.where('account_id', '=', filter.userId);
    const rows = (await query.execute()) as Row[];
    const ids = new Set<string>();
    for (const row of rows) {
      const payload = fromJsonColumn<Payload>(row.payload);
      if (filter.sessionId && payload.sessionUid !== filter.sessionId) continue;
      if (payload.grantId) ids.add(payload.grantId);
    }
    return [...ids];
  }

  /** Revokes everything issued under a grant (refresh and access tokens, codes) and the grant itself. */
  async revokeGrant(grantId: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where((eb) => eb.or([eb('grant_id', '=', grantId), eb.and([eb('type', '=', 'Grant'), eb('id', '=', grantId)])])).execute();
  }

  async grants(filter: { user_id?: string; client_id?: string; audience?: string }): Promise<GrantView[]> {
    let query = this.live('Grant');
    if (filter.user_id) query = query.where('account_id', '=', filter.user_id);
    const out: GrantView[] = [];
    for (const row of (await query.execute()) as Row[]) {
      const payload = fromJsonColumn<Payload>(row.payload);
      if (!payload.accountId) continue;
      for (const view of grantViews(row.id, payload)) {
        if (filter.client_id && view.clientID !== filter.client_id) continue;
        if (filter.audience && view.audience !== filter.audience) continue;
        out.push(view);
      }
    }
    return out;
  }

  async grantExists(id: string): Promise<boolean> {
    return Boolean(await this.live('Grant').where('id', '=', id).executeTakeFirst());
  }
}

/** One Auth0 grant per audience the provider grant covers (the OpenID scopes count as the issuer's userinfo). */
function grantViews(id: string, payload: Payload): GrantView[] {
  const base = { id, clientID: payload.clientId, user_id: payload.accountId };
  const views: GrantView[] = [];
  const resources = Object.entries((payload.resources ?? {}) as Record<string, string>);
  for (const [audience, scope] of resources) views.push({ ...base, audience, scope: scope.split(' ').filter(Boolean) });
  if (views.length === 0) views.push({ ...base, audience: '', scope: String(payload.openid?.scope ?? '').split(' ').filter(Boolean) });
  return views;
}
