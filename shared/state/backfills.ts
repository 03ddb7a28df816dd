import type { SyncWindow } from '../events/schemas';
import type { StateStore } from '../ports';

/**
 * A table's first-sync backfill (DESIGN §11), shared by the planner (which starts it, and plans the slices an
 * earlier job left unfinished) and progress (which records the slices each job finished). While one exists the
 * table's incremental windows start at `startedAt`, the backfill's own end, so changes made during a week-long
 * backfill arrive on the hourly schedule.
 */
export interface TableBackfill {
  /** The job fetching its slices now (the one that started it, or the one that took over its missing slices). */
  jobId: string;
  /** The end of the backfilled range: the start of the job that began it. */
  startedAt: string;
  /** The slices' windows, oldest first. */
  slices: SyncWindow[];
  /** Indexes of the slices whose every chunk was fetched. */
  finished: number[];
  /** `incomplete`: its job ended with slices missing, which the next job plans again. */
  status: 'running' | 'complete' | 'incomplete';
}

const pk = (tenantId: string) => `backfill#${tenantId}`;
const sk = (source: string, table: string) => `${source}#${table}`;

type TableKey = { tenantId: string; source: string; table: string };

export async function readBackfill(state: StateStore, key: TableKey) {
  return state.get<TableBackfill>(pk(key.tenantId), sk(key.source, key.table));
}

/** Records a new backfill; false when one exists already (a redelivered planning of the same job). */
export async function startBackfill(state: StateStore, key: TableKey, backfill: TableBackfill) {
  return state.putIfAbsent(pk(key.tenantId), sk(key.source, key.table), backfill);
}

/** Hands an incomplete backfill's missing slices to `jobId`; false when another job took them first. */
export async function takeOverBackfill(
  state: StateStore,
  key: TableKey,
  current: { value: TableBackfill; version: number },
  jobId: string,
): Promise<boolean> {
  if (current.value.jobId === jobId) return true;
  return state.putIfVersion(
    pk(key.tenantId),
    sk(key.source, key.table),
    { ...current.value, jobId, status: 'running' },
    current.version,
  );
}

/**
 * Adds the slices a job finished; the backfill is complete when every slice is. Only the job working on it
 * concludes it, and a repeated conclusion (a redelivered event) writes the same thing again.
 */
export async function concludeBackfillSlices(
  state: StateStore,
  key: TableKey,
  jobId: string,
  finished: number[],
): Promise<TableBackfill | undefined> {
  for (;;) {
    const current = await readBackfill(state, key);
    if (!current || current.value.jobId !== jobId) return current?.value;
    const done = [...new Set([...current.value.finished, ...finished])].sort((a, b) => a - b);
    const next: TableBackfill = {
      ...current.value,
      finished: done,
      status: done.length === current.value.slices.length ? 'complete' : 'incomplete',
    };
    if (next.status === current.value.status && done.length === current.value.finished.length) return next;
    if (await state.putIfVersion(pk(key.tenantId), sk(key.source, key.table), next, current.version))
      return next;
  }
}
