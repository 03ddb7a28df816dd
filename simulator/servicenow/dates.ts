/**
 * ServiceNow date/time values: UTC `YYYY-MM-DD HH:MM:SS` (whole seconds), durations as the same format offset from
 * the epoch (`1970-01-01 01:30:00` = 90 minutes), reference §A.4 and §A.6.
 */
import { spacedUtcSeconds } from '../core/time';

const LITERAL = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/;
const DATE_GENERATE = /^javascript:\s*gs\.dateGenerate\(\s*'(\d{4}-\d{2}-\d{2})'\s*,\s*'([^']*)'\s*\)\s*;?$/;

/** `YYYY-MM-DD HH:MM:SS` of epoch seconds. */
export const glideDateTime = spacedUtcSeconds;

/** Epoch seconds of `YYYY-MM-DD[ HH:MM:SS]` (UTC), or undefined when it is not a valid date/time. */
export function parseGlideDateTime(text: string): number | undefined {
  const match = LITERAL.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match
    .slice(1)
    .map((part) => Number(part ?? 0)) as number[];
  const ms = Date.UTC(year!, month! - 1, day!, hour, minute, second);
  const back = new Date(ms);
  const valid =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month! - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second;
  return valid ? ms / 1000 : undefined;
}

/**
 * A date/time operand of an encoded query as the canonical `YYYY-MM-DD HH:MM:SS`, or undefined. Plain literals are
 * UTC; `javascript:gs.dateGenerate('YYYY-MM-DD','HH:MM:SS'|'start'|'end')` is in the API user's time zone, and
 * every simulated user is in UTC, so both read the same (reference §A.4).
 */
export function dateTimeOperand(text: string): string | undefined {
  const generated = DATE_GENERATE.exec(text.trim());
  if (generated) {
    const time = generated[2] === 'start' ? '00:00:00' : generated[2] === 'end' ? '23:59:59' : generated[2];
    return dateTimeOperand(`${generated[1]} ${time}`);
  }
  const seconds = parseGlideDateTime(text);
  return seconds === undefined ? undefined : glideDateTime(seconds);
}

/** A duration of `seconds` as ServiceNow stores it. */
export function glideDuration(seconds: number): string {
  return glideDateTime(seconds);
}

const UNITS: [name: string, seconds: number][] = [
  ['Day', 86_400],
  ['Hour', 3_600],
  ['Minute', 60],
  ['Second', 1],
];

/** The display value of a stored duration: `1970-01-01 01:30:00` → `1 Hour 30 Minutes`. */
export function durationDisplay(value: string): string {
  const seconds = parseGlideDateTime(value);
  if (seconds === undefined) return value;
  const parts: string[] = [];
  let rest = seconds;
  for (const [name, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${name}${count === 1 ? '' : 's'}`);
  }
  return parts.join(' ');
}

/** The default schedule of business durations: weekdays 08:00–17:00 (in UTC, the simulated users' zone). */
const BUSINESS_OPENS = 8 * 3600;
const BUSINESS_CLOSES = 17 * 3600;
const DAY = 86_400;

/**
 * Seconds of [from, to) within the business schedule, as `business_duration` counts them (gs.calDateDiff on
 * the default 8-5 weekdays schedule; holidays are not simulated).
 */
export function businessSeconds(from: number, to: number): number {
  let total = 0;
  for (let day = Math.floor(from / DAY); day * DAY < to; day++) {
    // Day 0 (1970-01-01) was a Thursday: (day + 4) % 7 is 0 on Sundays and 6 on Saturdays.
    const weekday = (day + 4) % 7;
    if (weekday === 0 || weekday === 6) continue;
    const opens = day * DAY + BUSINESS_OPENS;
    const closes = day * DAY + BUSINESS_CLOSES;
    total += Math.max(0, Math.min(to, closes) - Math.max(from, opens));
  }
  return total;
}
