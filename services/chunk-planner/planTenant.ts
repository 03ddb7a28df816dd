import type { CanonicalTableName } from '../../mappings/canonical';
import { errorCode, errorMessage, isRetryable, QuotaExhaustedError } from '../../shared/errors';
import { readPausedTable, type PausedChunk } from '../../shared/state/pausedChunks';
import {
  makeEvent,
  type AnyEvent,
  type BackfillPlan,
  type KeyRange,
  type SyncWindow,
  type TenantDiscoveredEvent,
} from '../../shared/events/schemas';
import { chunkIdFor } from '../../shared/lake/keys';
import type { EventBus, StateStore } from '../../shared/ports';
import {
  DEFAULT_BACKFILL_SLICE_DAYS,
  DEFAULT_SWEEP_EVERY_HOURS,
  type SourceConnector,
  type SourceReader,
  type SourceSettings,
} from '../../shared/sources/connector';
import type { SourceReaderFor } from '../../shared/sources/readers';
import {
  readBackfill,
  startBackfill,
  takeOverBackfill,
  type TableBackfill,
} from '../../shared/state/backfills';
import { readDeletesKnownTo, readWatermark, type Watermark } from '../../shared/state/watermarks';
import { backfillStart, planSlices, sliceWindows } from './planBackfill';
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
  /**
   * A first sync of more records than this is a backfill (DESIGN §11): slices of change time on the backfill
   * lane. Smaller ones are planned like any window: slicing them would cost a survey per slice and buy nothing,
   * since a few chunks never hold back anyone's hourly sync.
   */
  backfillMinRecords: number;
}

export const DEFAULT_PLANNER_SETTINGS: PlannerSettings = {
  overlapSeconds: 300,
  targetChunkRecords: 20_000,
  backfillMinRecords: 50_000,
};

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
  /** The survey's count; for a probe plan (no survey), the last window's records, as an estimate. */
  expectedRecords: number;
  ranges: KeyRange[];
  /** A plan that resumes the paused chunks of an earlier job: their ids, ranges and continuations, and the job. */
  resumed?: { jobId: string; chunks: PausedChunk[] };
  /** The window of the plan's delete sweep chunk (its last range), when it has one. */
  sweepWindow?: SyncWindow;
  /** The sweep's range: the source's delete signal, or an id reconcile. */
  sweep?: { kind: 'deletions' } | { kind: 'reconcile' };
  /** See TablePlanned.deletionsKnownTo. */
  deletionsKnownTo?: string;
  /** The plan's backfill slices (their chunks go to the backfill lane); see TablePlanned.backfill. */
  backfill?: BackfillPlan;
  /** Per range, its expected records, when the ranges are not an even split of `expectedRecords`. */
  rangeRecords?: Array<number | null>;
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
    // An explicit backfill re-fetches its range only: paused chunks wait for the next scheduled job.
    if (!plan && !event.data.backfill) plan = await resumedPlan(tenantId, source, table, deps.state);
    if (!plan) {
      const { connector, settings, reader } = await open();
      plan = event.data.backfill
        ? await explicitBackfillPlan(event.data.backfill, table, reader, connector, settings, deps)
        : await scheduledPlan(event, source, table, reader, connector, settings, deps);
    }
    await deps.state.putIfAbsent(planKey.pk, planKey.sk, plan);
    plan = (await deps.state.get<TablePlan>(planKey.pk, planKey.sk))!.value;
    const { window, expectedRecords, ranges, resumed, sweepWindow, deletionsKnownTo, backfill } = plan;
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
          ...(backfill ? { backfill } : {}),
        },
        [source, table],
      ),
    );
    ranges.forEach((keyRange, index) => {
      const paused = resumed?.chunks[index];
      const chunkId = paused?.chunkId ?? chunkIdFor(index);
      // A backfill slice's chunk goes to the backfill lane, with its slice's window.
      const slice = backfill?.chunkSlices[index] ?? null;
      events.push(
        makeEvent(
          slice === null ? 'ChunkPlanned' : 'BackfillChunkPlanned',
          head,
          {
            source,
            table,
            chunkId,
            window:
              paused?.window ??
              (slice !== null
                ? backfill!.slices[slice]!
                : keyRange.kind === 'deletions' || keyRange.kind === 'reconcile'
                  ? (sweepWindow ?? window)
                  : window),
            keyRange,
            expectedRecords:
              paused?.expectedRecords ??
              plan.rangeRecords?.[index] ??
              (keyRange.kind === 'deletions' || keyRange.kind === 'reconcile'
                ? 0
                : Math.ceil(expectedRecords / dataChunks(ranges))),
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
  Math.max(1, ranges.filter((range) => range.kind !== 'deletions' && range.kind !== 'reconcile').length);

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
  marks: { watermark: Watermark | undefined; backfill: TableBackfill | undefined },
  deps: PlannerDeps,
): Promise<Pick<TablePlan, 'sweep' | 'sweepWindow' | 'deletionsKnownTo'>> {
  const canReconcile = reader.listKeys !== undefined && reader.countKeys !== undefined;
  if (!reader.fetchDeletions && !canReconcile) return {};
  const to = event.data.jobStartedAt;
  const { tenantId } = event;
  const known = await readDeletesKnownTo(deps.state, tenantId, source, table);
  // A delete signal that reaches back past the last sweep finds every deletion since; otherwise (no signal, or
  // one that keeps too few days) every key is listed and compared with the lake.
  const signalReaches = (since: string | null) =>
    reader.fetchDeletions !== undefined &&
    since !== null &&
    (connector.deletionsRetentionDays === undefined ||
      Date.parse(to) - Date.parse(since) < connector.deletionsRetentionDays * 86_400_000);
  const sweepFrom = (since: string | null) =>
    signalReaches(since)
      ? { sweep: { kind: 'deletions' } as const, sweepWindow: { from: before(since!, connector, deps), to } }
      : canReconcile
        ? { sweep: { kind: 'reconcile' } as const, sweepWindow: { from: null, to } }
        : { sweep: { kind: 'deletions' } as const, sweepWindow: { from: null, to } };
  if (!known) {
    // First sync: everything it fetches is live now. While another job's backfill is still fetching, its
    // records are not all in yet: the clock starts when that job concludes (with the backfill's start).
    if (marks.backfill && marks.backfill.jobId !== event.jobId) return {};
    // A table synced before sweeps existed is swept in full.
    if (!marks.watermark) return { deletionsKnownTo: to };
    return { ...sweepFrom(null), deletionsKnownTo: to };
  }
  const everyMs = (settings.deletes?.sweepEveryHours ?? DEFAULT_SWEEP_EVERY_HOURS) * 3_600_000;
  const due = event.data.sweepDeletes === true || Date.parse(to) - Date.parse(known.watermark) >= everyMs;
  if (!due) return {};
  return { ...sweepFrom(known.watermark), deletionsKnownTo: to };
}

/**
 * The instant a window starts from, `mark` less the overlap: at least the source's timestamp resolution, since
 * a record changed in the job's first second after it was fetched carries the mark's own (whole-second) stamp
 * and must fall in the next window.
 */
function before(mark: string, connector: SourceConnector, deps: PlannerDeps): string {
  const overlapMs = Math.max(connector.timestampResolutionMs, deps.settings.overlapSeconds * 1000);
  return new Date(Date.parse(mark) - overlapMs).toISOString();
}

/** A table's first-sync window: from `backfillFrom` (inclusive) or everything, to the job's start. */
function firstSyncWindow(to: string, backfillFrom: string | null, connector: SourceConnector): SyncWindow {
  if (backfillFrom === null) return { from: null, to };
  // The window's lower bound is exclusive; a record stamped exactly at backfillFrom belongs to the backfill.
  return { from: new Date(Date.parse(backfillFrom) - connector.timestampResolutionMs).toISOString(), to };
}

/**
 * A scheduled job's plan of a table (DESIGN §5, §11): the change window from the watermark, or, while another
 * job's backfill of the table runs, from that backfill's start. A first sync larger than a chunk is a backfill:
 * slices of change time on the backfill lane. A backfill an earlier job left with slices missing has them
 * planned again here, beside the incremental window. Then the delete sweep, when one is due.
 */
async function scheduledPlan(
  event: TenantDiscoveredEvent,
  source: string,
  table: CanonicalTableName,
  reader: SourceReader,
  connector: SourceConnector,
  settings: SourceSettings,
  deps: PlannerDeps,
): Promise<TablePlan> {
  const key = { tenantId: event.tenantId, source, table };
  const to = event.data.jobStartedAt;
  const target = deps.settings.targetChunkRecords;
  const sliceDays = settings.backfillSliceDays ?? DEFAULT_BACKFILL_SLICE_DAYS;
  const watermark = await readWatermark(deps.state, event.tenantId, source, table);
  const stored = await readBackfill(deps.state, key);
  // This job began the backfill (its planning is redelivered): the same slices again.
  const begunHere = stored?.value.startedAt === to && stored.value.jobId === event.jobId;
  let plan: TablePlan;
  if (begunHere) {
    const slices = stored.value.slices;
    plan = slicedPlan(
      { from: slices[0]!.from, to },
      slices,
      await planSlices(
        reader,
        connector,
        table,
        slices,
        slices.map((_, index) => index),
        target,
      ),
    );
  } else {
    const window = watermark
      ? { from: before(watermark.watermark, connector, deps), to }
      : stored
        ? { from: before(stored.value.startedAt, connector, deps), to }
        : firstSyncWindow(to, settings.backfillFrom, connector);
    const lastWindowRecords =
      watermark && (!stored || stored.value.status === 'complete') ? watermark.windowRecords : undefined;
    plan =
      lastWindowRecords !== undefined && lastWindowRecords <= target
        ? probePlan(window, lastWindowRecords)
        : await planTable(reader, connector, table, window, target);
    if (!watermark && !stored && plan.expectedRecords > deps.settings.backfillMinRecords) {
      const start = await backfillStart(reader, table, window, settings.backfillFrom);
      const slices = sliceWindows(window, start, sliceDays);
      const indexes = slices.map((_, index) => index);
      const begun = await startBackfill(deps.state, key, {
        jobId: event.jobId,
        startedAt: to,
        slices,
        finished: [],
        status: 'running',
      });
      if (begun) {
        plan = slicedPlan(
          window,
          slices,
          await planSlices(reader, connector, table, slices, indexes, target),
        );
      } else {
        // Another job (planned at the same time) began the table's backfill: this one syncs from its start.
        const winner = (await readBackfill(deps.state, key))!.value;
        plan = await planTable(
          reader,
          connector,
          table,
          { from: before(winner.startedAt, connector, deps), to },
          target,
        );
      }
    } else if (
      stored &&
      (stored.value.status === 'incomplete' ||
        (stored.value.status === 'running' && stored.value.jobId === event.jobId)) &&
      (await takeOverBackfill(deps.state, key, stored, event.jobId))
    ) {
      const missing = stored.value.slices.flatMap((_, index) =>
        stored.value.finished.includes(index) ? [] : [index],
      );
      const sliced = await planSlices(reader, connector, table, stored.value.slices, missing, target);
      const evenShare = Math.ceil(plan.expectedRecords / Math.max(1, plan.ranges.length));
      plan = {
        window,
        expectedRecords: plan.expectedRecords + sliced.expectedRecords,
        ranges: [...plan.ranges, ...sliced.ranges],
        rangeRecords: [...plan.ranges.map(() => evenShare), ...sliced.rangeRecords],
        backfill: {
          slices: stored.value.slices,
          planned: missing,
          chunkSlices: [...plan.ranges.map(() => null), ...sliced.chunkSlices],
        },
      };
    }
  }
  const sweep = await sweepFor(
    event,
    source,
    table,
    reader,
    connector,
    settings,
    { watermark, backfill: stored?.value },
    deps,
  );
  plan = { ...plan, ...sweep };
  if (plan.sweepWindow) {
    plan.ranges = [...plan.ranges, plan.sweep ?? { kind: 'deletions' }];
    if (plan.rangeRecords) plan.rangeRecords = [...plan.rangeRecords, 0];
    if (plan.backfill)
      plan.backfill = { ...plan.backfill, chunkSlices: [...plan.backfill.chunkSlices, null] };
  }
  return plan;
}

/** A plan made only of backfill slices (every slice of `slices` is planned). */
function slicedPlan(
  window: SyncWindow,
  slices: SyncWindow[],
  sliced: Awaited<ReturnType<typeof planSlices>>,
): TablePlan {
  return {
    window,
    expectedRecords: sliced.expectedRecords,
    ranges: sliced.ranges,
    rangeRecords: sliced.rangeRecords,
    backfill: { slices, planned: slices.map((_, index) => index), chunkSlices: sliced.chunkSlices },
  };
}

/**
 * `avesa backfill` (DESIGN §11): the changes in (from, to] again, in slices on the backfill lane, whatever the
 * table's size. It moves no watermark and sweeps nothing; its versions are ones the history has or lacks, so a
 * second run adds nothing.
 */
async function explicitBackfillPlan(
  range: { from: string; to: string },
  table: CanonicalTableName,
  reader: SourceReader,
  connector: SourceConnector,
  settings: SourceSettings,
  deps: PlannerDeps,
): Promise<TablePlan> {
  const window = firstSyncWindow(range.to, range.from, connector);
  const slices = sliceWindows(window, range.from, settings.backfillSliceDays ?? DEFAULT_BACKFILL_SLICE_DAYS);
  const sliced = await planSlices(
    reader,
    connector,
    table,
    slices,
    slices.map((_, index) => index),
    deps.settings.targetChunkRecords,
  );
  const plan = slicedPlan(window, slices, sliced);
  return { ...plan, backfill: { ...plan.backfill!, explicit: true } };
}

/**
 * The plan of a table whose last synced window held at most a chunk's records (`Watermark.windowRecords`): no
 * survey, one chunk over the whole window, which the fetcher pages like any other. A window without a change
 * then costs its one empty page, and one smaller than a page that page alone, where the count and then the page
 * cost two; an unchanged table is not compacted either (it has no versions). A survey of such a window would
 * have planned one chunk anyway, so nothing is lost in the usual case. The trade-off: a mass update after a
 * quiet spell (or a long pause between jobs) is paged sequentially by this one chunk instead of being split
 * across fetchers, for that one job: its watermark records a large window, and the next job surveys again.
 */
function probePlan(window: SyncWindow, lastWindowRecords: number): TablePlan {
  return { window, expectedRecords: lastWindowRecords, ranges: [{ kind: 'all' }] };
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
