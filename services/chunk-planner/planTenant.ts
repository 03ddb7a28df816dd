import { windowCondition } from '../../sources/connectwise/conditions';
import type { ConnectWiseReader } from '../../sources/connectwise/client';
import type { ConnectWiseClientFor } from '../../sources/connectwise/clientFactory';
import type { ConnectWiseTable } from '../../sources/connectwise/endpoints';
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
  let client: Promise<ConnectWiseReader> | undefined;
  // Planning is a handful of short calls: waiting out a short Retry-After beats redelivering the whole message.
  const clientFor = () =>
    (client ??= deps.clientFor(event.tenantId, {
      maxRateLimitWaitSeconds: 10,
      ...(deps.deadline ? { deadline: deps.deadline } : {}),
    }));
  // Tables are planned at once: one after another, a tenant waited 3 round trips per table before its last
  // table's chunks could start (the tenant's request budget still bounds the calls in flight).
  const outcomes = await Promise.allSettled(
    event.data.tables.map((table) => planAndPublishTable(event, table, clientFor, deps)),
  );
  const result: TenantPlanResult = { planned: [], failed: [] };
  for (const outcome of outcomes) {
    // A retryable error redelivers the message; the tables planned meanwhile replay from their stored plan.
    if (outcome.status === 'rejected') throw outcome.reason;
    if ('chunks' in outcome.value) result.planned.push(outcome.value);
    else result.failed.push(outcome.value);
  }
  return result;
}

async function planAndPublishTable(
  event: TenantDiscoveredEvent,
  table: ConnectWiseTable,
  clientFor: () => Promise<ConnectWiseReader>,
  deps: PlannerDeps,
): Promise<TenantPlanResult['planned'][number] | TenantPlanResult['failed'][number]> {
  const { tenantId, jobId } = event;
  const service = event.data.service;
  const head = { tenantId, jobId, occurredAt: new Date() };
  const events: AnyEvent[] = [];
  let outcome: TenantPlanResult['planned'][number] | TenantPlanResult['failed'][number];
  try {
    const planKey = { pk: `plan#${jobId}#${tenantId}`, sk: `${service}#${table}` };
    let plan = (await deps.state.get<TablePlan>(planKey.pk, planKey.sk))?.value;
    if (!plan) {
      const window = await windowFor(event, table, deps);
      plan = await planTable(await clientFor(), table, window, deps.settings.targetChunkRecords);
      await deps.state.putIfAbsent(planKey.pk, planKey.sk, plan);
      plan = (await deps.state.get<TablePlan>(planKey.pk, planKey.sk))!.value;
    }
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
    outcome = { table, expectedRecords, chunks: ranges.length };
  } catch (error) {
    if (isRetryable(error)) throw error;
    const failure = { code: errorCode(error), message: errorMessage(error), retryable: false };
    events.push(makeEvent('TablePlanFailed', head, { service, table, error: failure }, [table]));
    outcome = { table, code: failure.code, message: failure.message };
  }
  await deps.bus.publish(events);
  return outcome;
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
  const [[first], [last]] = await Promise.all([
    client.listPage(table, { conditions, orderBy: 'id asc', pageSize: 1, fields: 'id' }),
    client.listPage(table, { conditions, orderBy: 'id desc', pageSize: 1, fields: 'id' }),
  ]);
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
