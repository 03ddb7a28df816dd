import type { ResultKind, Row } from './port';

/**
 * Turns an engine's row into the API's JSON values by each column's kind: engines differ in how they return
 * 64-bit integers (bigint, string), timestamps (Date, `2025-01-01 00:00:00+00`, `2025-01-01 00:00:00.000000`),
 * JSON (text) and the average of nothing (NaN). Both engines' adapters pass every row through here.
 */
export function normalizeRow(row: Row, kinds: Record<string, ResultKind>): Row {
  const normalized: Row = {};
  for (const [name, value] of Object.entries(row)) {
    const kind = kinds[name];
    normalized[name] = kind ? normalizeValue(value, kind) : value;
  }
  return normalized;
}

export function normalizeValue(value: unknown, kind: ResultKind): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'integer':
    case 'number': {
      const number = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(number) ? number : null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : value === 1 || value === '1' || value === 'true';
    case 'string':
      return String(value);
    case 'timestamp':
      return toIsoTimestamp(value);
    case 'date':
      return toIsoTimestamp(value)?.slice(0, 10) ?? null;
    case 'json':
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
  }
}

/** An engine's timestamp (a Date, or UTC text with a space or T, with or without an offset) as ISO 8601 UTC. */
export function toIsoTimestamp(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  const text = String(value).trim();
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
    text,
  );
  if (!match) {
    const parsed = new Date(text);
    return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
  }
  const [, day, time = '00:00:00', fraction = '', offset = 'Z'] = match;
  const milliseconds = fraction ? `.${fraction.slice(1, 4).padEnd(3, '0')}` : '.000';
  const zone =
    offset === 'Z' ? 'Z' : offset.length === 3 ? `${offset}:00` : offset.replace(/(\d{2})(\d{2})$/, '$1:$2');
  return new Date(`${day}T${time}${milliseconds}${zone}`).toISOString();
}
