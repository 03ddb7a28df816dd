import type { SourceCredentials, TenantConfig } from '../config/tenantsFile';
import type { AnyEvent } from '../events/schemas';

/** Publishes domain events (EventBridge in AWS, the in-process router locally). At-least-once. */
export interface EventBus {
  publish(events: readonly AnyEvent[]): Promise<void>;
}

/** Puts a message back on the consumer's own queue, optionally delayed (SQS DelaySeconds, max 900). */
export interface WorkQueue {
  send(event: AnyEvent, options?: { delaySeconds?: number }): Promise<void>;
}

/** The lake: S3 in AWS, a directory locally. Keys are `/`-separated and relative to the lake root. */
export interface ObjectStore {
  put(key: string, body: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): Promise<string[]>;
  /** Removes the object; a key with no object is not an error (a retried delete). */
  delete(key: string): Promise<void>;
}

export interface StateItem<T> {
  value: T;
  /** Increments on every write; 0 never exists, so `expectedVersion: 0` means "absent". */
  version: number;
}

/**
 * Durable key-value state with conditional writes (DynamoDB in AWS, a write-ahead log locally).
 * Items are addressed by a partition key and a sort key; `query` reads one partition, ordered by sort key,
 * with strongly consistent reads.
 */
export interface StateStore {
  get<T>(pk: string, sk: string): Promise<StateItem<T> | undefined>;
  /** Writes only when the item does not exist. Returns whether it wrote. */
  putIfAbsent<T>(pk: string, sk: string, value: T): Promise<boolean>;
  /** Writes only when the stored version equals `expectedVersion` (0: absent). Returns whether it wrote. */
  putIfVersion<T>(pk: string, sk: string, value: T, expectedVersion: number): Promise<boolean>;
  query<T>(pk: string, skPrefix?: string): Promise<Array<StateItem<T> & { sk: string }>>;
}

/** The tenants to sync and their non-secret settings. */
export interface TenantRegistry {
  listTenants(): Promise<TenantConfig[]>;
  getTenant(tenantId: string): Promise<TenantConfig | undefined>;
}

/** Tenant credentials, kept apart from the registry so they never travel in events or state. */
export interface SecretStore {
  /** A tenant's credentials for one source, as stored; the source's connector validates them. */
  sourceCredentials(tenantId: string, source: string): Promise<SourceCredentials>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Structured logging; the Powertools Logger satisfies it in AWS. */
export interface Log {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

export interface MetricPoint {
  name: string;
  unit: 'Count' | 'Milliseconds' | 'Seconds';
  value: number;
  dimensions: { tenant: string; source?: string; table?: string; service?: string };
}

/** CloudWatch metrics in Embedded Metric Format (Powertools Metrics). */
export interface MetricsPublisher {
  publish(points: readonly MetricPoint[]): void;
}

export interface RequestLimits {
  requestsPerMinute: number;
  maxConcurrentRequests: number;
}

/**
 * A tenant's API budget, shared by every worker of that tenant (DESIGN §5): at most `requestsPerMinute`
 * requests in any 60-second window and `maxConcurrentRequests` in flight.
 */
export interface RequestBudget {
  /**
   * Waits up to `maxWaitMs` for room in a lane (a tenant's source: `budgetLane(tenant, source)`), then returns
   * the function that releases the slot.
   * Throws BudgetExhaustedError when no room can be had in time, so a Lambda re-queues instead of sleeping.
   */
  acquire(lane: string, limits: RequestLimits, maxWaitMs: number): Promise<() => void>;
}

/** A registered tenant as an operator sees it: its settings and whether credentials exist, never their values. */
export interface TenantListing {
  config: TenantConfig;
  /**
   * Per source, the non-secret credentials recorded beside the settings for operators (a ConnectWise login
   * company, a ServiceNow user name): never a key or password.
   */
  accounts: Record<string, SourceCredentials>;
  /** Whether every configured source has its credentials stored. */
  hasCredentials: boolean;
}

/**
 * The operator's side of the tenant registry and secret store (`avesa tenants`): writes a tenant's settings
 * and credentials together. The pipeline itself only reads them, through TenantRegistry and SecretStore.
 */
export interface TenantAdmin {
  /**
   * Registers a tenant, or updates a registered one: its name and enabled flag, and the settings and credentials
   * of the sources given. Sources of the tenant not given are kept as they are (adding ServiceNow to a tenant
   * does not drop its ConnectWise). `created` is false when the tenant was registered.
   */
  putTenant(
    config: TenantConfig,
    credentials: Record<string, SourceCredentials>,
  ): Promise<{ created: boolean }>;
  /** Enables or disables a registered tenant. Returns false when no such tenant is registered. */
  setEnabled(tenantId: string, enabled: boolean): Promise<boolean>;
  /** Every registered tenant, sorted by id, with whether its credentials exist. */
  listRegistered(): Promise<TenantListing[]>;
}
