/**
 * A `sys_rate_limit_rules`-style rule (reference §A.8): a per-user count per clock hour. Matching requests carry
 * `X-RateLimit-Limit`, `X-RateLimit-Reset` (UNIX seconds of the next reset) and `X-RateLimit-Rule` (the rule's
 * sys_id); past the limit the answer is 429 with `Retry-After`. Denied requests do not count [U].
 */

const HOUR_MS = 3_600_000;

export type RateVerdict =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; headers: Record<string, string>; retryAfterSeconds: number };

export class HourlyRateLimit {
  private hour = Number.NaN;
  private used = 0;

  constructor(
    readonly limitPerHour: number,
    readonly ruleSysId: string,
  ) {}

  /** Counts one request at `nowMs` (the simulator's clock) if the rule still allows it. */
  take(nowMs: number): RateVerdict {
    const hour = Math.floor(nowMs / HOUR_MS);
    if (hour !== this.hour) {
      this.hour = hour;
      this.used = 0;
    }
    const headers = this.headers(nowMs);
    if (this.used < this.limitPerHour) {
      this.used++;
      return { allowed: true, headers };
    }
    return { allowed: false, headers, retryAfterSeconds: this.secondsToReset(nowMs) };
  }

  headers(nowMs: number): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(this.limitPerHour),
      'X-RateLimit-Reset': String((Math.floor(nowMs / HOUR_MS) + 1) * 3600),
      'X-RateLimit-Rule': this.ruleSysId,
    };
  }

  secondsToReset(nowMs: number): number {
    return Math.max(1, Math.ceil(((Math.floor(nowMs / HOUR_MS) + 1) * HOUR_MS - nowMs) / 1000));
  }
}
