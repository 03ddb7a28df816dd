/**
 * Numbers for people: 1.2k rather than 1173.4, 3 h 20 min rather than 3.3333 h, 67.5% rather than 0.675.
 * Pure and locale-fixed (English, as the rest of the UI), so the browser tests format the API's values with
 * these same functions and compare them with what the page shows.
 */

/** What a missing value (a ratio without a denominator, a period without data) reads as. */
export const NO_VALUE = '—';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 987 → "987", 1173 → "1.2k", 12_480 → "12.5k", 3_400_000 → "3.4M". */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  const size = Math.abs(value);
  if (size < 1000) return grouped.format(value);
  // Rounding can carry into the next unit (999_960 is "1M", not "1000k").
  if (size < 999_950) return `${oneDecimal.format(value / 1000)}k`;
  if (size < 999_950_000) return `${oneDecimal.format(value / 1_000_000)}M`;
  return `${oneDecimal.format(value / 1_000_000_000)}B`;
}

/** The exact number with thousands separators: 3900 → "3,900". */
export function formatInteger(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  return grouped.format(value);
}

/** A ratio as a percentage with at most one decimal: 0.675 → "67.5%", 0.72 → "72%". */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return NO_VALUE;
  return `${oneDecimal.format(ratio * 100)}%`;
}

/**
 * A length of time given in hours, in the two largest units that matter: 3.3333 → "3 h 20 min",
 * 0.75 → "45 min", 251.7 → "10 d 12 h", 0.004 → "< 1 min".
 */
export function formatDuration(hours: number | null | undefined): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return NO_VALUE;
  const sign = hours < 0 ? '−' : '';
  const totalMinutes = Math.round(Math.abs(hours) * 60);
  if (totalMinutes === 0) return hours === 0 ? '0 min' : '< 1 min';
  const days = Math.floor(totalMinutes / (24 * 60));
  const wholeHours = Math.floor((totalMinutes % (24 * 60)) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0) {
    // Minutes do not matter beside days: round them into the hours.
    const roundedHours = Math.round((totalMinutes - days * 24 * 60) / 60);
    if (roundedHours === 24) return `${sign}${days + 1} d`;
    return `${sign}${days} d${roundedHours > 0 ? ` ${roundedHours} h` : ''}`;
  }
  if (wholeHours > 0) return `${sign}${wholeHours} h${minutes > 0 ? ` ${minutes} min` : ''}`;
  return `${sign}${minutes} min`;
}

/** A duration given in minutes (first response times): 200 → "3 h 20 min". */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return NO_VALUE;
  return formatDuration(minutes / 60);
}

/** A total of hours worked: 1234.5 → "1.2k h", 37.25 → "37.3 h". */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return NO_VALUE;
  return Math.abs(hours) < 1000 ? `${oneDecimal.format(hours)} h` : `${formatCount(hours)} h`;
}

/** An amount per hour in the tenant's currency (the API does not name it): 123.4 → "123.40 / h". */
export function formatRate(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  return `${twoDecimals.format(value)} / h`;
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});
const dateOnly = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** An API timestamp (UTC) as "2 Dec 2026, 14:05 UTC"; in a table whose header says UTC, without it. */
export function formatDateTime(iso: string | null | undefined, { zone = true } = {}): string {
  if (!iso) return NO_VALUE;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return zone ? `${dateTime.format(date)} UTC` : dateTime.format(date);
}

/**
 * Ids some sources use as names (a ServiceNow sys_id for a group or a user) shortened for a table cell:
 * "1a5615cbef78734…" → "1a5615cb…". Other text is left as it is.
 */
export function shortId(text: string): string {
  return /^[0-9a-f]{20,}$/i.test(text) ? `${text.slice(0, 8)}…` : text;
}

/** An API timestamp's day: "2 Dec 2026". */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return NO_VALUE;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateOnly.format(date);
}

/** How long ago an instant was, roughly: "just now", "5 min ago", "3 h ago", "2 d ago". */
export function formatAge(iso: string | null | undefined, now: Date): string {
  if (!iso) return NO_VALUE;
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const minutes = Math.round((now.getTime() - then) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/** Any cell value of an entity row, for a table or a change history. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return NO_VALUE;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number')
    return Number.isInteger(value) ? grouped.format(value) : oneDecimal.format(value);
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return formatDateTime(value);
    return value;
  }
  return JSON.stringify(value);
}
