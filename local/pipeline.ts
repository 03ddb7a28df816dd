import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeHandler as makePlannerHandler } from '../services/chunk-planner/handler';
import { DEFAULT_PLANNER_SETTINGS, type PlannerSettings } from '../services/chunk-planner/planTenant';
import { makeHandler as makeDiscoveryHandler } from '../services/discovery/handler';
import type { BackfillRequest } from '../services/discovery/discoverTenants';
import { makeHandler as makeFetcherHandler } from '../services/fetcher/handler';
import { DEFAULT_FETCHER_SETTINGS, type FetcherSettings } from '../services/fetcher/fetchChunk';
import { makeHandler as makeProgressHandler } from '../services/progress/handler';
import { makeHandler as makeTransformHandler } from '../services/transform/handler';
import { makeHandler as makeAnalyticsLoaderHandler } from '../services/analytics-loader/handler';
import type { LocalClickHouse } from './clickHouse';
import { listJobs, readJobProgress, type JobProgress } from '../services/progress/readProgress';
import type { LoadedTenants } from '../shared/config/tenantsFile';
import { configuredSources, sourceReaderFactory } from '../shared/sources/readers';
import type { HttpOverrides } from '../shared/sources/sourceHttp';
import { CONSUMER_SERVICES, QUEUE_SETTINGS, type ConsumerService } from '../shared/events/routing';
import { systemClock, type EventBus, type Log, type MetricsPublisher } from '../shared/ports';
import type { SqsHandler } from '../shared/runtime/sqsConsumer';
import { EmfFileMetrics } from './adapters/emfFileMetrics';
import { FileLog } from './adapters/fileLog';
import { FsObjectStore } from './adapters/fsObjectStore';
import { InProcessRequestBudget } from '../shared/budget/inProcessRequestBudget';
import { LocalEventBus, LocalWorkQueue } from './adapters/localEventBus';
import { LocalQueue } from './adapters/localQueue';
import { LocalStateStore } from './adapters/localStateStore';
import { TenantsFileRegistry } from './adapters/tenantsFileRegistry';
import { LocalRuntime, type RuntimeSettings } from './runtime';

export interface LocalPipelineOptions {
  tenants: LoadedTenants;
  lakeDir: string;
  stateDir: string;
  planner?: Partial<PlannerSettings>;
  fetcher?: Partial<FetcherSettings>;
  /** Per-service overrides of the runtime settings; services not named keep their defaults. */
  runtime?: RuntimeOverrides;
  /** Test seams for every source's HTTP (fetch, retry timings). */
  client?: HttpOverrides;
  log?: Log;
  metrics?: MetricsPublisher;
  /**
   * Fault-injection seams (test/faults): wrap each consumer's handler (crashes before or after it runs,
   * reordered batches) or the bus its handlers publish to (partial PutEvents failures, duplicate deliveries).
   * Discovery keeps the plain bus: a failing start of a job surfaces to the caller, who starts it again.
   */
  wrapHandler?: (service: ConsumerService, handler: SqsHandler) => SqsHandler;
  wrapBus?: (bus: EventBus) => EventBus;
  /**
   * A ClickHouse to load every compacted history into (local/clickHouse.ts reads one from AVESA_CLICKHOUSE_URL).
   * Without one there is no analytics loader: TableCompacted is not routed to its queue at all, since messages
   * no one consumes would keep the runtime from going idle.
   */
  clickHouse?: LocalClickHouse;
}

export interface RuntimeOverrides {
  invocationTimeoutMs?: Partial<Record<ConsumerService, number>>;
  concurrency?: Partial<Record<ConsumerService, number>>;
  failedVisibilitySeconds?: number;
  yieldsTo?: RuntimeSettings['yieldsTo'];
}

export const DEFAULT_RUNTIME_SETTINGS: RuntimeSettings = {
  invocationTimeoutMs: Object.fromEntries(
    CONSUMER_SERVICES.map((service) => [service, QUEUE_SETTINGS[service].timeoutSeconds * 1000]),
  ) as Record<ConsumerService, number>,
  // The backfill lane gets a fifth of the fetch slots: onboarding history never starves the scheduled syncs.
  concurrency: {
    'chunk-planner': 4,
    fetcher: 8,
    'backfill-fetcher': 2,
    transform: 2,
    progress: 1,
    'analytics-loader': 1,
  },
  failedVisibilitySeconds: 1,
  // One machine, one CPU budget: the backfill lane fetches while the scheduled syncs have nothing to plan or fetch.
  yieldsTo: { 'backfill-fetcher': ['chunk-planner', 'fetcher', 'transform'] },
};

/**
 * The embedded default: the same handlers as in AWS, wired to a lake directory, durable local queues and
 * state, and the tenants file. One process at a time owns a state directory (a lock file guards it).
 */
export class LocalPipeline {
  readonly state: LocalStateStore;
  readonly lake: FsObjectStore;
  readonly bus: LocalEventBus;
  readonly queues: Record<ConsumerService, LocalQueue>;
  readonly deadLetterQueues: Record<ConsumerService, LocalQueue>;
  readonly runtime: LocalRuntime;
  readonly log: Log;
  /** The consumers this pipeline runs (the analytics loader only with a ClickHouse). */
  readonly consumers: readonly ConsumerService[];
  private readonly discover: ReturnType<typeof makeDiscoveryHandler>;
  private readonly lockPath: string;

  constructor(options: LocalPipelineOptions) {
    mkdirSync(options.stateDir, { recursive: true });
    this.lockPath = join(options.stateDir, 'lock');
    acquireLock(this.lockPath);
    this.log = options.log ?? new FileLog(join(options.stateDir, 'logs', 'pipeline.jsonl'));
    const metrics = options.metrics ?? new EmfFileMetrics(join(options.stateDir, 'logs', 'metrics.jsonl'));
    this.state = new LocalStateStore(join(options.stateDir, 'state.log'));
    this.lake = new FsObjectStore(options.lakeDir);
    const runtimeSettings: RuntimeSettings = {
      invocationTimeoutMs: {
        ...DEFAULT_RUNTIME_SETTINGS.invocationTimeoutMs,
        ...options.runtime?.invocationTimeoutMs,
      },
      concurrency: { ...DEFAULT_RUNTIME_SETTINGS.concurrency, ...options.runtime?.concurrency },
      failedVisibilitySeconds:
        options.runtime?.failedVisibilitySeconds ?? DEFAULT_RUNTIME_SETTINGS.failedVisibilitySeconds,
      yieldsTo: options.runtime?.yieldsTo ?? DEFAULT_RUNTIME_SETTINGS.yieldsTo!,
    };
    const queue = (name: string, service: ConsumerService, deadLetterQueue?: LocalQueue) =>
      new LocalQueue({
        name,
        maxReceiveCount: QUEUE_SETTINGS[service].maxReceiveCount,
        // SQS requires the visibility timeout to exceed the function timeout.
        visibilityTimeoutMs: runtimeSettings.invocationTimeoutMs[service] * 2,
        logPath: join(options.stateDir, 'queues', `${name}.log`),
        ...(deadLetterQueue ? { deadLetterQueue } : {}),
      });
    this.deadLetterQueues = Object.fromEntries(
      CONSUMER_SERVICES.map((service) => [service, queue(`${service}-dlq`, service)]),
    ) as Record<ConsumerService, LocalQueue>;
    this.queues = Object.fromEntries(
      CONSUMER_SERVICES.map((service) => [service, queue(service, service, this.deadLetterQueues[service])]),
    ) as Record<ConsumerService, LocalQueue>;
    // Every consumer but the analytics loader, which runs only with a ClickHouse to load into.
    this.consumers = CONSUMER_SERVICES.filter(
      (service) => service !== 'analytics-loader' || options.clickHouse !== undefined,
    );
    this.bus = new LocalEventBus(this.queues, this.consumers);
    const bus = options.wrapBus?.(this.bus) ?? this.bus;
    const wrap = (service: ConsumerService, handler: SqsHandler) =>
      options.wrapHandler?.(service, handler) ?? handler;
    const registry = new TenantsFileRegistry(options.tenants);
    const readerFor = sourceReaderFactory({
      registry,
      secrets: registry,
      budget: new InProcessRequestBudget(),
      ...(options.client ? { overrides: options.client } : {}),
    });
    const fetcherSettings = { ...DEFAULT_FETCHER_SETTINGS, ...options.fetcher };
    const fetcher = (lane: 'scheduled' | 'backfill') => {
      const service = lane === 'backfill' ? 'backfill-fetcher' : 'fetcher';
      return wrap(
        service,
        makeFetcherHandler({
          idempotencyOptions,
          readerFor,
          lake: this.lake,
          bus,
          queue: new LocalWorkQueue(this.queues[service], service),
          clock: systemClock,
          log: this.log,
          settings: fetcherSettings,
          idempotency: this.state,
          lane,
        }),
      );
    };
    // This process holds the state directory's lock, so claims of any other process were left by a dead one.
    const idempotencyOptions = { liveOwner: `local-${process.pid}-${randomUUID()}` };
    this.discover = makeDiscoveryHandler({ registry, bus: this.bus, log: this.log });
    this.runtime = new LocalRuntime(
      this.queues,
      {
        'chunk-planner': wrap(
          'chunk-planner',
          makePlannerHandler({
            idempotencyOptions,
            readerFor,
            state: this.state,
            bus,
            log: this.log,
            settings: { ...DEFAULT_PLANNER_SETTINGS, ...options.planner },
          }),
        ),
        fetcher: fetcher('scheduled'),
        'backfill-fetcher': fetcher('backfill'),
        transform: wrap(
          'transform',
          makeTransformHandler({
            idempotencyOptions,
            sourceFor: configuredSources(registry),
            lake: this.lake,
            bus,
            clock: systemClock,
            log: this.log,
            idempotency: this.state,
          }),
        ),
        progress: wrap(
          'progress',
          makeProgressHandler({
            idempotencyOptions,
            state: this.state,
            bus,
            clock: systemClock,
            log: this.log,
            metrics,
          }),
        ),
        ...(options.clickHouse
          ? {
              'analytics-loader': wrap(
                'analytics-loader',
                makeAnalyticsLoaderHandler({
                  clickHouse: options.clickHouse.client,
                  lake: options.clickHouse.lake ?? { kind: 'file', directory: options.lakeDir },
                  ...(options.clickHouse.database ? { database: options.clickHouse.database } : {}),
                  log: this.log,
                }),
              ),
            }
          : {}),
      },
      runtimeSettings,
      this.log,
    );
  }

  /**
   * Whether a previous run left work in the queues this pipeline consumes (it was interrupted): resume it before
   * starting anew. Loads left by a run with a ClickHouse wait for the next run with one.
   */
  hasPendingWork(): boolean {
    return this.consumers.some((service) => this.queues[service].nextVisibleAt() !== undefined);
  }

  /** Starts a job (discovery), as the EventBridge schedule does in AWS. */
  async startJob(
    tenantIds?: string[],
    options: { sweepDeletes?: boolean; backfill?: BackfillRequest } = {},
  ): Promise<{ jobId: string; tenants: string[] }> {
    const result = await this.discover({
      ...(tenantIds ? { tenantIds } : {}),
      ...(options.sweepDeletes ? { sweepDeletes: true } : {}),
      ...(options.backfill ? { backfill: options.backfill } : {}),
    });
    writeFileSync(join(this.lockPath, '..', 'current-job'), result.jobId);
    return result;
  }

  /** The job a previous, interrupted run was working on. */
  currentJobId(): string | undefined {
    const path = join(this.lockPath, '..', 'current-job');
    return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
  }

  async runUntilIdle(): Promise<void> {
    await this.runtime.runUntilIdle();
  }

  async progress(jobId: string): Promise<JobProgress | undefined> {
    return readJobProgress(this.state, jobId);
  }

  async jobs() {
    return listJobs(this.state);
  }

  close(): void {
    this.runtime.stop();
    this.state.close();
    for (const service of CONSUMER_SERVICES) {
      this.queues[service].close();
      this.deadLetterQueues[service].close();
    }
    rmSync(this.lockPath, { force: true });
  }
}

function acquireLock(path: string): void {
  if (existsSync(path)) {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new Error(`state directory is in use by process ${pid} (${path}); wait for it or stop it first`);
    }
  }
  writeFileSync(path, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
