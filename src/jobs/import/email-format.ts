/**
 * The `format: email` check of the users file: a practical address check (what mail servers
 * accept, Unicode allowed), not the full RFC 5322 grammar with quoted local parts and comments.
 * Linear-time patterns only: the input comes from uploaded files.
 */
const LOCAL = /^[^\s@"(),:;<>[\\\]]+$/;
const DOMAIN = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-zA-Z0-9-]{1,59})$/u;

export function isEmail(s: string): boolean {
  if (s.length > 254) return false;
  const at = s.lastIndexOf('@');
  if (at < 1 || at > 64 || at === s.length - 1) return false;
  const local = s.slice(0, at);
  if (local.charCodeAt(0) === 0x2e || local.charCodeAt(at - 1) === 0x2e || local.includes('..')) return false;
  return LOCAL.test(local) && DOMAIN.test(s.slice(at + 1));
}
