/**
 * Types shared by every simulated source: latency, injected faults, the replies a source hands to the HTTP harness
 * and the request log the harness keeps.
 */

export interface LatencyOptions {
  baseMs: number;
  /** Uniform extra delay in [0, jitterMs). */
  jitterMs: number;
  /** Added per record in the response body. */
  perRecordMs: number;
}

export interface FaultOptions {
  /** Faults are drawn from a PRNG seeded with this (default 1), so a run is reproducible. */
  seed?: number;
  /** Probability that a request gets 429 (a "storm"), with Retry-After and the source's own 429 body. */
  rate429?: number;
  /** Retry-After value (and the seconds in a ConnectWise 429 body). Default 1. */
  retryAfterSeconds?: number;
  /** Probability of a 500 whose body says the request timed out (ConnectWise: contains "timeout", reference §1.9). */
  rate500Timeout?: number;
  rate502?: number;
  rate503?: number;
  /** Probability that a 200 answer's connection is destroyed after the headers and half of the body. */
  rateReset?: number;
  /** Probability that a 200 answer's body is cut in half (a complete HTTP message holding truncated JSON). */
  rateTruncated?: number;
  /** Probability that a 200 answer's body is replaced by something that is not JSON. */
  rateMalformed?: number;
  /**
   * Probability that a 200 answer's body is replaced by valid JSON that is not a list page: ConnectWise `{}`,
   * ServiceNow `{"result":{}}`.
   */
  rateNotArray?: number;
  /** Probability that an answer is delayed by an extra `slowMs` (to outlast the client's request timeout). */
  rateSlow?: number;
  /** Extra delay of a slow answer. Default 5000. */
  slowMs?: number;
  /** ConnectWise only: forward-only lists ignore `pageId` and always answer the first page (a Link that loops). */
  ignorePageId?: boolean;
  /**
   * Draw each request's fault from its tenant, method, path and query (without the time-dependent parts) and how
   * often that request was sent before, instead of from arrival order. Concurrent clients then meet the same
   * faults on every run, so request and fault counts are reproducible. Default false (arrival order).
   */
  keyedByRequest?: boolean;
  /** Restrict faults to these tenants: ConnectWise companyIds, ServiceNow instance names. */
  onlyCompanyIds?: string[];
}

/** Faults the simulator injects (FaultOptions). */
export type InjectedFault =
  '429' | '500' | '502' | '503' | 'reset' | 'truncated' | 'malformed' | 'notArray' | 'slow';

/** What a source answers; the harness applies latency and writes it. */
export interface Reply {
  status: number;
  body: string | Buffer;
  /** Entity records in the body (drives per-record latency and the request log). */
  records: number;
  headers?: Record<string, string>;
  /** Default: the harness's content type. */
  contentType?: string;
  /** An injected fault, recorded in the request log. */
  fault?: InjectedFault;
  /** Destroy the connection after the headers and half of the body. */
  reset?: boolean;
  /** Extra delay before answering (the `slow` fault). */
  extraDelayMs?: number;
  /** Called once the body has been handed to the socket, so its buffer can be reused. */
  written?: () => void;
  /** The tenant this request turned out to belong to, when its headers did not say (e.g. an OAuth token request). */
  tenant?: string;
}

/** One request as the harness logs it; each source presents it with its own name for the tenant. */
export interface RecordedExchange {
  /** The tenant the request named (see HarnessConfig.identify), or null. */
  tenant: string | null;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Number of entity records in the response body. */
  records: number;
  /** The injected fault, when one was (`reset` answers are logged with the status their headers carried). */
  fault?: InjectedFault;
  /** Epoch ms (real clock). */
  startedAt: number;
  endedAt: number;
}
