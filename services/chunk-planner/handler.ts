import type { ConnectWiseClientFor } from '../../sources/connectwise/clientFactory';
import type { EventBus, Log, StateStore } from '../../shared/ports';
import type { StateStorePersistenceOptions } from '../../shared/runtime/stateStorePersistenceLayer';
import { sqsConsumer } from '../../shared/runtime/sqsConsumer';
import { planTenant, type PlannerSettings } from './planTenant';

export interface ChunkPlannerDeps {
  /** See StateStorePersistenceOptions: set by the local runtime, which knows it is the only live process. */
  idempotencyOptions?: StateStorePersistenceOptions;
  clientFor: ConnectWiseClientFor;
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
    handle: async (event, { lambda }) => {
      const started = Date.now();
      const result = await planTenant(event, {
        ...deps,
        deadline: () => started + lambda.getRemainingTimeInMillis(),
      });
      deps.log.info('tenant planned', { tenantId: event.tenantId, jobId: event.jobId, ...result });
    },
  });
}
