import { CACHE_LIMITS } from '../action-cache.ts';

/** Longest console line kept (Auth0 persists 256 characters), and how many lines one run may log. */
export const MAX_LOG_LINE_CHARS = 256;
export const MAX_LOG_LINES = 100;
/** The recorder's JSON result may not exceed this; the 100 KB claims cap is checked later on the host. */
export const MAX_RESULT_CHARS = 2 * 1024 * 1024;

/**
 * JavaScript that runs once inside every new isolate, before the action's module. It receives the two
 * host References (console line sink, fetch) as globals `__portrait_host_log` / `__portrait_host_fetch`, keeps
 * them in its closure and deletes the globals, so action code never sees a Reference. It leaves three functions on the global,
 * which the host takes References to and then deletes too:
 *   __portrait_register(name, fn)  — a bundled module's CommonJS wrapper
 *   __portrait_load(fn)            — the action's CommonJS wrapper; runs the module's top level
 *   __portrait_invoke(inputJson)   — one execution: builds event and api from JSON, calls the handler,
 *                                    resolves to a JSON string (the recorder's result)
 * Passing JSON in and out keeps a run to one cross-isolate call, which is what makes warm runs cheap.
 */
export const SANDBOX_BOOTSTRAP = String.raw`(function () {
'use strict';
const logRef = globalThis.__portrait_host_log;
const fetchRef = globalThis.__portrait_host_fetch;
delete globalThis.__portrait_host_log;
delete globalThis.__portrait_host_fetch;
const LIMITS = ${JSON.stringify(CACHE_LIMITS)};
const MAX_LINE = ${MAX_LOG_LINE_CHARS}, MAX_LINES = ${MAX_LOG_LINES}, MAX_RESULT = ${MAX_RESULT_CHARS};
const stringify = JSON.stringify, parse = JSON.parse;
let logCount = 0;

function show(v) {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return v.stack || String(v);
  try { const s = stringify(v); return s === undefined ? String(v) : s; } catch (e) { return String(v); }
}
function writeLine(args) {
  if (logCount > MAX_LINES) return;
  logCount++;
  let line = logCount > MAX_LINES ? '[portrait] further console output of this run was dropped' : '';
  if (!line) { for (let i = 0; i < args.length; i++) { line += (i ? ' ' : '') + show(args[i]); if (line.length > MAX_LINE) break; } }
  logRef.applySync(undefined, [line.slice(0, MAX_LINE)]);
}
const con = {};
for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) con[level] = function () { writeLine(arguments); };
Object.defineProperty(globalThis, 'console', { value: Object.freeze(con), writable: true, configurable: true });

function utf8Bytes(s) { return unescape(encodeURIComponent(s)).length; }

class Headers {
  constructor(pairs) { this._h = new Map(); for (const [k, v] of pairs || []) this._h.set(String(k).toLowerCase(), String(v)); }
  get(name) { const v = this._h.get(String(name).toLowerCase()); return v === undefined ? null : v; }
  has(name) { return this._h.has(String(name).toLowerCase()); }
  forEach(cb) { for (const [k, v] of this._h) cb(v, k, this); }
  entries() { return this._h.entries(); }
  [Symbol.iterator]() { return this._h.entries(); }
}
function headerPairs(h) {
  if (!h) return [];
  if (h instanceof Headers) return [...h._h];
  if (Array.isArray(h)) return h.map((p) => [String(p[0]), String(p[1])]);
  return Object.keys(h).map((k) => [k, String(h[k])]);
}
async function fetch(input, init) {
  init = init || {};
  const url = typeof input === 'string' ? input : (input && input.url) || String(input);
  const body = init.body === undefined || init.body === null ? undefined
    : typeof init.body === 'string' ? init.body : stringify(init.body);
  const request = stringify({ url: String(url), method: String(init.method || 'GET').toUpperCase(), headers: headerPairs(init.headers), body });
  const reply = parse(await fetchRef.apply(undefined, [request], { result: { promise: true, copy: true } }));
  if (reply.error) throw new TypeError('fetch failed: ' + reply.error);
  const text = reply.body;
  return {
    ok: reply.status >= 200 && reply.status < 300, status: reply.status, statusText: reply.statusText,
    url: reply.url, redirected: reply.redirected, headers: new Headers(reply.headers),
    text: async () => text, json: async () => parse(text),
  };
}
Object.defineProperty(globalThis, 'fetch', { value: fetch, writable: true, configurable: true });
globalThis.Headers = Headers;

const modules = new Map();
const bundledNames = [];
function makeRequire() {
  return function require(name) {
    const m = modules.get(String(name));
    if (!m) {
      throw new Error("Cannot find module '" + name + "': Portrait actions can require only the bundled modules (" +
        (bundledNames.length ? bundledNames.join(', ') : 'none declared') + '); Node built-ins are not available');
    }
    if (!m.loaded) { m.loaded = true; const module = { exports: {} }; m.fn.call(module.exports, module.exports, require, module); m.exports = module.exports; }
    return m.exports;
  };
}
let actionExports = null;

globalThis.__portrait_register = function (name, fn) { modules.set(name, { fn, loaded: false, exports: undefined }); bundledNames.push(name); };
globalThis.__portrait_load = function (fn) {
  const module = { exports: {} };
  fn.call(module.exports, module.exports, makeRequire(), module);
  actionExports = module.exports;
};

function unsupported(ns) {
  return new Proxy({}, { get(_t, prop) {
    return function () { throw new Error('api.' + ns + '.' + String(prop) + ' is not supported by Portrait'); };
  } });
}

function buildApi(input, rec) {
  const caps = new Set(input.capabilities);
  const api = {};
  for (const ns of input.unsupported) api[ns] = unsupported(ns);
  if (caps.has('idToken.setCustomClaim')) api.idToken = { setCustomClaim(k, v) { rec.idTokenClaims[String(k)] = v; return api; } };
  if (caps.has('accessToken.setCustomClaim')) {
    api.accessToken = { setCustomClaim(k, v) { rec.accessTokenClaims[String(k)] = v; return api; } };
    if (caps.has('accessToken.scopes')) {
      api.accessToken.addScope = (s) => { rec.scopeChanges.push(['add', String(s)]); return api; };
      api.accessToken.removeScope = (s) => { rec.scopeChanges.push(['remove', String(s)]); return api; };
    }
  }
  if (caps.has('access.deny')) {
    api.access = { deny(reason, userMessage) {
      rec.deny = { message: String(reason === undefined ? 'Access denied' : reason) };
      if (userMessage !== undefined) rec.deny.userMessage = String(userMessage);
      return api;
    } };
  }
  if (caps.has('access.denyWithCode')) {
    api.access = { deny(code, reason) { rec.deny = { code: String(code), message: String(reason === undefined ? code : reason) }; return api; } };
  }
  if (caps.has('user.metadata')) {
    const meta = (target) => (key, value) => { target[String(key)] = value === undefined ? null : value; return api; };
    api.user = { setUserMetadata: meta(rec.userMetadata), setAppMetadata: meta(rec.appMetadata) };
  }
  if (caps.has('validation.error')) {
    api.validation = { error(code, message) { rec.validation = { code: String(code), message: String(message) }; return api; } };
  }
  if (caps.has('cache')) api.cache = buildCache(input.cache, rec.cacheOps);
  return api;
}

function buildCache(snapshot, ops) {
  const entries = new Map(Object.entries(snapshot || {}));
  const fail = (code) => ({ type: 'error', code });
  return {
    get(key) {
      const e = entries.get(String(key));
      return e && e.expires_at > Date.now() ? { value: e.value, expires_at: e.expires_at } : undefined;
    },
    set(key, value, options) {
      key = String(key);
      if (typeof value !== 'string') return fail('invalid_argument');
      if (utf8Bytes(key) > LIMITS.maxKeyBytes || utf8Bytes(value) > LIMITS.maxValueBytes) return fail('item_too_large');
      options = options || {};
      let expires = Date.now() + LIMITS.defaultTtlMs;
      if (options.ttl !== undefined) expires = Date.now() + Number(options.ttl);
      else if (options.expires_at !== undefined) expires = Number(options.expires_at);
      if (!(expires > Date.now())) return fail('invalid_argument');
      expires = Math.min(expires, Date.now() + LIMITS.maxTtlMs);
      let total = utf8Bytes(key) + utf8Bytes(value);
      for (const [k, e] of entries) if (k !== key) total += utf8Bytes(k) + utf8Bytes(e.value);
      if (total > LIMITS.maxTotalBytes) return fail('cache_full');
      if (!entries.has(key) && entries.size >= LIMITS.maxEntries) return fail('cache_full');
      entries.set(key, { value, expires_at: expires });
      ops.push({ op: 'set', key, value, expires_at: expires });
      return { type: 'success' };
    },
    delete(key) {
      key = String(key);
      entries.delete(key);
      ops.push({ op: 'delete', key });
      return { type: 'success' };
    },
  };
}

function describeError(e) {
  if (e instanceof Error || (e && typeof e === 'object' && 'message' in e)) {
    return { name: String(e.name || 'Error'), message: String(e.message), stack: String(e.stack || '') };
  }
  return { name: 'Error', message: String(e), stack: '' };
}

globalThis.__portrait_invoke = async function (inputJson) {
  const input = parse(inputJson);
  logCount = 0;
  if (input.probe) {
    // Deploy-time check: which handlers the module exports, without running any of them.
    const names = actionExports ? Object.keys(actionExports).filter((k) => typeof actionExports[k] === 'function') : [];
    return stringify({ exports: names });
  }
  const rec = { idTokenClaims: {}, accessTokenClaims: {}, scopeChanges: [], userMetadata: {}, appMetadata: {},
    cacheOps: [], deny: null, validation: null, error: null };
  try {
    const handler = actionExports && actionExports[input.handlerName];
    if (typeof handler !== 'function') {
      throw new TypeError('The action does not export a function named ' + input.handlerName + ' (exports.' + input.handlerName + ' = async (event, api) => {…})');
    }
    await handler(parse(input.eventJson), buildApi(input, rec));
  } catch (e) {
    rec.error = describeError(e);
  }
  let out;
  try { out = stringify(rec); } catch (e) { rec.error = describeError(e); out = null; }
  if (out === null || out.length > MAX_RESULT) {
    out = stringify({ error: { name: 'RangeError', message: out === null ? rec.error.message
      : 'The action recorded more than ' + MAX_RESULT + ' characters of claims and metadata', stack: '' } });
  }
  return out;
};
})();
`;
