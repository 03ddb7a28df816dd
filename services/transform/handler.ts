import type { Clock, EventBus, Log, ObjectStore, StateStore } from '../../shared/ports';
import type { ConfiguredSourceFor } from '../../shared/sources/readers';
import type { StateStorePersistenceOptions } from '../../shared/runtime/stateStorePersistenceLayer';
import { sqsConsumer } from '../../shared/runtime/sqsConsumer';
import type { DuckDbLimits } from './compactHistory';
import { compactTable } from './compactTable';
import { transformChunk } from './transformChunk';

export interface TransformHandlerDeps {
  /** See StateStorePersistenceOptions: set by the local runtime, which knows it is the only live process. */
  idempotencyOptions?: StateStorePersistenceOptions;
  /** The tenant's source settings (its mapping). */
  sourceFor: ConfiguredSourceFor;
  lake: ObjectStore;
  bus: EventBus;
  clock: Clock;
  log: Log;
  /** Remembers handled event ids. */
  idempotency: StateStore;
  /** DuckDB's limits for compaction (see DuckDbLimits). */
  duckDb?: DuckDbLimits;
}

/**
 * ChunkFetched (or ChunkPaused: the parts written before a pause) → canonical versions (+ quarantine) for that
 * chunk → ChunkTransformed;
 * TableTransformed → the tenant's SCD2 history of that table, compacted → TableCompacted.
 */
export function makeHandler(deps: TransformHandlerDeps) {
  return sqsConsumer({
    service: 'transform',
    accepts: ['ChunkFetched', 'ChunkPaused', 'TableTransformed'],
    log: deps.log,
    ...(deps.idempotencyOptions ? { idempotencyOptions: deps.idempotencyOptions } : {}),
    idempotencyStore: deps.idempotency,
    handle: async (event) => {
      const context = {
        tenantId: event.tenantId,
        jobId: event.jobId,
        source: event.data.source,
        table: event.data.table,
      };
      if (event.type === 'ChunkFetched' || event.type === 'ChunkPaused') {
        const outcome = await transformChunk(event, deps);
        deps.log.info('chunk transformed', { ...context, chunkId: event.data.chunkId, ...outcome });
      } else {
        const outcome = await compactTable(event, deps);
        deps.log.info('history compacted', { ...context, ...outcome });
      }
    },
  });
}
