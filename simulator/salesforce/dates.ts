/**
 * Datetimes as Salesforce writes them in REST JSON (`2024-05-01T12:00:03.000+0000`, reference §B.1) and the
 * datetime literals SOQL and getDeleted accept (`2024-01-01T00:00:00Z`, `…00.000+0000`, `…00+00:00`, §B.2).
 */
import { DAY_SECONDS, isoDayPrefix } from '../core/time';

const { floor } = Math;
const TWO = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

/** Epoch seconds → `YYYY-MM-DDTHH:MM:SS.000+0000`. */
export function sfDateTime(epochSeconds: number): string {
  const seconds = floor(epochSeconds);
  const day = floor(seconds / DAY_SECONDS);
  const rest = seconds - day * DAY_SECONDS;
  return `${isoDayPrefix(day)}${TWO[floor(rest / 3600)]}:${TWO[floor(rest / 60) % 60]}:${TWO[rest % 60]}.000+0000`;
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})$/;

/** Shape of a datetime literal, for the SOQL tokenizer. */
export const DATETIME_LITERAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/;

/**
 * A datetime literal → epoch seconds (fractions kept), or undefined. A space before the offset is read as `+`:
 * clients that do not encode `+` in a query string (jsforce's getDeleted) send `…00:00 00:00`.
 */
export function parseDateTime(text: string): number | undefined {
  const match = DATETIME.exec(text.trim().replace(/ (\d{2}:?\d{2})$/, '+$1'));
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, ms, zone] = match as unknown as string[];
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(utc) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = (zone as string).replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return utc / 1000 + Number(`0.${ms ?? '0'}`) - offsetMinutes * 60;
}
