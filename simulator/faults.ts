/**
 * Throttling, fault injection and latency (reference source-apis.md §1.9–1.11). All randomness is seeded so a
 * failing run can be replayed.
 */
import { hashString, mix32, mulberry32 } from './prng';
import type { FaultOptions, InjectedFault, LatencyOptions } from './types';

/**
 * Per-tenant token bucket. ConnectWise says integrations above ~1,000 requests/minute will be throttled
 * (reference §1.10) without documenting the algorithm [U]; we refill continuously at requestsPerMinute / 60 s and
 * allow a burst of requestsPerMinute / 6 (ten seconds' worth), so a client can neither burst a whole minute's quota
 * nor be throttled for short spikes.
 */
export class TokenBucket {
  private readonly capacity: number;
  private readonly perMs: number;
  private tokens: number;
  private updatedAt: number;

  constructor(requestsPerMinute: number, now: number) {
    this.capacity = Math.max(1, requestsPerMinute / 6);
    this.perMs = requestsPerMinute / 60_000;
    this.tokens = this.capacity;
    this.updatedAt = now;
  }

  /** Takes a token, or returns the whole seconds until one is available (the Retry-After value). */
  take(now: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    const waitMs = this.perMs > 0 ? (1 - this.tokens) / this.perMs : 60_000;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}

export type Fault = 'none' | InjectedFault;

/**
 * Draws one fault per request from a seeded PRNG: the same seed and request order give the same faults.
 * With `keyedByRequest` and a request key (method, path and the query without its time-dependent conditions),
 * the draw depends on the tenant, the key and how many times that tenant sent that key before, not on arrival order: concurrent workers then
 * meet the same faults on every run, so a test's request count is reproducible.
 */
export class FaultInjector {
  private readonly random: () => number;
  private readonly only: Set<string> | undefined;
  private readonly occurrences = new Map<string, number>();

  constructor(private readonly options: FaultOptions = {}) {
    this.random = mulberry32(options.seed ?? 1);
    this.only = options.onlyCompanyIds
      ? new Set(options.onlyCompanyIds.map((id) => id.toLowerCase()))
      : undefined;
  }

  get retryAfterSeconds(): number {
    return this.options.retryAfterSeconds ?? 1;
  }

  get slowMs(): number {
    return this.options.slowMs ?? 5000;
  }

  /** Whether forward-only lists of this tenant ignore pageId (a looping Link header). */
  ignoresPageId(companyId: string): boolean {
    return this.options.ignorePageId === true && this.applies(companyId);
  }

  draw(companyId: string, requestKey?: string): Fault {
    if (!this.applies(companyId)) return 'none';
    const o = this.options;
    const rates = [
      ['429', o.rate429 ?? 0],
      ['500', o.rate500Timeout ?? 0],
      ['502', o.rate502 ?? 0],
      ['503', o.rate503 ?? 0],
      ['reset', o.rateReset ?? 0],
      ['truncated', o.rateTruncated ?? 0],
      ['malformed', o.rateMalformed ?? 0],
      ['notArray', o.rateNotArray ?? 0],
      ['slow', o.rateSlow ?? 0],
    ] as const;
    if (rates.every(([, rate]) => rate <= 0)) return 'none';
    let u =
      o.keyedByRequest && requestKey !== undefined
        ? this.keyed(`${companyId.toLowerCase()} ${requestKey}`)
        : this.random();
    for (const [fault, rate] of rates) {
      if (u < rate) return fault;
      u -= rate;
    }
    return 'none';
  }

  private keyed(requestKey: string): number {
    const occurrence = this.occurrences.get(requestKey) ?? 0;
    this.occurrences.set(requestKey, occurrence + 1);
    return mix32(this.options.seed ?? 1, hashString(requestKey), occurrence) / 4294967296;
  }

  private applies(companyId: string): boolean {
    return !this.only || this.only.has(companyId.toLowerCase());
  }
}

/** Garbage a proxy or a failing API node may answer with status 200. */
export const MALFORMED_200_BODY = '<html><body><h1>Service Unavailable</h1></body></html>';

/** Delay before a response is written: base + uniform jitter + a cost per returned record. */
export class LatencyModel {
  private readonly random = mulberry32(0x1a7e);

  constructor(private readonly options: LatencyOptions | undefined) {}

  delayMs(records: number): number {
    if (!this.options) return 0;
    const { baseMs, jitterMs, perRecordMs } = this.options;
    return Math.max(0, baseMs + this.random() * jitterMs + perRecordMs * records);
  }
}

/** The 429 body ConnectWise documents, a different envelope from other errors (reference §1.9). */
export function tooManyRequestsBody(retryAfterSeconds: number): string {
  return JSON.stringify({
    error: 'ConnectWiseAPI',
    message: `Too many requests. Please try again in ${retryAfterSeconds} seconds.`,
  });
}

/** Heavy queries surface as 500 whose text contains "timeout" (pyconnectwise retries on it, reference §1.9). */
export const TIMEOUT_500_BODY = JSON.stringify({
  code: 'ConnectWiseApi',
  message: 'The operation has timed out (timeout). Please retry the request.',
  errors: null,
});

/** What a gateway in front of the API answers: HTML, not the API's JSON envelope. */
export const BAD_GATEWAY_502_BODY =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';
