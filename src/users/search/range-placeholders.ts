// liqe parses only numeric ranges with two bounds; Auth0's syntax also has date bounds and open ends
// (`last_login:[2025-12-01 TO *]`). Before parsing, each `field:[a TO b]` / `{a TO b}` outside quotes is cut
// out and replaced by a quoted placeholder that liqe parses as a phrase; the translator swaps it back.
import { randomBytes } from 'node:crypto';

export interface RangeBounds {
  min: string | null;
  max: string | null;
  minInclusive: boolean;
  maxInclusive: boolean;
}

export interface Placeheld {
  text: string;
  ranges: Map<string, RangeBounds>;
}

const RANGE = /^([[{])\s*("[^"]*"|[^\s\]}"]+)\s+TO\s+("[^"]*"|[^\s\]}"]+)\s*([\]}])/;

const bound = (raw: string): string | null => (raw === '*' ? null : raw.replace(/^"(.*)"$/, '$1'));

export function extractRanges(query: string): Placeheld {
  const ranges = new Map<string, RangeBounds>();
  const nonce = randomBytes(6).toString('hex');
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i];
    if (quote) {
      out += ch;
      if (ch === '\\' && i + 1 < query.length) out += query[++i];
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      out += ch;
      continue;
    }
    if ((ch === '[' || ch === '{') && /:\s*$/.test(out)) {
      const match = RANGE.exec(query.slice(i));
      if (match) {
        const key = `range_${nonce}_${ranges.size}`;
        ranges.set(key, { min: bound(match[2]), max: bound(match[3]), minInclusive: match[1] === '[', maxInclusive: match[4] === ']' });
        out += `"${key}"`;
        i += match[0].length - 1;
        continue;
      }
    }
    out += ch;
  }
  return { text: out, ranges };
}
