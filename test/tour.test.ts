// docs/tour.md runs as written: every ```sh block, in order, in one bash process, against a fresh server with
// an admin-client.json as a first start writes it. Then what the tour claims is checked against its output and
// the server's state, so the page cannot drift from what works.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.ts';

/** The ```sh blocks of a Markdown page, in order (```console and other blocks are for reading, not running). */
export function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

describe('docs/tour.md', () => {
  let server: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    server = await startTestServer();
    dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-tour-'));
    const admin = { client_id: server.admin.clientId, client_secret: server.admin.clientSecret, audience: `${server.issuer}api/v2/` };
    writeFileSync(path.join(dataDir, 'admin-client.json'), JSON.stringify(admin));
  });
  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs every shell block, and each step does what the page says', async () => {
    const blocks = shellBlocks(readFileSync('docs/tour.md', 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const script = ['set -euo pipefail', ...blocks].join('\n');
    const env = { ...process.env, PORTRAIT: server.url.replace(/\/$/, ''), PORTRAIT_DATA_DIR: dataDir };
    // Asynchronously: the server the script talks to lives in this process.
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('bash', ['-c', script], { env, timeout: 100_000, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: out, stderr: err }));
    });
    if (process.env.TOUR_PRINT) console.log(stdout);
    expect(code, `the tour failed:\n${stdout}\n${stderr}`).toBe(0);

    // 1. A database user's picture: Gravatar with Portrait's initials avatar as its fallback, which is served.
    expect(stdout).toMatch(/"picture": "https:\/\/s\.gravatar\.com\/avatar\/[0-9a-f]{32}\?s=480&r=pg&d=[^"]*avatars%2Fal\.png"/);
    expect(stdout).toContain('initials avatar: 200 image/png');
    // 3. The Action's test result and the decoded ID token carry user_metadata.picture.
    expect(stdout).toContain("picture: 'https://example.com/some-image.png'");
    // 5. The import completed with the file's picture.
    expect(stdout).toContain('import: completed');
    expect(stdout).toContain('https://example.com/grace.png');
    // 6. The seed's second Action as printed fails with its ReferenceError; the tenant default reaches only
    // users without a picture of their own.
    expect(stdout).toContain('"message": "defaultProfileImage is not defined"');
    expect(stdout).toContain('"line": 3');
    expect(stdout).toMatch(/^https:\/\/example\.com\/default\.png$/m);
    // 7. The upload replaced the picture with one Portrait serves, in several sizes.
    expect(stdout).toMatch(new RegExp(`"picture": "${server.url}pictures/`));

    const token = await server.managementToken();
    const users = await fetch(`${server.url}api/v2/users-by-email?email=grace%40example.com`, { headers: { authorization: `Bearer ${token}` } });
    expect((await users.json())[0].picture).toBe('https://example.com/grace.png');
  }, 150_000);
});
