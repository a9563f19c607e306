// Initials for the fallback avatar, as Auth0 derives them (reference §2): from the profile `name` (which
// defaults to the email), two or more words → the first letter of each of the first two words ("John Doe" →
// "jd", "John3 Doe" → "jd"); a single token → its first two characters ("fahrbss@gmail.com" → "fa");
// always lower-case.
//
// Auth0's handling of the cases below is unconfirmed, so these are Portrait's decisions:
// - Unicode: letters of every script count, compared as grapheme clusters after NFC, so "Élodie Durand" →
//   "éd", "山田 太郎" → "山太", and a letter with combining marks stays whole.
// - Only letters and digits count. Punctuation, symbols and emoji are skipped, both inside a token and as
//   whole words: "(John) Doe" → "jd", "John - Doe" → "jd", "o'neil" → "on", "😀 Ann" → "an".
// - Digits count like letters: "42" → "42", a phone number "+1 415…" → "14".
// - An email is a single token whose initials come from its local part only, so "j@example.com" → "j"
//   rather than "je" (Auth0 agrees whenever the local part has two or more letters, which is the common case).
// - One character → one-character initials ("J" → "j"). Nothing usable (empty, only symbols) → null, and
//   the caller falls back to the generic avatar.
const segmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]/u;
const INITIAL_GRAPHEME = /^[\p{L}\p{N}]\p{M}*$/u;

function initialGraphemes(text: string): string[] {
  const found: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    if (LETTER_OR_DIGIT.test(segment)) found.push(segment);
  }
  return found;
}

export function initialsFor(nameOrEmail: string): string | null {
  const text = (nameOrEmail ?? '').normalize('NFC').trim();
  const words = text
    .split(/\s+/u)
    .map(initialGraphemes)
    .filter((graphemes) => graphemes.length > 0);
  let picked: string[];
  if (words.length >= 2) {
    picked = [words[0][0], words[1][0]];
  } else if (words.length === 1) {
    const token = text.includes('@') && !/\s/u.test(text) ? initialGraphemes(text.slice(0, text.indexOf('@'))) : words[0];
    // "@example.com" has an empty local part: fall back to the whole token.
    picked = (token.length > 0 ? token : words[0]).slice(0, 2);
  } else {
    return null;
  }
  return picked.join('').toLowerCase().normalize('NFC');
}

/**
 * Whether a string may appear as the initials in `/avatars/{initials}.png`: one or two grapheme clusters,
 * each a letter or digit (any script) with optional combining marks, lower-case, NFC. Everything
 * initialsFor returns passes; nothing else reaches the renderer.
 */
export function isValidInitials(value: string): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 16) return false;
  if (value !== value.normalize('NFC') || value !== value.toLowerCase()) return false;
  const graphemes = Array.from(segmenter.segment(value), ({ segment }) => segment);
  return graphemes.length >= 1 && graphemes.length <= 2 && graphemes.every((g) => INITIAL_GRAPHEME.test(g));
}
