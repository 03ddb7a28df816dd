/**
 * The daily API request allocation (reference §B.5): a rolling 24 h count per org on the simulator's clock,
 * reported as `Sforce-Limit-Info: api-usage=N/M` and by `/limits`; past it, 403 REQUEST_LIMIT_EXCEEDED. Denied
 * requests do not count [U].
 */
const WINDOW_MS = 86_400_000;

export class DailyAllocation {
  private times: number[] = [];
  private head = 0;

  constructor(readonly max: number) {}

  private expire(nowMs: number): void {
    while (this.head < this.times.length && (this.times[this.head] as number) <= nowMs - WINDOW_MS)
      this.head++;
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  used(nowMs: number): number {
    this.expire(nowMs);
    return this.times.length - this.head;
  }

  /** Counts one request if the allocation allows it. */
  take(nowMs: number): boolean {
    if (this.used(nowMs) >= this.max) return false;
    this.times.push(nowMs);
    return true;
  }

  header(nowMs: number): string {
    return `api-usage=${this.used(nowMs)}/${this.max}`;
  }
}
