// The dashboard's weight: gzip sizes of the JavaScript a browser loads before the first page shows (the entry
// and its static imports, then the Users page and its own), and of the code editor loaded only where it is used.
// Reads the build's manifest (dist/web/.vite/manifest.json); run `npm run build:web` first.
// Usage: node --import tsx bench/console-size.ts
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

interface Chunk { file: string; imports?: string[]; dynamicImports?: string[]; isEntry?: boolean; src?: string; css?: string[] }
const dir = path.resolve('dist/web');
const manifest = JSON.parse(readFileSync(path.join(dir, '.vite/manifest.json'), 'utf8')) as Record<string, Chunk>;

/** A chunk and every chunk it imports statically, each once. */
function closure(key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const k of manifest[key].imports ?? []) closure(k, seen);
  return seen;
}
const gz = (file: string) => gzipSync(readFileSync(path.join(dir, file)), { level: 9 }).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const total = (keys: Iterable<string>) => [...keys].reduce((sum, k) => sum + gz(manifest[k].file), 0);

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)!;
const shell = closure(entry);
const firstPage = Object.keys(manifest).find((k) => k.endsWith('pages/UsersPage.tsx'))!;
const beforeFirstPage = new Set([...shell, ...closure(firstPage)]);
const editor = Object.keys(manifest).find((k) => /CodeEditor/.test(k))!;
const editorOnly = [...closure(editor)].filter((k) => !beforeFirstPage.has(k));
const css = [...new Set([...beforeFirstPage].flatMap((k) => manifest[k].css ?? []))].reduce((sum, f) => sum + gz(f), 0);

console.log(`shell (entry + static imports):            ${kb(total(shell))} gzip JS`);
console.log(`before the first page (shell + Users page): ${kb(total(beforeFirstPage))} gzip JS (budget 250 KB)`);
console.log(`code editor, lazy (CodeMirror):            ${kb(total(editorOnly))} gzip JS`);
console.log(`stylesheet before the first page:          ${kb(css)} gzip CSS`);
