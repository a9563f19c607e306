// JSON columns are jsonb on PostgreSQL and text on SQLite. Both accept a JSON string on write; pg hands back
// parsed values, SQLite hands back the text. These two functions hide the difference from the stores.
export function toJsonColumn(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJsonColumn<T>(value: unknown): T {
  if (typeof value === 'string') return JSON.parse(value) as T;
  return value as T;
}
