// `npm run example`: Portrait on the embedded default (SQLite and files under ./data) and the sample app beside
// it. Creates what the app needs idempotently, then prints the app's URL and the test user's credentials.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPictureApp } from './app.ts';
import { managementClient } from './management.ts';
import { provisionPictureApp } from './provision.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const portraitPort = Number(process.env.PORT ?? 3000);
const appPort = Number(process.env.APP_PORT ?? 4000);
const issuer = process.env.PORTRAIT_ISSUER ?? `http://localhost:${portraitPort}/`;
const appUrl = `http://localhost:${appPort}`;
const dataDir = path.resolve(root, process.env.PORTRAIT_DATA_DIR ?? 'data');

async function waitUntilHealthy(): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      if ((await fetch(new URL('healthz', issuer))).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Portrait did not become healthy at ${issuer}healthz`);
}

const portrait = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'src/main.ts', 'start'], {
  cwd: root,
  env: { PORTRAIT_LOG_LEVEL: 'warn', ...process.env, PORT: String(portraitPort), PORTRAIT_ISSUER: issuer, PORTRAIT_DATA_DIR: dataDir },
  stdio: ['ignore', 'inherit', 'inherit'],
});
portrait.on('exit', (code) => {
  console.error(`Portrait exited (${code}); stopping the sample app.`);
  process.exit(code ?? 1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => portrait.kill(signal));

try {
  await waitUntilHealthy();
  const admin = JSON.parse(readFileSync(path.join(dataDir, 'admin-client.json'), 'utf8'));
  const management = await managementClient(issuer, admin.client_id, admin.client_secret);
  const setup = await provisionPictureApp(management, appUrl, path.join(dataDir, 'picture-app.json'));
  const sessionSecret = randomBytes(32).toString('hex');
  const app = createPictureApp({ issuer, appUrl, clientId: setup.clientId, clientSecret: setup.clientSecret, sessionSecret });
  app.listen(appPort, () => {
    console.log(`\nPicture App: ${appUrl}/`);
    console.log(`Test user:   ${setup.testUser.email} / ${setup.testUser.password}\n`);
  });
} catch (error) {
  console.error(`The sample app could not start: ${(error as Error).message}`);
  portrait.kill('SIGTERM');
}
