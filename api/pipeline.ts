/**
 * The pipeline page's read model (GET /api/pipeline): from the state store the pipeline writes, one tenant's
 * newest job per source and table, its watermarks and its recent jobs.
 */
import { listJobs, readTenantJobProgress } from '../services/progress/readProgress';
import type { StateStore } from '../shared/ports';
import { listWatermarks } from '../shared/state/watermarks';
import type { PipelineResponse } from './contract';

/** Where the API reads a tenant's pipeline status: the state store, and its dead letters where countable. */
export interface PipelineStatusSource {
  forTenant(tenantId: string): Promise<PipelineResponse>;
}

export interface PipelineReadOptions {
  /** Jobs looked at, newest first: a table not synced in any of them shows only its watermark's absence. */
  maxJobs: number;
  deadLetters: (tenantId: string) => Promise<number | null>;
}

export async function readPipelineStatus(
  state: StateStore,
  tenantId: string,
  options: PipelineReadOptions,
): Promise<PipelineResponse> {
  const jobs = (await listJobs(state)).slice(0, options.maxJobs);
  const tables = new Map<string, PipelineResponse['tables'][number]>();
  const recentJobs: PipelineResponse['jobs'] = [];
  for (const job of jobs) {
    const progress = await readTenantJobProgress(state, job.jobId, tenantId);
    if (!progress) continue;
    recentJobs.push({
      jobId: job.jobId,
      startedAt: job.jobStartedAt,
      completedAt: progress.completedAt,
      status: progress.status,
      records: progress.records,
      failedTables: progress.tables.filter((table) => table.status === 'failed').length,
    });
    for (const table of progress.tables) {
      const key = `${table.source}#${table.table}`;
      if (tables.has(key)) continue;
      tables.set(key, {
        source: table.source,
        table: table.table,
        status: table.status,
        jobId: job.jobId,
        jobStartedAt: job.jobStartedAt,
        records: table.records,
        currentRows: table.currentRows,
        quarantined: table.quarantined,
        watermark: null,
        watermarkCommittedAt: null,
        error: table.error ? { code: table.error.code, message: table.error.message } : null,
      });
    }
  }
  const watermarks = new Map(
    (await listWatermarks(state, tenantId)).map((watermark) => [
      `${watermark.source}#${watermark.table}`,
      watermark,
    ]),
  );
  for (const row of tables.values()) {
    const watermark = watermarks.get(`${row.source}#${row.table}`);
    row.watermark = watermark?.watermark ?? null;
    row.watermarkCommittedAt = watermark?.committedAt ?? null;
  }
  return {
    tenantId,
    tables: [...tables.values()].sort(
      (a, b) => a.source.localeCompare(b.source) || a.table.localeCompare(b.table),
    ),
    jobs: recentJobs.slice(0, 10),
    deadLetters: await options.deadLetters(tenantId),
  };
}
