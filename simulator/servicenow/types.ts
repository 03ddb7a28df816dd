import type { FaultOptions, InjectedFault, LatencyOptions } from '../core/types';
import type { ServiceNowRecord } from './render';
import type { ServiceNowTableName } from './tables';

export type { FaultOptions, InjectedFault, LatencyOptions, ServiceNowRecord, ServiceNowTableName };

/** One ServiceNow instance (a tenant) served by the simulator; requests are routed to it by their credentials. */
export interface SimulatedInstance {
  /** The tenant's instance name, e.g. 'acme' (https://acme.service-now.com). */
  name: string;
  /** Basic auth of the instance's integration user; unique across the simulated instances. */
  username: string;
  password: string;
  /** OAuth client of `POST /oauth_token.do` (client_credentials, password and refresh_token grants). */
  clientId?: string;
  clientSecret?: string;
  /** Record count per table. Missing: 0, except sys_user (25) and sys_user_group (6), which incidents reference. */
  sizes: Partial<Record<ServiceNowTableName, number>>;
  /** Default: derived from the name. */
  seed?: number;
  /**
   * A per-user hourly `sys_rate_limit_rules` rule for the Table API: X-RateLimit-* headers on every Table API
   * request and 429 past the limit. Absent: no rule and no X-RateLimit headers.
   */
  rateLimitPerHour?: number;
  /** Access-token lifetime on the simulator's clock. Default 1800 (`expires_in` says one second less). */
  tokenLifetimeSeconds?: number;
  /** Tables the user may not read: 403 from the Table and Aggregate APIs. */
  forbiddenTables?: ServiceNowTableName[];
  /**
   * Whether the user may read sys_audit_delete. Default true; false answers every request to it with 403, as for
   * an integration user without the role that reads it (deletes then need an id-set comparison).
   */
  auditReadable?: boolean;
}

export interface DeleteOptions {
  /** Write a sys_audit_delete row per record. Default true; false simulates a delete the instance does not audit. */
  audit?: boolean;
}

export interface ServiceNowSimulatorOptions {
  instances: SimulatedInstance[];
  /** Default 0 = a free loopback port. The server only listens on 127.0.0.1. */
  port?: number;
  /** Applied to every response before it is written. Default: no delay. */
  latency?: LatencyOptions;
  faults?: FaultOptions;
  /**
   * Clock for mutations, token expiry and the rate-limit hour, so tests can move past an expiry or a reset
   * without waiting. Default: real time. The request log uses real time.
   */
  now?: () => Date;
  /** Cap of `sysparm_limit` (larger values are cut to it). Default 10000. */
  maxLimit?: number;
  /**
   * Generated records span the three years up to (not including) this instant, with incidents opened and
   * resolved up to its eve and an open backlog as it stands then (the demo passes today's midnight UTC).
   * Default: the fixed 2023-01-01 .. 2025-12-31 UTC period, generated exactly as the deterministic tests pin it.
   */
  dataEndsAt?: Date;
}

export interface ServiceNowRecordedRequest {
  /** The instance the credentials (Basic user, Bearer token, OAuth client) named; otherwise null. */
  instance: string | null;
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

export type ServiceNowRequestHook = (request: ServiceNowRecordedRequest) => void;

export interface ServiceNowSimulator {
  /** e.g. http://127.0.0.1:PORT; one server for all instances, the instance is chosen by the credentials. */
  readonly instanceUrl: string;
  /**
   * Ground truth: current records as the Table API returns them with sysparm_display_value=false and reference
   * links, sorted by sys_id. A snapshot taken at call time, materialised on access (a read-only lazy array).
   */
  records(instance: string, table: ServiceNowTableName): readonly ServiceNowRecord[];
  /** sys_ids of the current records, ascending. */
  ids(instance: string, table: ServiceNowTableName): string[];
  /** Changes `count` deterministically chosen records: sys_updated_on = now (whole seconds), sys_mod_count + 1. */
  mutate(instance: string, table: ServiceNowTableName, count: number): string[];
  /** Creates `count` records now (new incidents are New); returns their sys_ids ascending. */
  addRecords(instance: string, table: ServiceNowTableName, count: number): string[];
  /**
   * Deletes current records (they leave every list, count and lookup) and, unless `audit` is false, appends a
   * sys_audit_delete row per record at now: tablename, documentkey = the sys_id, sys_created_on = sys_updated_on =
   * now. Throws, changing nothing, when a sys_id names no current record.
   */
  deleteRecords(
    instance: string,
    table: ServiceNowTableName,
    sysIds: string[],
    options?: DeleteOptions,
  ): void;
  /** Undeletes: the records come back with their sys_ids and values, sys_updated_on = now (sys_mod_count kept). */
  restoreRecords(instance: string, table: ServiceNowTableName, sysIds: string[]): void;
  /** Forces sys_updated_on of these records to one second (`YYYY-MM-DD HH:MM:SS` UTC or ISO 8601; tie tests). */
  setUpdatedOn(instance: string, table: ServiceNowTableName, sysIds: string[], iso: string): void;
  /** Every OAuth access token issued so far (for one instance, or all) answers 401 from now on. */
  expireTokens(instance?: string): void;
  /** Called synchronously after each response has been written. */
  onRequest(hook: ServiceNowRequestHook | undefined): void;
  setFaults(faults: FaultOptions | undefined): void;
  requests(instance?: string): readonly ServiceNowRecordedRequest[];
  /** Clears the request log and the concurrency / per-minute measurements. */
  resetRequests(): void;
  maxConcurrent(instance: string): number;
  /** Most requests that arrived (whatever their answer, 429 included) in any sliding 60 s window. */
  maxRequestsInAnyMinute(instance: string): number;
  stop(): Promise<void>;
}
