// A self-signed certificate for 127.0.0.1 and localhost, made with the system's openssl. The global setup puts
// it in NODE_EXTRA_CA_CERTS before the test workers start, so the official SDKs (which always speak https)
// trust the test servers exactly as they would trust a real tenant.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export interface TestCertificate {
  cert: string;
  key: string;
}

export function makeTestCertificate(dir: string): TestCertificate {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert],
    { stdio: 'pipe' },
  );
  return { cert, key };
}
