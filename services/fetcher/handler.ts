import type { Clock, EventBus, Log, ObjectStore, StateStore, WorkQueue } from '../../shared/ports';
import type { SourceReaderFor } from '../../shared/sources/readers';
import type { StateStorePersistenceOptions } from '../../shared/runtime/stateStorePersistenceLayer';
import { sqsConsumer } from '../../shared/runtime/sqsConsumer';
import { fetchChunk, type FetcherSettings } from './fetchChunk';

export interface FetcherDepsForHandler {
  /** See StateStorePersistenceOptions: set by the local runtime, which knows it is the only live process. */
  idempotencyOptions?: StateStorePersistenceOptions;
  readerFor: SourceReaderFor;
  lake: ObjectStore;
  bus: EventBus;
  queue: WorkQueue;
  clock: Clock;
  log: Log;
  settings: FetcherSettings;
  /** Remembers handled event ids, and (on the backfill lane) each chunk's last written page. */
  idempotency: StateStore;
  /**
   * `backfill`: the backfill lane's consumer (BackfillChunkPlanned, DESIGN §11), which checkpoints every page so a
   * crash loses one page, not a slice. Default: the scheduled syncs' fetcher.
   */
  lane?: 'scheduled' | 'backfill';
}

/**
 * ChunkPlanned (or, on the backfill lane, BackfillChunkPlanned) → raw Parquet parts + ChunkFetched / ChunkFailed,
 * or a continuation on its own queue.
 */
export function makeHandler(deps: FetcherDepsForHandler) {
  const backfill = deps.lane === 'backfill';
  return sqsConsumer({
    service: backfill ? 'backfill-fetcher' : 'fetcher',
    accepts: [backfill ? 'BackfillChunkPlanned' : 'ChunkPlanned'],
    log: deps.log,
    ...(deps.idempotencyOptions ? { idempotencyOptions: deps.idempotencyOptions } : {}),
    idempotencyStore: deps.idempotency,
    minimumRemainingMs: deps.settings.safetyMarginMs,
    handle: async (event, { lambda }) => {
      const started = Date.now();
      const deadline = started + lambda.getRemainingTimeInMillis();
      const outcome = await fetchChunk(event, {
        ...deps,
        deadline: () => deadline,
        ...(backfill ? { checkpoints: deps.idempotency } : {}),
      });
      const context = {
        tenantId: event.tenantId,
        jobId: event.jobId,
        source: event.data.source,
        table: event.data.table,
        chunkId: event.data.chunkId,
      };
      if (outcome.kind === 'failed') deps.log.error('chunk failed', { ...context, ...outcome });
      else
        deps.log.info(`chunk ${outcome.kind}`, {
          ...context,
          ...outcome,
          objectKeys: undefined,
          ms: Date.now() - started,
        });
    },
  });
}
