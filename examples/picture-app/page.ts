// The sample app's one page, as plain HTML. Everything that comes from the profile or the user is escaped.

const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f6f7f9; color: #1f2328; }
  main { max-width: 40rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 3px #0002; }
  img.picture { width: 96px; height: 96px; border-radius: 50%; object-fit: cover; background: #ddd; }
  form { margin: 1rem 0; display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
  input[type=url] { flex: 1; min-width: 14rem; padding: .5rem; border: 1px solid #6e7781; border-radius: 6px; }
  button, a.button { padding: .5rem 1rem; border-radius: 6px; border: 0; background: #0b5cad; color: #fff; font: inherit; cursor: pointer; text-decoration: none; }
  pre { background: #f0f2f5; padding: .75rem; overflow-x: auto; font-size: .85rem; }
  .error { color: #a40e26; }`;

export interface PageModel {
  user?: Record<string, unknown>;
  idTokenPicture?: string;
  message?: string;
  error?: string;
}

export function renderPage(model: PageModel): string {
  const { user } = model;
  const body = user ? signedIn(user, model) : `<h1>Picture App</h1>
    <p>A sample app signing in through Portrait with Auth0's <code>express-openid-connect</code>.</p>
    <p><a class="button" href="/login">Log in</a></p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Picture App</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function signedIn(user: Record<string, unknown>, model: PageModel): string {
  return `<h1>Hello, ${escapeHtml(user.name ?? user.email)}</h1>
    <img class="picture" id="picture" src="${escapeHtml(model.idTokenPicture)}" alt="Your picture">
    <p>The ID token's <code>picture</code>: <code id="picture-claim">${escapeHtml(model.idTokenPicture)}</code></p>
    ${model.message ? `<p role="status">${escapeHtml(model.message)}</p>` : ''}
    ${model.error ? `<p class="error" role="alert">${escapeHtml(model.error)}</p>` : ''}
    <form method="post" action="/picture-url">
      <label for="picture-url">Picture URL</label>
      <input type="url" id="picture-url" name="url" required placeholder="https://example.com/me.png">
      <button type="submit">Save to user_metadata.picture</button>
    </form>
    <form method="post" action="/picture-upload" enctype="multipart/form-data">
      <label for="picture-file">Upload a picture</label>
      <input type="file" id="picture-file" name="picture" accept="image/png,image/jpeg,image/webp,image/gif" required>
      <button type="submit">Upload</button>
    </form>
    <form method="post" action="/refresh"><button type="submit">Refresh tokens (silently)</button></form>
    <p><a href="/logout">Log out</a></p>
    <h2>Profile (ID token claims)</h2>
    <pre id="profile">${escapeHtml(JSON.stringify(user, null, 2))}</pre>`;
}
