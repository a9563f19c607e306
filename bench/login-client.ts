// The app side of one password login through the whole code flow (authorize → login page → POST password →
// resume → code exchange), with a private cookie jar; shared by the sign-in benchmarks.

export interface BenchApp {
  clientId: string;
  clientSecret: string;
}

export const BENCH_CALLBACK = 'http://127.0.0.1:9/callback';

export async function waitForServer(base: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}healthz`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

/** One full login; returns the token endpoint's JSON answer. Throws when the login does not end in tokens. */
export async function oneLogin(base: string, app: BenchApp, email: string, password: string): Promise<Record<string, unknown>> {
  const jar = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(new URL(url, base), { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
  const authorize = await go(`authorize?${new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: BENCH_CALLBACK, scope: 'openid profile email' })}`);
  const page = await go(authorize.headers.get('location')!);
  const html = await page.text();
  const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
  const posted = await go('u/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, username: email, password }),
  });
  const resumed = await go(posted.headers.get('location')!);
  const code = new URL(resumed.headers.get('location')!).searchParams.get('code');
  if (!code) throw new Error(`no code: ${resumed.status} ${resumed.headers.get('location')}`);
  const token = await go('oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: BENCH_CALLBACK, client_id: app.clientId, client_secret: app.clientSecret }),
  });
  if (token.status !== 200) throw new Error(`token ${token.status}: ${await token.text()}`);
  return (await token.json()) as Record<string, unknown>;
}
