import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The npm modules an action may `require`. Auth0 installs any npm dependency at deploy time; Portrait
 * cannot (no registry access at run time, and installed code would run outside the sandbox's control),
 * so it offers a fixed set of pure-JavaScript modules that need nothing from Node (no fs, net, crypto),
 * evaluated inside the action's own isolate. An action must declare them as dependencies (any version
 * is accepted; the bundled version is used) and deploy refuses any other dependency with a clear error.
 *
 *   lodash — utility belt, the most common dependency of Auth0 actions
 *   ms     — "2 days" ⇄ milliseconds
 *
 * They are read from this server's node_modules; a module missing there is reported as unavailable.
 */
export const BUNDLED_MODULE_FILES: Readonly<Record<string, string>> = {
  lodash: 'lodash/lodash.min.js',
  ms: 'ms/index.js',
};

const require = createRequire(import.meta.url);
const sources = new Map<string, string | null>();

/** Source text of a bundled module, or null when it is not one (or not installed). */
export function bundledModuleSource(name: string): string | null {
  if (!Object.hasOwn(BUNDLED_MODULE_FILES, name)) return null;
  if (!sources.has(name)) {
    try {
      sources.set(name, readFileSync(require.resolve(BUNDLED_MODULE_FILES[name]!), 'utf8'));
    } catch {
      sources.set(name, null);
    }
  }
  return sources.get(name) ?? null;
}

export function bundledModuleNames(): string[] {
  return Object.keys(BUNDLED_MODULE_FILES).filter((name) => bundledModuleSource(name) !== null);
}
