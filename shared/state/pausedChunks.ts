import type { Continuation, KeyRange, SyncWindow } from '../events/schemas';
import type { StateStore } from '../ports';

/**
 * Chunks that paused in a job (a source's daily quota: ChunkPaused) and wait for the next job, which resumes
 * them with their window and cursor instead of planning the table anew. Written by progress when the table's
 * job ends paused, read by the planner, emptied by progress once a job has finished them.
 */
export interface PausedChunk {
  chunkId: string;
  keyRange: KeyRange;
  expectedRecords: number;
  continuation: Continuation;
  /** The chunk's own window when it is not the table's (a delete sweep's). */
  window?: SyncWindow;
}

export interface PausedTable {
  jobId: string;
  jobStartedAt: string;
  /** The paused job's window: the resumed chunks keep it, so the watermark moves to its end once they are done. */
  window: SyncWindow;
  /** Empty once a job has resumed and finished them. */
  chunks: PausedChunk[];
}

export interface TableRef {
  tenantId: string;
  source: string;
  table: string;
}

const key = ({ tenantId, source, table }: TableRef) => ({
  pk: `paused#${tenantId}`,
  sk: `${source}#${table}`,
});

export async function readPausedTable(state: StateStore, ref: TableRef): Promise<PausedTable | undefined> {
  const { pk, sk } = key(ref);
  return (await state.get<PausedTable>(pk, sk))?.value;
}

/** Keeps a paused table's chunks for the next job, unless that job or a later one has written its own. */
export async function rememberPausedChunks(
  state: StateStore,
  ref: TableRef,
  paused: PausedTable,
): Promise<void> {
  const { pk, sk } = key(ref);
  for (;;) {
    const current = await state.get<PausedTable>(pk, sk);
    if (current && (current.value.jobId === paused.jobId || current.value.jobStartedAt > paused.jobStartedAt))
      return;
    if (await state.putIfVersion(pk, sk, paused, current?.version ?? 0)) return;
  }
}

/** The chunks `jobId` paused are done: the next job plans the table from its watermark again. */
export async function settlePausedChunks(state: StateStore, ref: TableRef, jobId: string): Promise<void> {
  const { pk, sk } = key(ref);
  for (;;) {
    const current = await state.get<PausedTable>(pk, sk);
    if (!current || current.value.jobId !== jobId || current.value.chunks.length === 0) return;
    if (await state.putIfVersion(pk, sk, { ...current.value, chunks: [] }, current.version)) return;
  }
}
