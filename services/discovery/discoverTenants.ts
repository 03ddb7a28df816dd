import { createHash } from 'node:crypto';
import { ValidationError } from '../../shared/errors';
import { makeEvent, type TenantDiscoveredEvent } from '../../shared/events/schemas';
import type { EventBus, TenantRegistry } from '../../shared/ports';

export interface DiscoveryRequest {
  /** When the job starts: the upper bound of every sync window of this job. */
  startedAt: Date;
  /** Something unique to the trigger (the schedule event id, a CLI nonce), so two triggers never share a job. */
  triggerId: string;
  /** Restrict the job to these tenants (manual trigger); default: every enabled tenant. */
  tenantIds?: readonly string[];
  /** Sweep every table for deletes in this job, whatever its `deletes.sweepEveryHours` says. */
  sweepDeletes?: boolean;
}

export interface DiscoveryResult {
  jobId: string;
  jobStartedAt: string;
  events: TenantDiscoveredEvent[];
}

/** `job-20261123T113200Z-1a2b3c`: sortable by start time, unique per trigger, stable if the trigger is retried. */
export function jobIdFor(startedAt: Date, triggerId: string): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const suffix = createHash('sha256').update(triggerId).digest('hex').slice(0, 6);
  return `job-${stamp}-${suffix}`;
}

/**
 * Starts a job: one TenantDiscovered per enabled tenant (naming every source it has configured, each with its
 * tables), all sharing one job id and start time. The start is truncated to whole seconds because the
 * sources compare their change stamps at second precision.
 */
export async function discoverTenants(
  request: DiscoveryRequest,
  deps: { registry: TenantRegistry; bus: EventBus },
): Promise<DiscoveryResult> {
  const startedAt = new Date(Math.floor(request.startedAt.getTime() / 1000) * 1000);
  const jobId = jobIdFor(startedAt, request.triggerId);
  const tenants = await deps.registry.listTenants();
  if (request.tenantIds) {
    const known = new Set(tenants.map((tenant) => tenant.id));
    const unknown = request.tenantIds.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new ValidationError(
        'Unknown tenants requested',
        unknown.map((id) => `tenant "${id}" is not registered`),
      );
  }
  const wanted = request.tenantIds ? new Set(request.tenantIds) : undefined;
  const events: TenantDiscoveredEvent[] = [];
  for (const tenant of tenants) {
    if (!tenant.enabled || (wanted && !wanted.has(tenant.id))) continue;
    const sources = Object.entries(tenant.services)
      .map(([source, settings]) => ({ source, tables: settings.tables }))
      .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
    if (sources.length === 0) continue;
    events.push(
      makeEvent(
        'TenantDiscovered',
        { tenantId: tenant.id, jobId, occurredAt: startedAt },
        {
          sources,
          jobStartedAt: startedAt.toISOString(),
          ...(request.sweepDeletes ? { sweepDeletes: true } : {}),
        },
        [],
      ),
    );
  }
  await deps.bus.publish(events);
  return { jobId, jobStartedAt: startedAt.toISOString(), events };
}
