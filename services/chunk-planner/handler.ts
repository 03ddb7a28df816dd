import type { EventBus, Log, StateStore } from '../../shared/ports';
import type { SourceReaderFor } from '../../shared/sources/readers';
import type { StateStorePersistenceOptions } from '../../shared/runtime/stateStorePersistenceLayer';
import { QUEUE_SETTINGS } from '../../shared/events/routing';
import { sqsConsumer } from '../../shared/runtime/sqsConsumer';
import { planTenant, type PlannerSettings } from './planTenant';

export interface ChunkPlannerDeps {
  /** See StateStorePersistenceOptions: set by the local runtime, which knows it is the only live process. */
  idempotencyOptions?: StateStorePersistenceOptions;
  readerFor: SourceReaderFor;
  state: StateStore;
  bus: EventBus;
  log: Log;
  settings: PlannerSettings;
}

/** TenantDiscovered → TablePlanned + ChunkPlanned ×N per table (or TablePlanFailed). */
export function makeHandler(deps: ChunkPlannerDeps) {
  return sqsConsumer({
    service: 'chunk-planner',
    accepts: ['TenantDiscovered'],
    log: deps.log,
    ...(deps.idempotencyOptions ? { idempotencyOptions: deps.idempotencyOptions } : {}),
    idempotencyStore: deps.state,
    handle: async (event, { lambda, record }) => {
      // Computed once: `started + remaining` re-read later would move the deadline earlier as time passes.
      const deadline = Date.now() + lambda.getRemainingTimeInMillis();
      const deliveries = Number(record.attributes?.ApproximateReceiveCount ?? '1');
      const result = await planTenant(event, {
        ...deps,
        deadline: () => deadline,
        lastAttempt: deliveries >= QUEUE_SETTINGS['chunk-planner'].maxReceiveCount,
      });
      deps.log.info('tenant planned', { tenantId: event.tenantId, jobId: event.jobId, ...result });
    },
  });
}
