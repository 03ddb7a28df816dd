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
  /** `avesa backfill`: re-fetch (from, to] of the tenants' tables (one source, one table when named). */
  backfill?: BackfillRequest;
}

export interface BackfillRequest {
  from: string;
  /** Default (and at most): the job's start. */
  to?: string;
  source?: string;
  table?: string;
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
  const backfill = request.backfill ? backfillRange(request.backfill, startedAt) : undefined;
  const events: TenantDiscoveredEvent[] = [];
  for (const tenant of tenants) {
    if (!tenant.enabled || (wanted && !wanted.has(tenant.id))) continue;
    let sources = Object.entries(tenant.services)
      .map(([source, settings]) => ({ source, tables: settings.tables }))
      .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
    if (request.backfill) sources = backfilledTables(tenant.id, sources, request.backfill);
    if (sources.length === 0) continue;
    events.push(
      makeEvent(
        'TenantDiscovered',
        { tenantId: tenant.id, jobId, occurredAt: startedAt },
        {
          sources,
          jobStartedAt: startedAt.toISOString(),
          ...(request.sweepDeletes ? { sweepDeletes: true } : {}),
          ...(backfill ? { backfill } : {}),
        },
        [],
      ),
    );
  }
  await deps.bus.publish(events);
  return { jobId, jobStartedAt: startedAt.toISOString(), events };
}

/** A backfill's (from, to]: ISO instants, `to` at most the job's start (nothing later can be in the window). */
function backfillRange(request: BackfillRequest, startedAt: Date): { from: string; to: string } {
  const problems: string[] = [];
  const from = Date.parse(request.from);
  const to = request.to === undefined ? startedAt.getTime() : Date.parse(request.to);
  if (Number.isNaN(from)) problems.push(`from "${request.from}" is not an ISO date-time`);
  if (Number.isNaN(to)) problems.push(`to "${request.to}" is not an ISO date-time`);
  const end = Math.min(to, startedAt.getTime());
  if (problems.length === 0 && from >= end)
    problems.push(
      `from ${new Date(from).toISOString()} must be before ${to >= startedAt.getTime() ? `now (${startedAt.toISOString()})` : `to ${new Date(to).toISOString()}`}`,
    );
  if (problems.length > 0) throw new ValidationError('Invalid backfill range', problems);
  return {
    from: new Date(from).toISOString(),
    to: new Date(Math.min(to, startedAt.getTime())).toISOString(),
  };
}

/** The tenant's sources and tables a backfill names; a source or table the tenant does not sync is an error. */
function backfilledTables(
  tenantId: string,
  sources: Array<{ source: string; tables: TenantDiscoveredEvent['data']['sources'][number]['tables'] }>,
  request: BackfillRequest,
) {
  const chosen = sources
    .filter((entry) => request.source === undefined || entry.source === request.source)
    .map((entry) => ({
      ...entry,
      tables: entry.tables.filter((table) => request.table === undefined || table === request.table),
    }))
    .filter((entry) => entry.tables.length > 0);
  if (chosen.length === 0) {
    const configured = sources.map((entry) => `${entry.source} (${entry.tables.join(', ')})`).join('; ');
    throw new ValidationError(`Nothing to backfill for tenant "${tenantId}"`, [
      `${request.source ? `source "${request.source}"` : 'any source'}${request.table ? `, table "${request.table}"` : ''} is not synced for it; it syncs ${configured || 'nothing'}`,
    ]);
  }
  return chosen;
}
