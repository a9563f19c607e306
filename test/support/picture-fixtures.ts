// Upload fixtures made with sharp, and helpers to look at what a test server stored: the blob files on disk,
// multipart bodies, and user-context Management API tokens.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import sharp from 'sharp';
import type { TestServer } from './test-server.ts';

export interface PictureFixtures {
  gpsJpeg: Buffer;
  otherPng: Buffer;
  bombPng: Buffer;
  truncatedJpeg: Buffer;
  html: Buffer;
  scriptSvg: Buffer;
}

export async function makePictureFixtures(): Promise<PictureFixtures> {
  const gpsJpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#cc3344' } })
    .composite([{ input: { create: { width: 400, height: 600, channels: 3, background: '#2244cc' } }, left: 400, top: 0 }])
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'AcmeCam', Model: 'Spy 3000', Artist: 'Jane Roe' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 29/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 40/1' },
    })
    .toBuffer();
  return {
    gpsJpeg,
    otherPng: await sharp({ create: { width: 300, height: 300, channels: 4, background: '#11aa5580' } }).png().toBuffer(),
    // 100 megapixels of one colour: a few hundred KB on the wire, 300 MB once decoded.
    bombPng: await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#808080' } }).png({ compressionLevel: 9 }).toBuffer(),
    truncatedJpeg: gpsJpeg.subarray(0, Math.floor(gpsJpeg.length / 2)),
    html: Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>'),
    scriptSvg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'),
  };
}

/** Object files in a filesystem blob store (the content-type sidecars and temp files start with '.'). */
export function storedObjects(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (!name.startsWith('.')) found.push(path.relative(root, full));
    }
  };
  walk(root);
  return found.sort();
}

export function multipartBody(parts: Array<{ name: string; filename?: string; type?: string; body: Buffer | string }>): FormData {
  const form = new FormData();
  for (const part of parts) {
    if (part.filename) form.append(part.name, new Blob([typeof part.body === 'string' ? part.body : new Uint8Array(part.body)], { type: part.type ?? 'application/octet-stream' }), part.filename);
    else form.append(part.name, String(part.body));
  }
  return form;
}

/** A token such as a signed-in user gets for the Management API (sub = the user, no client-credentials grant). */
export async function userContextToken(server: TestServer, userId: string, scopes: string[]): Promise<string> {
  const key = await server.services.keys.current();
  return new SignJWT({ scope: scopes.join(' '), azp: server.admin.clientId })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(server.issuer)
    .setSubject(userId)
    .setAudience(`${server.issuer}api/v2/`)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key.privateKey);
}
