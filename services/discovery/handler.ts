import type { EventBus, Log, TenantRegistry } from '../../shared/ports';
import { discoverTenants, type BackfillRequest } from './discoverTenants';

export interface DiscoveryDeps {
  registry: TenantRegistry;
  bus: EventBus;
  log: Log;
}

/** The input of a discovery run: an EventBridge schedule event, or a manual trigger naming tenants. */
export interface DiscoveryTrigger {
  id?: string;
  time?: string;
  tenantIds?: string[];
  /** Sweep every table for deletes in this job (`avesa run --sweep-deletes`, `avesa trigger --sweep-deletes`). */
  sweepDeletes?: boolean;
  /** Re-fetch a range of the tenant's tables (`avesa backfill`): one tenant in `tenantIds`. */
  backfill?: BackfillRequest;
}

/** Schedule or manual trigger → one job, one TenantDiscovered per enabled tenant. */
export function makeHandler(deps: DiscoveryDeps) {
  return async (trigger: DiscoveryTrigger, context?: { awsRequestId?: string }) => {
    const startedAt = trigger.time ? new Date(trigger.time) : new Date();
    const triggerId = trigger.id ?? context?.awsRequestId ?? `manual-${startedAt.getTime()}-${Math.random()}`;
    const result = await discoverTenants(
      {
        startedAt,
        triggerId,
        ...(trigger.tenantIds ? { tenantIds: trigger.tenantIds } : {}),
        ...(trigger.sweepDeletes ? { sweepDeletes: true } : {}),
        ...(trigger.backfill ? { backfill: trigger.backfill } : {}),
      },
      deps,
    );
    deps.log.info('job started', {
      jobId: result.jobId,
      tenants: result.events.map((event) => event.tenantId),
    });
    return {
      jobId: result.jobId,
      jobStartedAt: result.jobStartedAt,
      tenants: result.events.map((event) => event.tenantId),
    };
  };
}
