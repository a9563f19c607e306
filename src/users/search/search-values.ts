// Values in a query, checked and converted for the field they are compared with: booleans, whole numbers,
// and ISO-8601 dates (stored as UTC ISO strings, so they compare as text; a date without a time means the
// whole UTC day, as Elasticsearch rounds it).
import { queryError } from './search-fields.ts';

export function booleanValue(field: string, raw: string): 0 | 1 {
  if (raw === 'true') return 1;
  if (raw === 'false') return 0;
  throw queryError(`The field "${field}" expects true or false, got: ${raw}`);
}

export function numberValue(field: string, raw: string): number {
  if (!/^-?\d{1,15}$/.test(raw)) throw queryError(`The field "${field}" expects a whole number, got: ${raw}`);
  return Number(raw);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

export interface DateValue {
  /** First instant covered, as stored (ISO, UTC, milliseconds). */
  start: string;
  /** First instant after the value: the next day for a date, the next millisecond for an instant. */
  end: string;
}

export function dateValue(field: string, raw: string): DateValue {
  const fail = () => queryError(`The field "${field}" expects an ISO-8601 date such as 2025-12-31 or 2025-12-31T23:59:59Z, got: ${raw}`);
  if (DATE_ONLY.test(raw)) {
    const start = new Date(`${raw}T00:00:00.000Z`);
    if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== raw) throw fail();
    return { start: start.toISOString(), end: new Date(start.getTime() + 86_400_000).toISOString() };
  }
  if (!DATE_TIME.test(raw)) throw fail();
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(raw) ? raw : `${raw}Z`;
  const at = new Date(zoned);
  if (Number.isNaN(at.getTime())) throw fail();
  return { start: at.toISOString(), end: new Date(at.getTime() + 1).toISOString() };
}
