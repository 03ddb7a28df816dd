import type { EventType } from './schemas';

/**
 * The services that consume events, each through its own queue (with a DLQ). Discovery is started by a schedule.
 * The analytics loader is the one consumer outside the pipeline: it copies each compacted history into
 * ClickHouse, and the local runtime runs it only when a ClickHouse is configured (local/pipeline.ts).
 */
export const CONSUMER_SERVICES = [
  'chunk-planner',
  'fetcher',
  'backfill-fetcher',
  'transform',
  'progress',
  'analytics-loader',
] as const;
export type ConsumerService = (typeof CONSUMER_SERVICES)[number];

/**
 * Which queues receive each event type. The ONE routing table: serverless.yml builds its EventBridge rules
 * from it (deploy/resources.js) and the local runtime routes with it; test/deploy checks they agree.
 */
export const EVENT_ROUTES: Record<EventType, readonly ConsumerService[]> = {
  TenantDiscovered: ['chunk-planner', 'progress'],
  TablePlanned: ['progress'],
  TablePlanFailed: ['progress'],
  ChunkPlanned: ['fetcher'],
  BackfillChunkPlanned: ['backfill-fetcher'],
  ChunkFetched: ['transform', 'progress'],
  ChunkFailed: ['progress'],
  ChunkPaused: ['transform', 'progress'],
  ChunkTransformed: ['progress'],
  TableTransformed: ['transform'],
  TableCompacted: ['progress', 'analytics-loader'],
  TableSynced: [],
  TablePaused: [],
  TableFailed: [],
  JobCompleted: [],
};

export interface QueueSettings {
  /** Records per handler invocation. */
  batchSize: number;
  /** Parallel invocations (SQS event source maximumConcurrency; local runtime workers). */
  maxConcurrency: number;
  /** Deliveries before a message moves to the DLQ. */
  maxReceiveCount: number;
  /** Function timeout; the queue's visibility timeout is set above it (AWS recommends 6×). */
  timeoutSeconds: number;
  /** Fair queue: messages are grouped by tenant so one large tenant cannot starve the others (DESIGN §5). */
  fairByTenant: boolean;
}

export const QUEUE_SETTINGS: Record<ConsumerService, QueueSettings> = {
  'chunk-planner': {
    batchSize: 1,
    maxConcurrency: 4,
    maxReceiveCount: 5,
    timeoutSeconds: 120,
    fairByTenant: true,
  },
  fetcher: { batchSize: 1, maxConcurrency: 16, maxReceiveCount: 5, timeoutSeconds: 300, fairByTenant: true },
  // The backfill lane (DESIGN §11): the same fetcher over backfill slices, with a quarter of the fetchers at most,
  // so onboarding tenants' history never takes the capacity the hourly syncs need; fair across backfilling tenants.
  'backfill-fetcher': {
    batchSize: 1,
    maxConcurrency: 4,
    maxReceiveCount: 5,
    timeoutSeconds: 300,
    fairByTenant: true,
  },
  transform: { batchSize: 1, maxConcurrency: 8, maxReceiveCount: 5, timeoutSeconds: 300, fairByTenant: true },
  progress: { batchSize: 10, maxConcurrency: 2, maxReceiveCount: 8, timeoutSeconds: 60, fairByTenant: false },
  // ClickHouse does the work (it reads the file from S3 itself); a few loads at once are plenty, and a tenant
  // compacting many tables does not hold back the others.
  'analytics-loader': {
    batchSize: 1,
    maxConcurrency: 2,
    maxReceiveCount: 5,
    timeoutSeconds: 120,
    fairByTenant: true,
  },
};

export function consumersOf(type: EventType): readonly ConsumerService[] {
  return EVENT_ROUTES[type];
}

/** The event types each consumer receives: the inverse of EVENT_ROUTES. */
export function eventTypesFor(service: ConsumerService): EventType[] {
  return (Object.keys(EVENT_ROUTES) as EventType[]).filter((type) => EVENT_ROUTES[type].includes(service));
}
