import type { ConnectWiseTable } from '../sources/connectwise/endpoints';

/** One ConnectWise tenant served by the simulator; the tenant is chosen by the companyId of the Basic auth header. */
export interface SimulatedTenant {
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
  /** Record count per table (missing = 0). */
  sizes: Partial<Record<ConnectWiseTable, number>>;
  /** Default: derived from companyId. */
  seed?: number;
  /** Token bucket refilled continuously; burst = requestsPerMinute / 6 (10 s worth). Default 1000; excess → 429. */
  requestsPerMinute?: number;
}

export interface LatencyOptions {
  baseMs: number;
  /** Uniform extra delay in [0, jitterMs). */
  jitterMs: number;
  /** Added per record in the response body. */
  perRecordMs: number;
}

export interface SimulatorOptions {
  tenants: SimulatedTenant[];
  /** Default 0 = a free loopback port. The server only listens on 127.0.0.1. */
  port?: number;
  /** Applied to every response before it is written. Default: no delay. */
  latency?: LatencyOptions;
  faults?: FaultOptions;
  /** Bad credentials answer 404 instead of 401, as ConnectWise cloud does (reference §1.2). */
  cloudAuthQuirk?: boolean;
  /** Default true: a missing (or foreign) `clientId` header → 403 (reference §1.2). */
  requireClientId?: boolean;
  /** Clock for mutations (mutate, addRecords). Default: real time. Throttling and the request log use real time. */
  now?: () => Date;
}

export interface FaultOptions {
  /** Faults are drawn from a PRNG seeded with this (default 1), so a run is reproducible. */
  seed?: number;
  /** Probability that a request gets 429 (a "storm"), with Retry-After. */
  rate429?: number;
  /** Retry-After value and the seconds in the 429 body message. Default 1. */
  retryAfterSeconds?: number;
  /** Probability of a 500 whose body contains "timeout" (reference §1.9). */
  rate500Timeout?: number;
  rate502?: number;
  rate503?: number;
  /** Probability that a 200 answer's connection is destroyed after the headers and half of the body. */
  rateReset?: number;
  /** Probability that a 200 answer's body is cut in half (a complete HTTP message holding truncated JSON). */
  rateTruncated?: number;
  /** Probability that a 200 answer's body is replaced by something that is not JSON. */
  rateMalformed?: number;
  /** Probability that a 200 answer's body is replaced by `{}` (valid JSON, but a list page must be an array). */
  rateNotArray?: number;
  /** Probability that an answer is delayed by an extra `slowMs` (to outlast the client's request timeout). */
  rateSlow?: number;
  /** Extra delay of a slow answer. Default 5000. */
  slowMs?: number;
  /** Forward-only lists ignore `pageId` and always answer the first page: a Link header that loops. */
  ignorePageId?: boolean;
  /**
   * Draw each request's fault from its tenant, method, path and query (without the time-dependent conditions)
   * and how often that request was sent before, instead of from arrival order. Concurrent clients then meet the
   * same faults on every run, so request and fault counts are reproducible. Default false (arrival order).
   */
  keyedByRequest?: boolean;
  /** Restrict faults to these tenants. */
  onlyCompanyIds?: string[];
}

/** Faults the simulator injects (FaultOptions). */
export type InjectedFault =
  '429' | '500' | '502' | '503' | 'reset' | 'truncated' | 'malformed' | 'notArray' | 'slow';

export interface RecordedRequest {
  /** The companyId claimed by the Basic auth header when it names a known tenant; otherwise null. */
  companyId: string | null;
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

export type RequestHook = (request: RecordedRequest) => void;

/** A JSON record as the API returns it. */
export type CwRecord = Record<string, unknown>;

export interface Simulator {
  /** e.g. http://127.0.0.1:PORT/v4_6_release/apis/3.0; one server for all tenants. */
  readonly baseUrl: string;
  /**
   * Ground truth: current versions sorted by id. A snapshot taken at call time; records are materialised on access
   * (the array is a read-only lazy view, so a 1,000,000-record table does not need 1,000,000 objects in memory).
   */
  records(companyId: string, table: ConnectWiseTable): readonly CwRecord[];
  /** Ids of the current records, ascending (cheap, unlike records()). */
  ids(companyId: string, table: ConnectWiseTable): number[];
  /** Changes `count` deterministically chosen existing records, sets `_info.lastUpdated` = now; returns their ids ascending. */
  mutate(companyId: string, table: ConnectWiseTable, count: number): number[];
  /** Appends records with new, higher ids and dateEntered = lastUpdated = now; returns their ids. */
  addRecords(companyId: string, table: ConnectWiseTable, count: number): number[];
  /** Forces `_info.lastUpdated` of these records to one instant (boundary tests). Throws on an unknown id. */
  setLastUpdated(companyId: string, table: ConnectWiseTable, ids: number[], iso: string): void;
  /** Called synchronously after each response has been written. */
  onRequest(hook: RequestHook | undefined): void;
  setFaults(faults: FaultOptions | undefined): void;
  requests(companyId?: string): readonly RecordedRequest[];
  /** Clears the request log and the concurrency / per-minute measurements. */
  resetRequests(): void;
  maxConcurrent(companyId: string): number;
  /** Most requests that arrived (whatever their answer, 429 included) in any sliding 60 s window. */
  maxRequestsInAnyMinute(companyId: string): number;
  stop(): Promise<void>;
}
