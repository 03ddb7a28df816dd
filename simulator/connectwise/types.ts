import type { ConnectWiseTable } from '../../sources/connectwise/endpoints';
import type { FaultOptions, InjectedFault, LatencyOptions } from '../core/types';

export type { FaultOptions, InjectedFault, LatencyOptions };

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
  /**
   * Generated records span the three years up to (not including) this instant, with tickets created and closed
   * up to its eve and an open backlog as it stands then (the demo passes today's midnight UTC). Default: the
   * fixed 2023-01-01 .. 2025-12-31 UTC period, generated exactly as the deterministic tests pin it.
   */
  dataEndsAt?: Date;
}

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
  /** Deletes records for good (no deletedFlag, no trace): list, count and GET by id no longer see them. */
  deleteRecords(companyId: string, table: ConnectWiseTable, ids: readonly number[]): number[];
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
