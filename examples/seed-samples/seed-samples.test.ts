// Each of the seed's PATCH samples, corrected where the seed is wrong, run by its own toolchain against a real
// Portrait over HTTPS: it must set the user's user_metadata.picture to the seed's URL. The run's self-signed
// certificate is trusted the way each toolchain is told to trust a CA (never by turning checks off, except
// where the seed's own Ruby sample does so).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, sdkDomain, type TestServer } from '../../test/support/test-server.ts';
import { adminClient, DB_CONNECTION, STRONG_PASSWORD } from '../../test/support/users.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SEED_PICTURE = 'https://example.com/some-image.png';
const JAVA_CLASSPATH = ['unirest-java', 'httpclient', 'httpcore', 'httpasyncclient', 'httpcore-nio', 'httpmime', 'commons-logging', 'com.android.json']
  .map((jar) => `/usr/share/java/${jar}.jar`);

interface Sample {
  language: string;
  /** The toolchain's command, checked before the run so that a missing one fails loudly. */
  toolchain: string;
  run(env: NodeJS.ProcessEnv, work: string): { command: string; args: string[] };
}

const samples: Sample[] = [
  { language: 'cURL', toolchain: 'curl', run: () => ({ command: 'sh', args: ['curl.sh'] }) },
  { language: 'Node.js (axios)', toolchain: 'node', run: () => ({ command: 'node', args: ['node.cjs'] }) },
  { language: 'Python', toolchain: 'python3', run: () => ({ command: 'python3', args: ['python.py'] }) },
  { language: 'Go', toolchain: 'go', run: () => ({ command: 'go', args: ['run', 'main.go'] }) },
  { language: 'PHP', toolchain: 'php', run: (env) => ({ command: 'php', args: ['-d', `curl.cainfo=${env.SSL_CERT_FILE}`, 'php.php'] }) },
  { language: 'Ruby', toolchain: 'ruby', run: () => ({ command: 'ruby', args: ['ruby.rb'] }) },
  {
    language: 'Java (Unirest)',
    toolchain: 'javac',
    run(env, work) {
      const classpath = [work, ...JAVA_CLASSPATH].join(':');
      execFileSync('javac', ['-cp', classpath, '-d', work, 'ChangePicture.java'], { cwd: here, stdio: 'pipe' });
      const trustStore = path.join(work, 'trust.p12');
      execFileSync('keytool', ['-importcert', '-noprompt', '-alias', 'portrait-test', '-file', env.SSL_CERT_FILE!,
        '-keystore', trustStore, '-storetype', 'PKCS12', '-storepass', 'changeit'], { stdio: 'pipe' });
      return { command: 'java', args: [`-Djavax.net.ssl.trustStore=${trustStore}`, '-Djavax.net.ssl.trustStorePassword=changeit', '-cp', classpath, 'ChangePicture'] };
    },
  },
];

describe('the seed\'s samples change the user\'s picture through PATCH /api/v2/users/{id}', () => {
  let server: TestServer;
  let userId: string;
  let token: string;
  let work: string;
  beforeAll(async () => {
    server = await startTestServer({ tls: true });
    const user = await adminClient(server).users.create({ connection: DB_CONNECTION, email: 'seed-samples@example.com', password: STRONG_PASSWORD });
    userId = user.user_id!;
    token = await server.managementToken(['read:users', 'update:users']);
    work = mkdtempSync(path.join(tmpdir(), 'portrait-samples-'));
  });
  afterAll(async () => {
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it.each(samples)('$language', async (sample) => {
    const found = spawnSync('sh', ['-c', `command -v ${sample.toolchain}`], { encoding: 'utf8' });
    expect(found.status, `${sample.language}: the toolchain '${sample.toolchain}' is not installed (.ci/run installs it)`).toBe(0);
    const management = adminClient(server);
    await management.users.update(userId, { user_metadata: { picture: 'https://example.com/before.png' } });

    const certificate = process.env.NODE_EXTRA_CA_CERTS!;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORTRAIT_DOMAIN: sdkDomain(server),
      // The seed's samples put the id into the URL as it is; Auth0's ids carry a '|', which URLs must escape.
      USER_ID: encodeURIComponent(userId),
      MGMT_API_ACCESS_TOKEN: token,
      SSL_CERT_FILE: certificate,
      CURL_CA_BUNDLE: certificate,
      GOCACHE: path.join(work, 'go-cache'),
      GOPATH: path.join(work, 'go'),
      GO111MODULE: 'off',
    };
    const { command, args } = sample.run(env, work);
    // Asynchronously: the server answering the sample lives in this very process.
    const result = await new Promise<{ status: number | null; output: string }>((resolve) => {
      execFile(command, args, { cwd: here, env, timeout: 90_000 }, (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${stdout}\n${stderr}` }));
    });
    const output = result.output;
    expect(result.status, `${sample.language} exited ${result.status}:\n${output}`).toBe(0);
    const after = await management.users.get(userId);
    expect(after.user_metadata?.picture, `${sample.language} did not change the picture:\n${output}`).toBe(SEED_PICTURE);
  });
});
