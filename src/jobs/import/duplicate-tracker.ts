/**
 * Finds users repeated within one users file (Auth0: `DUPLICATED_USER`) by email, user_id or
 * username, in bounded memory: each key is kept as a 64-bit fingerprint in an open-addressing
 * table of Uint32 pairs, not as a string.
 *
 * Memory: 8 bytes per slot, table kept at most 3/4 full and doubled when needed, so 11–21 bytes
 * per unique key (about 14 on average), plus the old table while doubling. A user with email,
 * user_id and username costs about 42 bytes: 1,000,000 such users ≈ 34 MB (a 4M-slot table),
 * 50 MB during the last doubling.
 *
 * Fingerprints are two independent 32-bit string hashes with per-tracker random seeds. Two
 * distinct keys collide with probability about n²/2⁶⁴ (≈ 5·10⁻⁷ for 3 million keys): a false
 * `DUPLICATED_USER` is possible but practically never happens, and because the seeds are secret a
 * file cannot be crafted to trigger one.
 */
import type { ValidationIssue } from '../../platform/passwords/validation-issue.ts';

type KeyField = 'email' | 'user_id' | 'username';
const FIELDS: readonly KeyField[] = ['email', 'user_id', 'username'];
const MAX_LOAD = 0.75;

export class DuplicateTracker {
  private table: Uint32Array;
  private mask: number;
  private used = 0;
  private readonly seedA = (Math.random() * 0x100000000) >>> 0;
  private readonly seedB = (Math.random() * 0x100000000) >>> 0;
  // Scratch for the fingerprint just computed, to avoid allocating a pair per key.
  private hi = 0;
  private lo = 0;

  constructor(initialSlots = 1 << 16) {
    const slots = 1 << Math.ceil(Math.log2(Math.max(16, initialSlots)));
    this.table = new Uint32Array(slots * 2);
    this.mask = slots - 1;
  }

  /** Unique keys recorded so far. */
  get size(): number { return this.used; }

  /** Bytes held by the table. */
  get bytes(): number { return this.table.byteLength; }

  /**
   * `DUPLICATED_USER` issues for each key of `user` already provided by an earlier user, or []
   * after recording its keys. A rejected user records nothing, so it blocks no later user.
   * Emails and usernames compare case-insensitively, as Auth0 lower-cases both; user_id exactly.
   */
  check(user: { email?: unknown; user_id?: unknown; username?: unknown }): ValidationIssue[] {
    let found: ValidationIssue[] | null = null;
    for (let f = 0; f < 3; f++) {
      const value = user[FIELDS[f]];
      if (typeof value !== 'string') continue;
      this.fingerprint(f, value);
      if (this.find(this.hi, this.lo) >= 0) {
        // Auth0's observed wording, without the "Error in … property" prefix of schema errors.
        (found ??= []).push({ code: 'DUPLICATED_USER', path: FIELDS[f], message: `A user with this ${FIELDS[f]} was already provided.` });
      }
    }
    if (found) return found;
    for (let f = 0; f < 3; f++) {
      const value = user[FIELDS[f]];
      if (typeof value !== 'string') continue;
      this.fingerprint(f, value);
      this.insert(this.hi, this.lo);
    }
    return [];
  }

  /** FNV-1a and a Murmur-style multiply over UTF-16 code units, both seeded; field mixed in. */
  private fingerprint(field: number, value: string): void {
    const s = field === 2 || field === 0 ? foldCase(value) : value;
    let a = (this.seedA ^ (field * 0x9e3779b1)) >>> 0;
    let b = (this.seedB ^ (field * 0x85ebca6b)) >>> 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    a ^= s.length; a = Math.imul(a ^ (a >>> 16), 0x85ebca6b); a ^= a >>> 13;
    b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35); b ^= b >>> 16;
    this.hi = a >>> 0;
    this.lo = (b | 1) >>> 0; // never 0, so an all-zero slot means empty
  }

  private find(hi: number, lo: number): number {
    const t = this.table;
    for (let slot = hi & this.mask; ; slot = (slot + 1) & this.mask) {
      const l = t[slot * 2 + 1];
      if (l === 0) return -1;
      if (l === lo && t[slot * 2] === hi) return slot;
    }
  }

  private insert(hi: number, lo: number): void {
    if ((this.used + 1) > (this.mask + 1) * MAX_LOAD) this.grow();
    this.place(this.table, this.mask, hi, lo);
    this.used++;
  }

  private place(t: Uint32Array, mask: number, hi: number, lo: number): void {
    let slot = hi & mask;
    while (t[slot * 2 + 1] !== 0) slot = (slot + 1) & mask;
    t[slot * 2] = hi;
    t[slot * 2 + 1] = lo;
  }

  private grow(): void {
    const old = this.table;
    const slots = (this.mask + 1) * 2;
    const next = new Uint32Array(slots * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.place(next, slots - 1, old[i], old[i + 1]);
    this.table = next;
    this.mask = slots - 1;
  }
}

/** Lower-cases ASCII cheaply; anything else goes through toLowerCase. */
function foldCase(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c > 0x7f) return s.toLowerCase();
  }
  return s;
}
