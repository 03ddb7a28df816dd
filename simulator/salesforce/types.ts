import type { FaultOptions, InjectedFault, LatencyOptions } from '../core/types';
import type { SalesforceObjectName } from './objects';
import type { SalesforceRecord } from './render';

export type { FaultOptions, InjectedFault, LatencyOptions, SalesforceObjectName, SalesforceRecord };

/** One Salesforce org (a tenant) served by the simulator; requests are routed to it by their session. */
export interface SimulatedOrg {
  /** The tenant's name, e.g. 'acme'. */
  name: string;
  /** OAuth client of `POST /services/oauth2/token` (client_credentials); unique across the simulated orgs. */
  clientId: string;
  clientSecret: string;
  /** Record count per object generated at start. Missing: 0. */
  sizes: Partial<Record<SalesforceObjectName, number>>;
  /** Default: derived from the name. */
  seed?: number;
  /** Objects the org does not have (e.g. no Field Service): INVALID_TYPE from queries, NOT_FOUND from sobjects. */
  missingObjects?: SalesforceObjectName[];
  /** Session lifetime on the simulator's clock. Default 7200. */
  sessionSeconds?: number;
  /** Daily API request allocation (rolling 24 h on the simulator's clock). Default 15000. */
  dailyRequestLimit?: number;
}

export interface SalesforceSimulatorOptions {
  orgs: SimulatedOrg[];
  /** Default 0 = a free loopback port. The server only listens on 127.0.0.1. */
  port?: number;
  /** Applied to every response before it is written. Default: no delay. */
  latency?: LatencyOptions;
  faults?: FaultOptions;
  /**
   * Clock for mutations, session expiry, query locators, the recycle bin and the daily allocation, so tests can
   * move past an expiry without waiting. Default: real time. The request log uses real time.
   */
  now?: () => Date;
  /** How long a query locator (nextRecordsUrl) stays valid. Default two days (reference §B.1). */
  queryLocatorSeconds?: number;
  /**
   * Generated records span the three years up to (not including) this instant, with Cases created and closed up
   * to its eve and an open backlog as it stands then (the demo passes today's midnight UTC). Default: the fixed
   * 2023-01-01 .. 2025-12-31 UTC period, generated exactly as the deterministic tests pin it.
   */
  dataEndsAt?: Date;
}

export interface SalesforceRecordedRequest {
  /** The org the session (or the OAuth client) belongs to; otherwise null. */
  org: string | null;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Number of records in the response body. */
  records: number;
  /** The injected fault, when one was (`reset` answers are logged with the status their headers carried). */
  fault?: InjectedFault;
  /** Epoch ms (real clock). */
  startedAt: number;
  endedAt: number;
}

export type SalesforceRequestHook = (request: SalesforceRecordedRequest) => void;

export interface SalesforceApiUsage {
  /** Requests counted in the last 24 h (the N of `Sforce-Limit-Info: api-usage=N/M`). */
  used: number;
  max: number;
}

export interface SalesforceSimulator {
  /** e.g. http://127.0.0.1:PORT: the token endpoint and every org's `instance_url`. */
  readonly instanceUrl: string;
  /**
   * Ground truth: the live (not deleted) records with every field, as a query returns them (API version
   * DEFAULT_API_VERSION in `attributes.url`), sorted by Id. A snapshot taken at call time, materialised on access.
   */
  records(org: string, object: SalesforceObjectName): readonly SalesforceRecord[];
  /** Ids of the live records, ascending. */
  ids(org: string, object: SalesforceObjectName): string[];
  /** Edits `count` deterministically chosen live records: LastModifiedDate = SystemModstamp = now (whole seconds). */
  mutate(org: string, object: SalesforceObjectName, count: number): string[];
  /** Creates `count` records now; returns their Ids ascending. */
  addRecords(org: string, object: SalesforceObjectName, count: number): string[];
  /** Soft-deletes: IsDeleted = true, SystemModstamp = now; visible to queryAll and getDeleted for 15 days. */
  deleteRecords(org: string, object: SalesforceObjectName, ids: string[]): void;
  /**
   * Hard-deletes (deletes, then empties them from the recycle bin): queryAll no longer sees them; getDeleted still
   * lists them for 15 days.
   */
  purgeRecords(org: string, object: SalesforceObjectName, ids: string[]): void;
  /** Undeletes soft-deleted records (from the recycle bin): live again with their Id, SystemModstamp = now. */
  undeleteRecords(org: string, object: SalesforceObjectName, ids: string[]): void;
  /** Forces SystemModstamp (any SOQL datetime form or ISO 8601; tie and commit-lag tests). */
  setSystemModstamp(org: string, object: SalesforceObjectName, ids: string[], iso: string): void;
  /** Every session issued so far (for one org, or all) answers 401 INVALID_SESSION_ID from now on. */
  expireSessions(org?: string): void;
  /** Called synchronously after each response has been written. */
  onRequest(hook: SalesforceRequestHook | undefined): void;
  setFaults(faults: FaultOptions | undefined): void;
  requests(org?: string): readonly SalesforceRecordedRequest[];
  /** Clears the request log and the concurrency measurements (not the daily allocation). */
  resetRequests(): void;
  maxConcurrent(org: string): number;
  apiUsage(org: string): SalesforceApiUsage;
  stop(): Promise<void>;
}
