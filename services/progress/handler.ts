import type { Clock, EventBus, Log, MetricsPublisher, StateStore } from '../../shared/ports';
import type { StateStorePersistenceOptions } from '../../shared/runtime/stateStorePersistenceLayer';
import { sqsConsumer } from '../../shared/runtime/sqsConsumer';
import { recordProgress } from './recordProgress';

export interface ProgressHandlerDeps {
  /** See StateStorePersistenceOptions: set by the local runtime, which knows it is the only live process. */
  idempotencyOptions?: StateStorePersistenceOptions;
  state: StateStore;
  bus: EventBus;
  clock: Clock;
  log: Log;
  metrics: MetricsPublisher;
}

/** Every pipeline event → idempotent progress, watermark commits, TableSynced / JobCompleted, metrics. */
export function makeHandler(deps: ProgressHandlerDeps) {
  return sqsConsumer({
    service: 'progress',
    accepts: [
      'TenantDiscovered',
      'TablePlanned',
      'TablePlanFailed',
      'ChunkFetched',
      'ChunkFailed',
      'ChunkPaused',
      'ChunkTransformed',
      'TableCompacted',
    ],
    log: deps.log,
    ...(deps.idempotencyOptions ? { idempotencyOptions: deps.idempotencyOptions } : {}),
    idempotencyStore: deps.state,
    handle: async (event) => {
      const metrics = await recordProgress(event, deps);
      deps.metrics.publish(metrics);
    },
  });
}
