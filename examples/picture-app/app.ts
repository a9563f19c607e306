// The sample app, written the way an Auth0 customer writes one: Express with Auth0's own express-openid-connect,
// pointed at Portrait. It asks for a Management API token for the signed-in user (current-user scopes), and
// with it saves a pasted picture URL to user_metadata.picture (the seed's way) or uploads a picture to Portrait.
// The seed's post-login Action turns user_metadata.picture into the ID token's `picture`; a silent refresh
// (refresh-token grant, which runs the Action again) brings the new picture without a new login.
import express, { type Request, type Response } from 'express';
import eoc from 'express-openid-connect';
import { withToken } from './management.ts';
import { renderPage } from './page.ts';

export interface PictureAppOptions {
  /** Portrait's issuer, with a trailing slash. */
  issuer: string;
  /** Where this app is served, without a trailing slash. */
  appUrl: string;
  clientId: string;
  clientSecret: string;
  /** Secret for the app's own session cookie. */
  sessionSecret: string;
}

const { auth, requiresAuth } = eoc;

export function createPictureApp(options: PictureAppOptions): express.Express {
  const { issuer } = options;
  const app = express();
  app.use(express.urlencoded({ extended: false, limit: '8kb' }));
  app.use(auth({
    issuerBaseURL: issuer,
    baseURL: options.appUrl,
    clientID: options.clientId,
    clientSecret: options.clientSecret,
    secret: options.sessionSecret,
    authRequired: false,
    idpLogout: true,
    authorizationParams: {
      response_type: 'code',
      audience: `${issuer}api/v2/`,
      scope: 'openid profile email offline_access read:current_user update:current_user_metadata',
    },
  }));

  const show = (req: Request, res: Response, note: { message?: string; error?: string } = {}) => {
    res.type('html').send(renderPage({ user: req.oidc.user, idTokenPicture: req.oidc.idTokenClaims?.picture as string | undefined, ...note }));
  };
  const userApi = (req: Request) => withToken(issuer, req.oidc.accessToken!.access_token);
  const userPath = (req: Request) => `/users/${encodeURIComponent(req.oidc.user!.sub as string)}`;
  /** The refresh-token grant: Portrait re-reads the profile and runs the post-login Actions again. */
  const refresh = async (req: Request) => { await req.oidc.accessToken!.refresh(); };

  app.get('/', (req, res) => show(req, res));

  /** A form's handler: do the change, then show the page with what happened or why it failed. */
  const change = (work: (req: Request) => Promise<void>, done: string) => async (req: Request, res: Response) => {
    try {
      await work(req);
      show(req, res, { message: done });
    } catch (error) {
      res.status(400);
      show(req, res, { error: (error as Error).message });
    }
  };

  app.post('/picture-url', requiresAuth(), change(async (req) => {
    await userApi(req).call('PATCH', userPath(req), { user_metadata: { picture: String(req.body.url ?? '') } });
    await refresh(req);
  }, 'Saved to user_metadata.picture; the refreshed ID token carries it.'));

  // The browser's multipart body goes to Portrait as it is: Portrait reads the part named `picture`.
  app.post('/picture-upload', requiresAuth(), change(async (req) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await fetch(new URL(`api/v2${userPath(req)}/picture`, issuer), {
      method: 'PUT',
      headers: { authorization: `Bearer ${req.oidc.accessToken!.access_token}`, 'content-type': req.headers['content-type'] ?? '' },
      body: Buffer.concat(chunks),
    });
    if (!answer.ok) throw new Error(((await answer.json()) as { message?: string }).message ?? `upload: ${answer.status}`);
    // The newest choice wins: a picture URL saved earlier would otherwise keep overriding the upload.
    await userApi(req).call('PATCH', userPath(req), { user_metadata: { picture: null } });
    await refresh(req);
  }, 'Uploaded; the refreshed ID token carries the new picture.'));

  app.post('/refresh', requiresAuth(), async (req, res) => {
    await refresh(req);
    res.redirect('/');
  });

  return app;
}
