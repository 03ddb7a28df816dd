/**
 * The span generated timestamps fall in. By default it is the fixed 2023-01-01 .. 2025-12-31 UTC that every
 * deterministic test pins; a period that ends at a reference time (the demo passes today's midnight UTC) gives
 * data that is recent on that day, so "last 30 days" figures are not empty.
 */
import { DAY_SECONDS } from './time';

// Aliases of globals used per record (see prng.ts: global lookups are slow inside jest's vm context).
const { floor, sqrt } = Math;

export interface DataPeriod {
  /** Epoch seconds of the earliest generated instant. */
  readonly start: number;
  /** Epoch seconds of the latest generated instant (inclusive). */
  readonly end: number;
  /**
   * True when the period ends at a reference time ("now" for the data): records are created right up to the end
   * at a rate that grows over the period, and tickets live through a lifecycle judged at the end (most closed, a
   * recent open backlog, a few stale). False for the fixed period, whose records stay exactly as they were.
   */
  readonly live: boolean;
}

const FIXED_START = Date.UTC(2023, 0, 1) / 1000;
const FIXED_END = Date.UTC(2025, 11, 31, 23, 59, 59) / 1000;

/** 2023-01-01T00:00:00Z .. 2025-12-31T23:59:59Z. */
export const FIXED_PERIOD: DataPeriod = Object.freeze({ start: FIXED_START, end: FIXED_END, live: false });

/** The fixed period's length (three years), kept by periods that end elsewhere. */
const SPAN = FIXED_END - FIXED_START;

/** The fixed period when `endsAt` is undefined; otherwise the three years up to the second before `endsAt`. */
export function dataPeriod(endsAt?: Date): DataPeriod {
  if (endsAt === undefined) return FIXED_PERIOD;
  const ms = endsAt.getTime();
  if (!Number.isFinite(ms)) throw new Error(`dataEndsAt: ${String(endsAt)} is not a valid date`);
  const end = floor(ms / 1000) - 1;
  return Object.freeze({ start: end - SPAN, end, live: true });
}

/** Midnight UTC at the start of `now`'s day: a reference time that is stable for a whole day. */
export function startOfUtcDay(now: Date): Date {
  return new Date(floor(now.getTime() / (DAY_SECONDS * 1000)) * DAY_SECONDS * 1000);
}

/**
 * When the record at `fraction` (0 ≤ fraction < 1, its position in creation order) was created. The fixed period
 * spreads records evenly over its first 97% (as it always has); a live one spreads them up to its end with a
 * volume that grows linearly to twice the starting rate (a growing business), by the inverse of that density's
 * distribution function.
 */
export function creationTime(period: DataPeriod, fraction: number): number {
  const span = period.end - period.start;
  if (!period.live) return period.start + floor(fraction * (span * 0.97));
  return period.start + floor((sqrt(1 + 3 * fraction) - 1) * span);
}
