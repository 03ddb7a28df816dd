/**
 * Timestamp formatting for generated records. Formatting dates is a visible cost at a million records, so the
 * date part of each day is built once and cached.
 */

// Aliases of globals used per record (see prng.ts: global lookups are slow inside jest's vm context).
const { floor } = Math;

export const DAY_SECONDS = 86_400;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const isoPrefixes = new Map<number, string>();
const spacedPrefixes = new Map<number, string>();

/** `YYYY-MM-DDT` of a day number (days since 1970-01-01). */
export function isoDayPrefix(day: number): string {
  let prefix = isoPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_SECONDS * 1000).toISOString().slice(0, 11);
    isoPrefixes.set(day, prefix);
  }
  return prefix;
}

function spacedDayPrefix(day: number): string {
  let prefix = spacedPrefixes.get(day);
  if (prefix === undefined) {
    prefix = `${isoDayPrefix(day).slice(0, 10)} `;
    spacedPrefixes.set(day, prefix);
  }
  return prefix;
}

function timeOfDay(rest: number, separator: string): string {
  return `${TWO_DIGITS[floor(rest / 3600)]}:${TWO_DIGITS[floor(rest / 60) % 60]}:${TWO_DIGITS[rest % 60]}${separator}`;
}

/** `YYYY-MM-DDTHH:MM:SSZ` (no fractional seconds). */
export function isoSeconds(epochSeconds: number): string {
  const seconds = floor(epochSeconds);
  const day = floor(seconds / DAY_SECONDS);
  return `${isoDayPrefix(day)}${timeOfDay(seconds - day * DAY_SECONDS, 'Z')}`;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as ServiceNow writes date/time values (reference §A.6). */
export function spacedUtcSeconds(epochSeconds: number): string {
  const seconds = floor(epochSeconds);
  const day = floor(seconds / DAY_SECONDS);
  return `${spacedDayPrefix(day)}${timeOfDay(seconds - day * DAY_SECONDS, '')}`;
}
