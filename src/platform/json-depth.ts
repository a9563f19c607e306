// How deeply a JSON text nests, found by one pass over its characters (strings skipped) before it is parsed.
// JSON.parse itself copes with any depth, but what comes after does not: JSON.stringify into a JSON column,
// structured copies into the Actions sandbox and recursive walks all overflow the stack somewhere past a few
// thousand levels, which would answer 500 for a body the client chose. Refusing the text up front keeps the
// limit in one place for every JSON body.

/** No Auth0 document nests anywhere near this deep; metadata has its own, tighter limit (32) and message. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Whether `text` opens more than `max` objects or arrays inside one another (it stops counting at max + 1). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}
