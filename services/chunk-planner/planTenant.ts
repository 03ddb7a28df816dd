import type { CanonicalTableName } from '../../mappings/canonical';
import { errorCode, errorMessage, isRetryable, QuotaExhaustedError } from '../../shared/errors';
import { readPausedTable, type PausedChunk } from '../../shared/state/pausedChunks';
import {
  makeEvent,
  type AnyEvent,
  type KeyRange,
  type SyncWindow,
  type TenantDiscoveredEvent,
} from '../../shared/events/schemas';
import { chunkIdFor } from '../../shared/lake/keys';
import type { EventBus, StateStore } from '../../shared/ports';
import {
  DEFAULT_SWEEP_EVERY_HOURS,
  type SourceConnector,
  type SourceReader,
} from '../../shared/sources/connector';
import type { SourceReaderFor } from '../../shared/sources/readers';
import { readDeletesKnownTo, readWatermark } from '../../shared/state/watermarks';
import { planChunks } from './planChunks';

export interface PlannerSettings {
  /**
   * Seconds subtracted from the watermark on the next run, for clock skew between us and the source; never
   * less than the source's timestamp resolution.
   */
  overlapSeconds: number;
  /**
   * Target records per chunk. A chunk's last page is usually partial (key ranges hold roughly, not exactly,
   * the target), so a chunk costs about target ÷ 1,000 + ½ list requests: at 5,000 that was 1.1 requests per
   * 1,000 records, at 20,000 it is ~1.025. Still 50 chunks to share out for a million-record table, and a
   * chunk of 20 pages fits a fetcher invocation (it continues itself past its deadline anyway).
   */
  targetChunkRecords: number;
}

export const DEFAULT_PLANNER_SETTINGS: PlannerSettings = { overlapSeconds: 300, targetChunkRecords: 20_000 };

export interface PlannerDeps {
  readerFor: SourceReaderFor;
  state: StateStore;
  bus: EventBus;
  settings: PlannerSettings;
  /** Ms since epoch after which the invocation must have returned. */
  deadline?: () => number;
  /**
   * This delivery is the message's last before the DLQ: a retryable failure (a source that cannot be
   * reached) fails the table with its cause instead, so the job ends and says why, rather than leaving the
   * table "planning" with the reason only in a dead letter.
   */
  lastAttempt?: boolean;
}

/** A table's plan, remembered so a retried TenantDiscovered re-emits the same chunks (DESIGN §4.3). */
interface TablePlan {
  window: SyncWindow;
  expectedRecords: number;
  ranges: KeyRange[];
  /** A plan that resumes the paused chunks of an earlier job: their ids, ranges and continuations, and the job. */
  resumed?: { jobId: string; chunks: PausedChunk[] };
  /** The window of the plan's delete sweep chunk (its `deletions` range), when it has one. */
  sweepWindow?: SyncWindow;
  /** See TablePlanned.deletionsKnownTo. */
  deletionsKnownTo?: string;
}

type PlannedTable = { source: string; table: CanonicalTableName; expectedRecords: number; chunks: number };
type FailedTable = { source: string; table: CanonicalTableName; code: string; message: string };

export interface TenantPlanResult {
  planned: PlannedTable[];
  failed: FailedTable[];
}

/**
 * Plans every table of every source of a discovered tenant: the window of DESIGN §5, the connector's count
 * and key bounds in it, key-range chunks. Emits TablePlanned then ChunkPlanned ×N per table, or
 * TablePlanFailed on a permanent error (bad credentials fail that source's tables, never other sources or
 * tenants). Retryable errors are thrown so the queue redelivers the message; already planned tables replay
 * from their stored plan.
 */
export async function planTenant(event: TenantDiscoveredEvent, deps: PlannerDeps): Promise<TenantPlanResult> {
  const opened = new Map<string, ReturnType<SourceReaderFor>>();
  // Planning is a handful of short calls: waiting out a short Retry-After beats redelivering the whole message.
  const open = (source: string) => {
    let reader = opened.get(source);
    if (!reader) {
      reader = deps.readerFor(event.tenantId, source, {
        maxRateLimitWaitSeconds: 10,
        ...(deps.deadline ? { deadline: deps.deadline } : {}),
      });
      opened.set(source, reader);
    }
    return reader;
  };
  // Tables are planned at once: one after another, a tenant waited 3 round trips per table before its last
  // table's chunks could start (each source's request budget still bounds the calls in flight).
  const outcomes = await Promise.allSettled(
    event.data.sources.flatMap(({ source, tables }) =>
      tables.map((table) => planAndPublishTable(event, source, table, () => open(source), deps)),
    ),
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
  source: string,
  table: CanonicalTableName,
  open: () => ReturnType<SourceReaderFor>,
  deps: PlannerDeps,
): Promise<PlannedTable | FailedTable> {
  const { tenantId, jobId } = event;
  const head = { tenantId, jobId, occurredAt: new Date() };
  const events: AnyEvent[] = [];
  let outcome: PlannedTable | FailedTable;
  try {
    const planKey = { pk: `plan#${jobId}#${tenantId}`, sk: `${source}#${table}` };
    let plan = (await deps.state.get<TablePlan>(planKey.pk, planKey.sk))?.value;
    if (!plan) plan = await resumedPlan(tenantId, source, table, deps.state);
    if (!plan) {
      const { connector, settings, reader } = await open();
      const window = await windowFor(event, source, table, connector, settings.backfillFrom, deps);
      plan = await planTable(reader, connector, table, window, deps.settings.targetChunkRecords);
      plan = { ...plan, ...(await sweepFor(event, source, table, reader, connector, settings, deps)) };
      if (plan.sweepWindow) plan.ranges = [...plan.ranges, { kind: 'deletions' }];
    }
    await deps.state.putIfAbsent(planKey.pk, planKey.sk, plan);
    plan = (await deps.state.get<TablePlan>(planKey.pk, planKey.sk))!.value;
    const { window, expectedRecords, ranges, resumed, sweepWindow, deletionsKnownTo } = plan;
    events.push(
      makeEvent(
        'TablePlanned',
        head,
        {
          source,
          table,
          window,
          expectedRecords,
          chunkCount: ranges.length,
          ...(resumed ? { resumes: resumed.jobId } : {}),
          ...(deletionsKnownTo ? { deletionsKnownTo } : {}),
        },
        [source, table],
      ),
    );
    ranges.forEach((keyRange, index) => {
      const paused = resumed?.chunks[index];
      const chunkId = paused?.chunkId ?? chunkIdFor(index);
      events.push(
        makeEvent(
          'ChunkPlanned',
          head,
          {
            source,
            table,
            chunkId,
            window: paused?.window ?? (keyRange.kind === 'deletions' ? (sweepWindow ?? window) : window),
            keyRange,
            expectedRecords:
              paused?.expectedRecords ??
              (keyRange.kind === 'deletions' ? 0 : Math.ceil(expectedRecords / dataChunks(ranges))),
            // A resumed chunk continues after the last part its job wrote; the counts restart for this job.
            ...(paused
              ? {
                  continuation: {
                    cursor: paused.continuation.cursor,
                    partsWritten: 0,
                    recordsSoFar: 0,
                    apiCallsSoFar: 0,
                    retries: 0,
                    sequence: 1,
                  },
                }
              : {}),
          },
          [source, table, chunkId, 0],
        ),
      );
    });
    outcome = { source, table, expectedRecords, chunks: ranges.length };
  } catch (error) {
    if (isRetryable(error) && !deps.lastAttempt && !(error instanceof QuotaExhaustedError)) throw error;
    const failure = {
      code: errorCode(error),
      message:
        isRetryable(error) && !(error instanceof QuotaExhaustedError)
          ? `${errorMessage(error)} (still failing on the last delivery: the table is not synced in this job)`
          : errorMessage(error),
      retryable: isRetryable(error),
    };
    events.push(makeEvent('TablePlanFailed', head, { source, table, error: failure }, [source, table]));
    outcome = { source, table, code: failure.code, message: failure.message };
  }
  await deps.bus.publish(events);
  return outcome;
}

/**
 * The plan of a table whose chunks paused in an earlier job (a source's quota): those chunks, with that job's
 * window and where each stopped, instead of a new survey, so nothing fetched before the pause is fetched again.
 */
async function resumedPlan(
  tenantId: string,
  source: string,
  table: CanonicalTableName,
  state: StateStore,
): Promise<TablePlan | undefined> {
  const paused = await readPausedTable(state, { tenantId, source, table });
  if (!paused || paused.chunks.length === 0) return undefined;
  return {
    window: paused.window,
    expectedRecords: paused.chunks.reduce((sum, chunk) => sum + chunk.expectedRecords, 0),
    ranges: paused.chunks.map((chunk) => chunk.keyRange),
    resumed: { jobId: paused.jobId, chunks: paused.chunks },
  };
}

/** Chunks that read the table's records (the delete sweep's is not one). */
const dataChunks = (ranges: KeyRange[]) =>
  Math.max(1, ranges.filter((range) => range.kind !== 'deletions').length);

/**
 * Whether this job sweeps the table for deletes (DESIGN §11): only a source with a delete signal, only a table
 * synced before (its first sync cannot find anything of ours deleted, so it just starts the clock), and only when
 * the last sweep is `deletes.sweepEveryHours` old (0: every job) or the job asks for one (`--sweep-deletes`).
 * A sweep's window starts the overlap before the last sweep's end, like a change window.
 */
async function sweepFor(
  event: TenantDiscoveredEvent,
  source: string,
  table: CanonicalTableName,
  reader: SourceReader,
  connector: SourceConnector,
  settings: { deletes?: { sweepEveryHours: number } | undefined },
  deps: PlannerDeps,
): Promise<Pick<TablePlan, 'sweepWindow' | 'deletionsKnownTo'>> {
  if (!reader.fetchDeletions) return {};
  const to = event.data.jobStartedAt;
  const { tenantId } = event;
  const known = await readDeletesKnownTo(deps.state, tenantId, source, table);
  if (!known) {
    const synced = await readWatermark(deps.state, tenantId, source, table);
    // First sync: everything it fetches is live now. A table synced before sweeps existed is swept in full.
    if (!synced) return { deletionsKnownTo: to };
    return { sweepWindow: { from: null, to }, deletionsKnownTo: to };
  }
  const everyMs = (settings.deletes?.sweepEveryHours ?? DEFAULT_SWEEP_EVERY_HOURS) * 3_600_000;
  const due = event.data.sweepDeletes === true || Date.parse(to) - Date.parse(known.watermark) >= everyMs;
  if (!due) return {};
  const overlapMs = Math.max(connector.timestampResolutionMs, deps.settings.overlapSeconds * 1000);
  return {
    sweepWindow: { from: new Date(Date.parse(known.watermark) - overlapMs).toISOString(), to },
    deletionsKnownTo: to,
  };
}

async function windowFor(
  event: TenantDiscoveredEvent,
  source: string,
  table: CanonicalTableName,
  connector: SourceConnector,
  backfillFrom: string | null,
  deps: PlannerDeps,
): Promise<SyncWindow> {
  const to = event.data.jobStartedAt;
  // At least the source's timestamp resolution: a record changed in the job's first second after it was
  // fetched carries the watermark's own (whole-second) stamp and must fall in the next window.
  const overlapMs = Math.max(connector.timestampResolutionMs, deps.settings.overlapSeconds * 1000);
  const watermark = await readWatermark(deps.state, event.tenantId, source, table);
  if (watermark) return { from: new Date(Date.parse(watermark.watermark) - overlapMs).toISOString(), to };
  if (backfillFrom === null) return { from: null, to };
  // The window's lower bound is exclusive; a record stamped exactly at backfillFrom belongs to the backfill.
  return { from: new Date(Date.parse(backfillFrom) - connector.timestampResolutionMs).toISOString(), to };
}

async function planTable(
  reader: SourceReader,
  connector: SourceConnector,
  table: CanonicalTableName,
  window: SyncWindow,
  targetChunkRecords: number,
): Promise<TablePlan> {
  const { count, bounds } = await reader.survey(table, window);
  if (count === 0 || bounds === null) return { window, expectedRecords: 0, ranges: [] };
  return {
    window,
    expectedRecords: count,
    ranges: planChunks({ count, bounds, keyKind: connector.keyKind, targetRecords: targetChunkRecords }),
  };
}
