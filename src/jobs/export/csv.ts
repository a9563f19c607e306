/**
 * CSV cells escaped the way OWASP recommends against formula (CSV) injection, which is what
 * Auth0's export does: a text cell starting with = + - @ tab or carriage return gets a leading
 * `'` so spreadsheets treat it as text, every text cell is wrapped in double quotes (so separators
 * inside it cannot start a new cell), and inner double quotes are doubled.
 * https://owasp.org/www-community/attacks/CSV_Injection
 */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * One cell. Numbers and booleans are written bare (their text cannot start a formula: `-5` is
 * only a number); null and undefined are empty cells; objects and arrays are written as JSON text.
 */
export function csvEscape(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const guarded = FORMULA_START.has(text.charAt(0)) ? `'${text}` : text;
  return `"${guarded.replaceAll('"', '""')}"`;
}

/** One CSV record, terminated by "\n". */
export function formatCsvRow(values: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : ',') + csvEscape(values[i]);
  return line + '\n';
}
