import type { BackfillPlan, Failure, SyncWindow } from '../../shared/events/schemas';
import { chunkIdFor } from '../../shared/lake/keys';
import type { PausedChunk } from '../../shared/state/pausedChunks';

/** Progress's own state items. Keys carry job and tenant so reads never cross tenants. */
export const progressKeys = {
  jobIndex: { pk: 'jobs', sk: (jobStartedAt: string, jobId: string) => `${jobStartedAt}#${jobId}` },
  jobTenants: (jobId: string) => `job#${jobId}`,
  tenantInJob: (tenantId: string) => `tenant#${tenantId}`,
  tenantProgress: (jobId: string, tenantId: string) => `progress#${jobId}#${tenantId}`,
  table: (source: string, table: string) => `table#${source}#${table}`,
  chunkPrefix: (source: string, table: string) => `chunk#${source}#${table}#`,
  chunk: (source: string, table: string, chunkId: string) => `chunk#${source}#${table}#${chunkId}`,
  transformedPrefix: (source: string, table: string) => `transformed#${source}#${table}#`,
  transformed: (source: string, table: string, chunkId: string) =>
    `transformed#${source}#${table}#${chunkId}`,
  compacted: (source: string, table: string) => `compacted#${source}#${table}`,
  tableOutcome: (source: string, table: string) => `outcome#${source}#${table}`,
  tableOutcomePrefix: 'outcome#',
  jobOutcome: 'job-outcome',
  /**
   * Across jobs, per tenant: the (source, table) histories whose latest compaction is still owed. An unchanged
   * table skips its compaction only when none is, so a compaction that died in an earlier job is made up.
   */
  pendingCompaction: {
    pk: (tenantId: string) => `compaction#${tenantId}`,
    sk: (source: string, table: string) => `${source}#${table}`,
  },
};

export interface PendingCompaction {
  pending: boolean;
  /** The job whose compaction was asked for last. */
  jobId: string;
}

export interface JobIndexItem {
  jobId: string;
  jobStartedAt: string;
}

export interface TenantInJob {
  tenantId: string;
  /** Every source of the tenant in the job with its tables: the job is complete when each has an outcome. */
  sources: Array<{ source: string; tables: string[] }>;
  jobStartedAt: string;
}

export type TableItem =
  | {
      kind: 'planned';
      source: string;
      table: string;
      chunkCount: number;
      expectedRecords: number;
      window: SyncWindow;
      /** The job whose paused chunks this plan resumes. */
      resumes?: string;
      /** See TablePlanned.deletionsKnownTo. */
      deletionsKnownTo?: string;
      /** See TablePlanned.backfill. */
      backfill?: BackfillPlan;
    }
  | { kind: 'planFailed'; source: string; table: string; error: Failure };

export type ChunkItem =
  | {
      status: 'fetched';
      records: number;
      files: number;
      apiCalls: number;
      /** A delete sweep's chunk: the records it found deleted at the source (its `records` are 0). */
      deleted?: number;
      /** An id reconcile's chunk: the keys it listed (its `records` are 0). */
      keysListed?: number;
    }
  | { status: 'failed'; records: number; apiCalls: number; error: Failure }
  | {
      status: 'paused';
      records: number;
      files: number;
      apiCalls: number;
      reason: Failure;
      resume: PausedChunk;
    };

export interface TransformedItem {
  versions: number;
  quarantined: number;
  /** An id reconcile's outcome (ChunkTransformed.reconcile). */
  reconcile?: { deleted: number; untrusted?: string };
}

/** A compacted history's figures; null when the job had no change to the table and left it as it was. */
export interface CompactedItem {
  rows: number | null;
  currentRows: number | null;
}

export type TableOutcome =
  | {
      status: 'synced';
      source: string;
      table: string;
      records: number;
      chunks: number;
      /** The watermark in force; null after an explicit backfill of a table never synced. */
      watermark: string | null;
      completedAt: string;
    }
  | {
      status: 'paused';
      source: string;
      table: string;
      records: number;
      chunks: number;
      pausedChunks: number;
      reason: Failure;
      completedAt: string;
    }
  | {
      status: 'failed';
      source: string;
      table: string;
      records: number;
      chunks: number;
      failedChunks: number;
      error: Failure;
      completedAt: string;
    };

export interface TenantJobOutcome {
  status: 'succeeded' | 'paused' | 'failed';
  tablesSynced: number;
  tablesPaused: number;
  tablesFailed: number;
  records: number;
  completedAt: string;
}

/**
 * The slices of a job's backfill that are finished: planned in this job, and every chunk reading them fetched
 * (a slice without records is finished once planned). `chunks` maps chunk ids to what arrived for them.
 */
export function finishedSlices(backfill: BackfillPlan, chunks: ReadonlyMap<string, ChunkItem>): number[] {
  const unfinished = new Set<number>();
  backfill.chunkSlices.forEach((slice, index) => {
    if (slice !== null && chunks.get(chunkIdFor(index))?.status !== 'fetched') unfinished.add(slice);
  });
  return backfill.planned.filter((slice) => !unfinished.has(slice));
}
