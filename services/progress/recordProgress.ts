import type { CanonicalTableName } from '../../mappings/canonical';
import {
  makeEvent,
  type AnyEvent,
  type ChunkFailedEvent,
  type ChunkPausedEvent,
  type ChunkTransformedEvent,
  type TableCompactedEvent,
  type ChunkFetchedEvent,
  type TablePlanFailedEvent,
  type TablePlannedEvent,
  type TenantDiscoveredEvent,
} from '../../shared/events/schemas';
import type { Clock, EventBus, MetricPoint, StateStore } from '../../shared/ports';
import { QuotaExhaustedError } from '../../shared/errors';
import { rememberPausedChunks, settlePausedChunks } from '../../shared/state/pausedChunks';
import { concludeBackfillSlices } from '../../shared/state/backfills';
import { commitWatermark, readWatermark } from '../../shared/state/watermarks';
import {
  progressKeys as keys,
  type ChunkItem,
  type TableItem,
  type TableOutcome,
  type TenantInJob,
  type TenantJobOutcome,
  type TransformedItem,
  type CompactedItem,
  type PendingCompaction,
  finishedSlices,
} from './progressState';

/** A plan failure with this code is a pause (the source's quota), not a failure: the next job plans the table again. */
const QUOTA_CODE = new QuotaExhaustedError('', 0).code;

export type ProgressInput =
  | TenantDiscoveredEvent
  | TablePlannedEvent
  | TablePlanFailedEvent
  | ChunkFetchedEvent
  | ChunkFailedEvent
  | ChunkPausedEvent
  | ChunkTransformedEvent
  | TableCompactedEvent;

export interface ProgressDeps {
  state: StateStore;
  bus: EventBus;
  clock: Clock;
}

/**
 * Folds one pipeline event into the job's progress. Idempotent and order-independent (DESIGN §4.3, §4.4):
 * every fact is written once with putIfAbsent, every figure is derived from the set of facts, and the
 * conclusions (watermark commit, TableSynced/TableFailed, JobCompleted) are re-derived whenever a fact
 * arrives, with deterministic event ids. Metrics are returned only for facts written for the first time.
 */
export async function recordProgress(event: ProgressInput, deps: ProgressDeps): Promise<MetricPoint[]> {
  const { state } = deps;
  const { jobId, tenantId } = event;
  const partition = keys.tenantProgress(jobId, tenantId);
  const metrics: MetricPoint[] = [];
  const source = 'source' in event.data ? event.data.source : undefined;
  const dims = (table?: string) => ({
    tenant: tenantId,
    ...(source ? { source } : {}),
    ...(table ? { table } : {}),
  });

  switch (event.type) {
    case 'TenantDiscovered': {
      const item: TenantInJob = {
        tenantId,
        sources: event.data.sources,
        jobStartedAt: event.data.jobStartedAt,
      };
      await state.putIfAbsent(keys.jobTenants(jobId), keys.tenantInJob(tenantId), item);
      await state.putIfAbsent(keys.jobIndex.pk, keys.jobIndex.sk(event.data.jobStartedAt, jobId), {
        jobId,
        jobStartedAt: event.data.jobStartedAt,
      });
      break;
    }
    case 'TablePlanned': {
      const { source, table, chunkCount, expectedRecords, window, resumes, deletionsKnownTo, backfill } =
        event.data;
      const item: TableItem = {
        kind: 'planned',
        source,
        table,
        chunkCount,
        expectedRecords,
        window,
        ...(resumes ? { resumes } : {}),
        ...(deletionsKnownTo ? { deletionsKnownTo } : {}),
        ...(backfill ? { backfill } : {}),
      };
      if (await state.putIfAbsent(partition, keys.table(source, table), item)) {
        metrics.push({ name: 'ChunksPlanned', unit: 'Count', value: chunkCount, dimensions: dims(table) });
        if (backfill)
          metrics.push({
            name: 'BackfillSlicesPlanned',
            unit: 'Count',
            value: backfill.planned.length,
            dimensions: dims(table),
          });
      }
      await concludeTable(event, source, table, deps, metrics);
      break;
    }
    case 'TablePlanFailed': {
      const { source, table, error } = event.data;
      const item: TableItem = { kind: 'planFailed', source, table, error };
      if (await state.putIfAbsent(partition, keys.table(source, table), item)) {
        metrics.push({ name: 'Errors', unit: 'Count', value: 1, dimensions: dims(table) });
      }
      await concludeTable(event, source, table, deps, metrics);
      break;
    }
    case 'ChunkFetched': {
      const { source, table, chunkId, records, objectKeys, apiCalls, deletions, reconcile } = event.data;
      // An id reconcile's records are keys listed; what it deleted is known once it is transformed.
      const item: ChunkItem = {
        status: 'fetched',
        records: deletions || reconcile ? 0 : records,
        files: objectKeys.length,
        apiCalls,
        ...(deletions ? { deleted: records } : {}),
        ...(reconcile ? { keysListed: records } : {}),
      };
      if (await state.putIfAbsent(partition, keys.chunk(source, table, chunkId), item)) {
        metrics.push(
          deletions
            ? { name: 'RecordsDeleted', unit: 'Count', value: records, dimensions: dims(table) }
            : reconcile
              ? { name: 'KeysListed', unit: 'Count', value: records, dimensions: dims(table) }
              : { name: 'RecordsFetched', unit: 'Count', value: records, dimensions: dims(table) },
          { name: 'ChunksFetched', unit: 'Count', value: 1, dimensions: dims(table) },
          { name: 'ApiCalls', unit: 'Count', value: apiCalls, dimensions: dims(table) },
        );
      }
      await concludeTable(event, source, table, deps, metrics);
      break;
    }
    case 'ChunkTransformed': {
      const { source, table, chunkId, versions, quarantined, reconcile } = event.data;
      const item: TransformedItem = { versions, quarantined, ...(reconcile ? { reconcile } : {}) };
      if (await state.putIfAbsent(partition, keys.transformed(source, table, chunkId), item)) {
        metrics.push(
          { name: 'CanonicalVersions', unit: 'Count', value: versions, dimensions: dims(table) },
          { name: 'RecordsQuarantined', unit: 'Count', value: quarantined, dimensions: dims(table) },
          ...(reconcile
            ? [
                {
                  name: 'RecordsDeleted',
                  unit: 'Count' as const,
                  value: reconcile.deleted,
                  dimensions: dims(table),
                },
                ...(reconcile.untrusted
                  ? [
                      {
                        name: 'ReconcilesUntrusted',
                        unit: 'Count' as const,
                        value: 1,
                        dimensions: dims(table),
                      },
                    ]
                  : []),
              ]
            : []),
        );
      }
      await concludeTable(event, source, table, deps, metrics);
      break;
    }
    case 'TableCompacted': {
      const { source, table, rows, currentRows } = event.data;
      const item: CompactedItem = { rows, currentRows };
      await settlePendingCompaction(state, tenantId, source, table, jobId);
      if (await state.putIfAbsent(partition, keys.compacted(source, table), item)) {
        metrics.push({
          name: 'CanonicalCurrentRows',
          unit: 'Count',
          value: currentRows,
          dimensions: dims(table),
        });
      }
      break;
    }
    case 'ChunkPaused': {
      const { source, table, chunkId, recordsWritten, apiCalls, reason, objectKeys } = event.data;
      const { keyRange, expectedRecords, continuation, window } = event.data;
      const item: ChunkItem = {
        status: 'paused',
        records: recordsWritten,
        files: objectKeys.length,
        apiCalls,
        reason,
        resume: {
          chunkId,
          keyRange,
          expectedRecords,
          continuation,
          ...(keyRange.kind === 'deletions' ? { window } : {}),
        },
      };
      if (await state.putIfAbsent(partition, keys.chunk(source, table, chunkId), item)) {
        metrics.push(
          { name: 'ChunksPaused', unit: 'Count', value: 1, dimensions: dims(table) },
          { name: 'RecordsFetched', unit: 'Count', value: recordsWritten, dimensions: dims(table) },
          { name: 'ApiCalls', unit: 'Count', value: apiCalls, dimensions: dims(table) },
        );
      }
      await concludeTable(event, source, table, deps, metrics);
      break;
    }
    case 'ChunkFailed': {
      const { source, table, chunkId, recordsWritten, apiCalls, error } = event.data;
      const item: ChunkItem = { status: 'failed', records: recordsWritten, apiCalls, error };
      if (await state.putIfAbsent(partition, keys.chunk(source, table, chunkId), item)) {
        metrics.push(
          { name: 'Errors', unit: 'Count', value: 1, dimensions: dims(table) },
          { name: 'ApiCalls', unit: 'Count', value: apiCalls, dimensions: dims(table) },
        );
      }
      await concludeTable(event, source, table, deps, metrics);
      break;
    }
  }
  await concludeTenant(event, deps, metrics);
  return metrics;
}

/** When every chunk of a table is acknowledged: commit the watermark (only if all succeeded) and say so. */
async function concludeTable(
  event: AnyEvent,
  source: string,
  table: string,
  deps: ProgressDeps,
  metrics: MetricPoint[],
): Promise<void> {
  const { state, clock } = deps;
  const { jobId, tenantId } = event;
  const partition = keys.tenantProgress(jobId, tenantId);
  const tableItem = (await state.get<TableItem>(partition, keys.table(source, table)))?.value;
  if (!tableItem) return;
  let outcome: TableOutcome;
  const completedAt = clock.now().toISOString();
  if (tableItem.kind === 'planFailed' && tableItem.error.code === QUOTA_CODE) {
    // Nothing was planned: the next job plans the table from its watermark as if this job had not tried.
    outcome = {
      status: 'paused',
      source,
      table,
      records: 0,
      chunks: 0,
      pausedChunks: 0,
      reason: tableItem.error,
      completedAt,
    };
  } else if (tableItem.kind === 'planFailed') {
    outcome = {
      status: 'failed',
      source,
      table,
      records: 0,
      chunks: 0,
      failedChunks: 0,
      error: tableItem.error,
      completedAt,
    };
  } else {
    const chunks = await state.query<ChunkItem>(partition, keys.chunkPrefix(source, table));
    if (chunks.length < tableItem.chunkCount) return;
    const { backfill } = tableItem;
    if (backfill && !backfill.explicit) {
      // The slices this job finished join the backfill's set; the next job plans only those still missing.
      const byId = new Map(
        chunks.map((chunk) => [chunk.sk.slice(keys.chunkPrefix(source, table).length), chunk.value]),
      );
      await concludeBackfillSlices(state, { tenantId, source, table }, jobId, finishedSlices(backfill, byId));
    }
    const records = chunks.reduce((sum, chunk) => sum + chunk.value.records, 0);
    const failed = chunks.filter((chunk) => chunk.value.status === 'failed');
    const paused = chunks.flatMap((chunk) => (chunk.value.status === 'paused' ? [chunk.value] : []));
    if (failed.length === 0 && paused.length > 0) {
      const tenant = (await state.get<TenantInJob>(keys.jobTenants(jobId), keys.tenantInJob(tenantId)))
        ?.value;
      await rememberPausedChunks(
        state,
        { tenantId, source, table },
        {
          jobId,
          jobStartedAt: tenant?.jobStartedAt ?? tableItem.window.to,
          window: tableItem.window,
          chunks: paused.map((chunk) => chunk.resume).sort((a, b) => a.chunkId.localeCompare(b.chunkId)),
        },
      );
      outcome = {
        status: 'paused',
        source,
        table,
        records,
        chunks: chunks.length,
        pausedChunks: paused.length,
        reason: paused[0]!.reason,
        completedAt,
      };
    } else if (failed.length === 0 && backfill?.explicit) {
      // A re-fetch of a range (`avesa backfill`) says nothing about changes outside it: no mark moves.
      const current = await readWatermark(state, tenantId, source, table);
      outcome = {
        status: 'synced',
        source,
        table,
        records,
        chunks: chunks.length,
        watermark: current?.watermark ?? null,
        completedAt,
      };
    } else if (failed.length === 0) {
      if (tableItem.resumes) await settlePausedChunks(state, { tenantId, source, table }, tableItem.resumes);
      // An id reconcile's deletes are known only once it is transformed, and only if its listing was trusted.
      const reconciles = chunks.some(
        (chunk) => chunk.value.status === 'fetched' && chunk.value.keysListed !== undefined,
      );
      if (tableItem.deletionsKnownTo && !reconciles) {
        await commitWatermark(
          state,
          { tenantId, source, table },
          { watermark: tableItem.deletionsKnownTo, jobId, committedAt: completedAt },
          'deletes',
        );
      }
      // Every chunk is acknowledged: the window is complete, so its upper bound becomes the watermark. Its
      // records tell the next job's planner whether a probe will do (a resumed plan counts only the part of
      // its window this job fetched, so it says nothing and the next job surveys).
      const committed = await commitWatermark(
        state,
        { tenantId, source, table },
        {
          watermark: tableItem.window.to,
          jobId,
          committedAt: completedAt,
          ...(tableItem.resumes ? {} : { windowRecords: records }),
        },
      );
      outcome = {
        status: 'synced',
        source,
        table,
        records,
        chunks: chunks.length,
        watermark: committed.watermark,
        completedAt,
      };
    } else {
      const first = failed[0]!.value as Extract<ChunkItem, { status: 'failed' }>;
      outcome = {
        status: 'failed',
        source,
        table,
        records,
        chunks: chunks.length,
        failedChunks: failed.length,
        error: first.error,
        completedAt,
      };
    }
  }
  if (await state.putIfAbsent(partition, keys.tableOutcome(source, table), outcome)) {
    metrics.push({
      name: OUTCOME_METRIC[outcome.status],
      unit: 'Count',
      value: 1,
      dimensions: { tenant: tenantId, source, table },
    });
  }
  // Publish from the stored outcome every time: a crash between the write and the publish must not lose the event.
  const stored = (await state.get<TableOutcome>(partition, keys.tableOutcome(source, table)))!.value;
  if (stored.status === 'synced') await announceTransformed(event, source, table, stored.chunks, deps);
  const head = { tenantId, jobId, occurredAt: stored.completedAt };
  const typedTable = table as CanonicalTableName;
  await deps.bus.publish([
    stored.status === 'paused'
      ? makeEvent(
          'TablePaused',
          head,
          {
            source,
            table: typedTable,
            records: stored.records,
            pausedChunks: stored.pausedChunks,
            reason: stored.reason,
          },
          [source, table],
        )
      : stored.status === 'synced'
        ? makeEvent(
            'TableSynced',
            head,
            {
              source,
              table: typedTable,
              records: stored.records,
              chunks: stored.chunks,
              watermark: stored.watermark,
            },
            [source, table],
          )
        : makeEvent(
            'TableFailed',
            head,
            {
              source,
              table: typedTable,
              records: stored.records,
              failedChunks: stored.failedChunks,
              error: stored.error,
            },
            [source, table],
          ),
  ]);
}

/** When every chunk of a synced table is also transformed, its history can be compacted. */
async function announceTransformed(
  event: AnyEvent,
  source: string,
  table: string,
  chunks: number,
  deps: ProgressDeps,
): Promise<void> {
  const { jobId, tenantId } = event;
  const transformed = await deps.state.query<TransformedItem>(
    keys.tenantProgress(jobId, tenantId),
    keys.transformedPrefix(source, table),
  );
  if (transformed.length < chunks) return;
  const versions = transformed.reduce((sum, item) => sum + item.value.versions, 0);
  const reconciles = transformed.filter((item) => item.value.reconcile !== undefined);
  if (reconciles.length > 0 && reconciles.every((item) => item.value.reconcile!.untrusted === undefined)) {
    const planned = (
      await deps.state.get<TableItem>(keys.tenantProgress(jobId, tenantId), keys.table(source, table))
    )?.value;
    if (planned?.kind === 'planned' && planned.deletionsKnownTo)
      await commitWatermark(
        deps.state,
        { tenantId, source, table },
        { watermark: planned.deletionsKnownTo, jobId, committedAt: deps.clock.now().toISOString() },
        'deletes',
      );
  }
  const pendingKey = keys.pendingCompaction;
  const pending = await deps.state.get<PendingCompaction>(
    pendingKey.pk(tenantId),
    pendingKey.sk(source, table),
  );
  if (versions === 0 && !pending?.value.pending) {
    // Nothing changed (no chunk, or only empty ones: a probe of an unchanged window) and no earlier compaction
    // is owed: the history depends only on the set of versions, so it stays as it is and none is asked for.
    const unchanged: CompactedItem = { rows: null, currentRows: null };
    await deps.state.putIfAbsent(
      keys.tenantProgress(jobId, tenantId),
      keys.compacted(source, table),
      unchanged,
    );
    return;
  }
  await markCompactionPending(deps.state, tenantId, source, table, jobId);
  await deps.bus.publish([
    makeEvent(
      'TableTransformed',
      { tenantId, jobId, occurredAt: deps.clock.now() },
      { source, table: table as CanonicalTableName, versions },
      [source, table],
    ),
  ]);
}

/** A job asks for a compaction of the table: it is owed until that job's compaction lands. */
function markCompactionPending(
  state: StateStore,
  tenantId: string,
  source: string,
  table: string,
  jobId: string,
) {
  return updatePendingCompaction(state, tenantId, source, table, (current) =>
    current?.pending && current.jobId === jobId ? undefined : { pending: true, jobId },
  );
}

/** A compaction of `jobId` landed: nothing is owed any more, unless a later job has asked for one since. */
function settlePendingCompaction(
  state: StateStore,
  tenantId: string,
  source: string,
  table: string,
  jobId: string,
) {
  return updatePendingCompaction(state, tenantId, source, table, (current) =>
    current?.pending && current.jobId === jobId ? { pending: false, jobId } : undefined,
  );
}

/** Applies `next` (undefined: leave it) with a conditional write, re-reading when another writer won. */
async function updatePendingCompaction(
  state: StateStore,
  tenantId: string,
  source: string,
  table: string,
  next: (current: PendingCompaction | undefined) => PendingCompaction | undefined,
): Promise<void> {
  const { pk, sk } = keys.pendingCompaction;
  for (;;) {
    const current = await state.get<PendingCompaction>(pk(tenantId), sk(source, table));
    const value = next(current?.value);
    if (value === undefined) return;
    if (await state.putIfVersion(pk(tenantId), sk(source, table), value, current?.version ?? 0)) return;
  }
}

/**
 * When every table of the tenant's job has an outcome and every synced table's canonical history is
 * compacted: JobCompleted for that tenant.
 */
async function concludeTenant(event: AnyEvent, deps: ProgressDeps, metrics: MetricPoint[]): Promise<void> {
  const { state, clock } = deps;
  const { jobId, tenantId } = event;
  const tenant = (await state.get<TenantInJob>(keys.jobTenants(jobId), keys.tenantInJob(tenantId)))?.value;
  if (!tenant) return;
  const partition = keys.tenantProgress(jobId, tenantId);
  const outcomes = await state.query<TableOutcome>(partition, keys.tableOutcomePrefix);
  const expectedTables = tenant.sources.reduce((sum, entry) => sum + entry.tables.length, 0);
  if (outcomes.length < expectedTables) return;
  const compacted = await state.query<CompactedItem>(partition, 'compacted#');
  if (compacted.length < outcomes.filter((item) => item.value.status === 'synced').length) return;
  const synced = outcomes.filter((item) => item.value.status === 'synced').length;
  const paused = outcomes.filter((item) => item.value.status === 'paused').length;
  const completedAt = clock.now().toISOString();
  const outcome: TenantJobOutcome = {
    status:
      synced === outcomes.length ? 'succeeded' : synced + paused === outcomes.length ? 'paused' : 'failed',
    tablesSynced: synced,
    tablesPaused: paused,
    tablesFailed: outcomes.length - synced - paused,
    records: outcomes.reduce((sum, item) => sum + item.value.records, 0),
    completedAt,
  };
  if (await state.putIfAbsent(partition, keys.jobOutcome, outcome)) {
    const duration = Date.parse(completedAt) - Date.parse(tenant.jobStartedAt);
    metrics.push(
      { name: 'JobDuration', unit: 'Milliseconds', value: duration, dimensions: { tenant: tenantId } },
      {
        name: JOB_METRIC[outcome.status],
        unit: 'Count',
        value: 1,
        dimensions: { tenant: tenantId },
      },
    );
  }
  const stored = (await state.get<TenantJobOutcome>(partition, keys.jobOutcome))!.value;
  const { completedAt: occurredAt, ...data } = stored;
  await deps.bus.publish([
    makeEvent(
      'JobCompleted',
      { tenantId, jobId, occurredAt },
      { ...data, tablesPaused: data.tablesPaused ?? 0 },
      [],
    ),
  ]);
}

const OUTCOME_METRIC: Record<TableOutcome['status'], string> = {
  synced: 'TablesSynced',
  paused: 'TablesPaused',
  failed: 'TablesFailed',
};

const JOB_METRIC: Record<TenantJobOutcome['status'], string> = {
  succeeded: 'JobsSucceeded',
  paused: 'JobsPaused',
  failed: 'JobsFailed',
};
