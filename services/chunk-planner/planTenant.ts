import { windowCondition } from '../../shared/connectwise/conditions';
import type { ConnectWiseReader } from '../../shared/connectwise/client';
import type { ConnectWiseClientFor } from '../../shared/connectwise/clientFactory';
import type { ConnectWiseTable } from '../../shared/connectwise/endpoints';
import { errorCode, errorMessage, isRetryable } from '../../shared/errors';
import {
  makeEvent,
  type AnyEvent,
  type SyncWindow,
  type TenantDiscoveredEvent,
} from '../../shared/events/schemas';
import { chunkIdFor } from '../../shared/lake/keys';
import type { EventBus, StateStore } from '../../shared/ports';
import { readWatermark } from '../../shared/state/watermarks';
import { planChunks, type IdRange } from './planChunks';

export interface PlannerSettings {
  /** Seconds subtracted from the watermark on the next run, for clock skew between us and the source (min 1). */
  overlapSeconds: number;
  /**
   * Target records per chunk. A chunk's last page is usually partial (id ranges hold roughly, not exactly,
   * the target), so a chunk costs about target ÷ 1,000 + ½ list requests: at 5,000 that was 1.1 requests per
   * 1,000 records, at 20,000 it is ~1.025. Still 50 chunks to share out for a million-record table, and a
   * chunk of 20 pages fits a fetcher invocation (it continues itself past its deadline anyway).
   */
  targetChunkRecords: number;
}

export const DEFAULT_PLANNER_SETTINGS: PlannerSettings = { overlapSeconds: 300, targetChunkRecords: 20_000 };

export interface PlannerDeps {
  clientFor: ConnectWiseClientFor;
  state: StateStore;
  bus: EventBus;
  settings: PlannerSettings;
  /** Ms since epoch after which the invocation must have returned. */
  deadline?: () => number;
}

/** A table's plan, remembered so a retried TenantDiscovered re-emits the same chunks (DESIGN §4.3). */
interface TablePlan {
  window: SyncWindow;
  expectedRecords: number;
  ranges: IdRange[];
}

export interface TenantPlanResult {
  planned: Array<{ table: ConnectWiseTable; expectedRecords: number; chunks: number }>;
  failed: Array<{ table: ConnectWiseTable; code: string; message: string }>;
}

/**
 * Plans every table of a discovered tenant: the window of DESIGN §5, `/count` and id bounds in it,
 * keyset id-range chunks. Emits TablePlanned then ChunkPlanned ×N per table, or TablePlanFailed on a
 * permanent error (bad credentials fail the tenant's tables, never other tenants). Retryable errors are
 * thrown so the queue redelivers the message; already planned tables replay from their stored plan.
 */
export async function planTenant(event: TenantDiscoveredEvent, deps: PlannerDeps): Promise<TenantPlanResult> {
  const { tenantId, jobId } = event;
  const result: TenantPlanResult = { planned: [], failed: [] };
  let client: ConnectWiseReader | undefined;
  for (const table of event.data.tables) {
    const events: AnyEvent[] = [];
    const head = { tenantId, jobId, occurredAt: new Date() };
    try {
      const planKey = { pk: `plan#${jobId}#${tenantId}`, sk: `${event.data.service}#${table}` };
      let plan = (await deps.state.get<TablePlan>(planKey.pk, planKey.sk))?.value;
      if (!plan) {
        // Planning is a handful of short calls: waiting out a short Retry-After beats redelivering the whole message.
        client ??= await deps.clientFor(tenantId, {
          maxRateLimitWaitSeconds: 10,
          ...(deps.deadline ? { deadline: deps.deadline } : {}),
        });
        const window = await windowFor(event, table, deps);
        plan = await planTable(client, table, window, deps.settings.targetChunkRecords);
        await deps.state.putIfAbsent(planKey.pk, planKey.sk, plan);
        plan = (await deps.state.get<TablePlan>(planKey.pk, planKey.sk))!.value;
      }
      const service = event.data.service;
      const { window, expectedRecords, ranges } = plan;
      events.push(
        makeEvent(
          'TablePlanned',
          head,
          { service, table, window, expectedRecords, chunkCount: ranges.length },
          [service, table],
        ),
      );
      ranges.forEach((idRange, index) => {
        const chunkId = chunkIdFor(index);
        events.push(
          makeEvent(
            'ChunkPlanned',
            head,
            {
              service,
              table,
              chunkId,
              window,
              idRange,
              expectedRecords: Math.ceil(expectedRecords / ranges.length),
            },
            [service, table, chunkId, 0],
          ),
        );
      });
      result.planned.push({ table, expectedRecords, chunks: ranges.length });
    } catch (error) {
      if (isRetryable(error)) throw error;
      const failure = { code: errorCode(error), message: errorMessage(error), retryable: false };
      events.push(
        makeEvent('TablePlanFailed', head, { service: event.data.service, table, error: failure }, [table]),
      );
      result.failed.push({ table, code: failure.code, message: failure.message });
    }
    await deps.bus.publish(events);
  }
  return result;
}

async function windowFor(
  event: TenantDiscoveredEvent,
  table: ConnectWiseTable,
  deps: PlannerDeps,
): Promise<SyncWindow> {
  const watermark = await readWatermark(deps.state, event.tenantId, event.data.service, table);
  if (!watermark) return { from: null, to: event.data.jobStartedAt };
  // At least one second: ConnectWise stamps lastUpdated in whole seconds, so a record changed in the job's
  // first second after it was fetched carries the watermark's own second and must fall in the next window.
  const overlapSeconds = Math.max(1, deps.settings.overlapSeconds);
  const from = new Date(Date.parse(watermark.watermark) - overlapSeconds * 1000).toISOString();
  return { from, to: event.data.jobStartedAt };
}

async function planTable(
  client: ConnectWiseReader,
  table: ConnectWiseTable,
  window: SyncWindow,
  targetChunkRecords: number,
): Promise<TablePlan> {
  const conditions = windowCondition(window);
  const count = await client.count(table, conditions);
  if (count === 0) return { window, expectedRecords: 0, ranges: [] };
  const [first] = await client.listPage(table, { conditions, orderBy: 'id asc', pageSize: 1, fields: 'id' });
  const [last] = await client.listPage(table, { conditions, orderBy: 'id desc', pageSize: 1, fields: 'id' });
  if (!first || !last) {
    // The window emptied between /count and the bounds: the records were deleted, nothing is left to fetch.
    return { window, expectedRecords: 0, ranges: [] };
  }
  return {
    window,
    expectedRecords: count,
    ranges: planChunks({ count, minId: first.id, maxId: last.id, targetRecords: targetChunkRecords }),
  };
}
