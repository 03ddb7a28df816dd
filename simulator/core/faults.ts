/**
 * Throttling, fault injection and latency shared by the simulated sources. All randomness is seeded so a failing
 * run can be replayed; what a fault looks like on the wire (status, body, headers) is up to each source.
 */
import { hashString, mix32, mulberry32 } from './prng';
import type { FaultOptions, InjectedFault, LatencyOptions, Reply } from './types';

// Alias of a global used per request (see prng.ts: global lookups are slow inside jest's vm context).
const { floor } = Math;

/**
 * Per-tenant token bucket. ConnectWise says integrations above ~1,000 requests/minute will be throttled
 * (reference source-apis.md §1.10) without documenting the algorithm [U]; we refill continuously at
 * requestsPerMinute / 60 s and allow a burst of requestsPerMinute / 6 (ten seconds' worth), so a client can neither
 * burst a whole minute's quota nor be throttled for short spikes.
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
 * With `keyedByRequest` and a request key (method, path and the query without its time-dependent parts), the draw
 * depends on the tenant, the key and how many times that tenant sent that key before, not on arrival order:
 * concurrent workers then meet the same faults on every run, so a test's request count is reproducible.
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

  /** Whether forward-only lists of this tenant ignore pageId (a looping Link header; ConnectWise only). */
  ignoresPageId(tenant: string): boolean {
    return this.options.ignorePageId === true && this.applies(tenant);
  }

  draw(tenant: string, requestKey?: string): Fault {
    if (!this.applies(tenant)) return 'none';
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
        ? this.keyed(`${tenant.toLowerCase()} ${requestKey}`)
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

  private applies(tenant: string): boolean {
    return !this.only || this.only.has(tenant.toLowerCase());
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

/** How one source answers the status faults, and what its "valid JSON but not a list page" body is. */
export interface FaultReplies {
  tooManyRequests(retryAfterSeconds: number): Reply;
  /** A 500 that says the request took too long. */
  timeout(): Reply;
  badGateway(): Reply;
  unavailable(): Reply;
  notArrayBody: string;
}

/**
 * One request under fault injection: draws its fault, answers status faults (429, 500, 502, 503) without calling
 * `answer`, and applies body and timing faults to the answer. Without an injector it is just `answer()`.
 */
export function answerWithFaults(
  injector: FaultInjector | undefined,
  tenant: string,
  requestKey: string,
  replies: FaultReplies,
  answer: () => Reply,
): Reply {
  const fault = injector?.draw(tenant, requestKey) ?? 'none';
  switch (fault) {
    case 'none':
      return answer();
    case '429':
      return { ...replies.tooManyRequests(injector?.retryAfterSeconds ?? 1), fault };
    case '500':
      return { ...replies.timeout(), fault };
    case '502':
      return { ...replies.badGateway(), fault };
    case '503':
      return { ...replies.unavailable(), fault };
    default:
      return corrupt(answer(), fault, injector?.slowMs ?? 0, replies.notArrayBody);
  }
}

/** Applies a body or timing fault to a successful answer; error answers pass unchanged. */
export function corrupt(reply: Reply, fault: InjectedFault, slowMs: number, notArrayBody: string): Reply {
  if (fault === 'slow') return { ...reply, fault, extraDelayMs: slowMs };
  if (reply.status !== 200) return reply;
  const payload = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  switch (fault) {
    case 'reset':
      return { ...reply, fault, reset: true };
    case 'truncated':
      return { ...reply, fault, body: payload.subarray(0, floor(payload.length / 2)) };
    case 'malformed':
      return { ...reply, fault, body: MALFORMED_200_BODY };
    case 'notArray':
      return { ...reply, fault, body: notArrayBody, records: 0 };
    default:
      return reply;
  }
}

/**
 * Identifies "the same request" for keyed fault draws: method, path and the given (already stripped of
 * time-dependent values) parameters, names lower-cased and sorted.
 */
export function requestKey(method: string, path: string, params: Iterable<[string, string]>): string {
  const query = [...params].map(([key, value]) => `${key.toLowerCase()}=${value}`).sort();
  return `${method} ${path.toLowerCase()}?${query.join('&')}`;
}
