import type { Failure } from '../../shared/events/schemas';
import type { StateStore } from '../../shared/ports';
import {
  progressKeys as keys,
  type ChunkItem,
  type JobIndexItem,
  type TableItem,
  type TableOutcome,
  type TenantInJob,
  type TenantJobOutcome,
  type TransformedItem,
  type CompactedItem,
  finishedSlices,
} from './progressState';

export interface TableProgress {
  source: string;
  table: string;
  /** `paused`: waiting for the source's quota; the next job resumes it (see ChunkPaused). */
  status: 'planning' | 'fetching' | 'synced' | 'paused' | 'failed';
  chunksDone: number;
  chunksTotal: number | null;
  records: number;
  /** Records a delete sweep found deleted at the source in this job. */
  deleted: number;
  files: number;
  /** Canonical versions written by the transform, and records it quarantined. */
  canonicalVersions: number;
  quarantined: number;
  /** After compaction: current canonical rows of this tenant's table (one per source record). */
  currentRows: number | null;
  expectedRecords: number | null;
  apiCalls: number;
  watermark: string | null;
  /**
   * The table's backfill slices in this job, and how many are finished (every chunk fetched); null without one.
   * `explicit`: an `avesa backfill`, which moves no watermark.
   */
  backfill: { slices: number; finished: number; explicit: boolean } | null;
  error: Failure | null;
}

export interface TenantProgress {
  tenantId: string;
  status: 'running' | 'succeeded' | 'paused' | 'failed';
  tables: TableProgress[];
  records: number;
  chunksDone: number;
  chunksTotal: number;
  apiCalls: number;
  completedAt: string | null;
}

export interface JobProgress {
  jobId: string;
  jobStartedAt: string;
  tenants: TenantProgress[];
}

/** Jobs known to the state store, newest first. */
export async function listJobs(state: StateStore): Promise<JobIndexItem[]> {
  const items = await state.query<JobIndexItem>(keys.jobIndex.pk);
  return items.map((item) => item.value).reverse();
}

/** The read model behind live progress, `avesa status` and the run summary. */
export async function readJobProgress(state: StateStore, jobId: string): Promise<JobProgress | undefined> {
  const tenants = await state.query<TenantInJob>(keys.jobTenants(jobId));
  if (tenants.length === 0) return undefined;
  const result: JobProgress = { jobId, jobStartedAt: tenants[0]!.value.jobStartedAt, tenants: [] };
  for (const { value: tenant } of tenants) result.tenants.push(await tenantProgress(state, jobId, tenant));
  return result;
}

/** One tenant's progress in a job, or undefined when the tenant was not part of it (the pipeline page). */
export async function readTenantJobProgress(
  state: StateStore,
  jobId: string,
  tenantId: string,
): Promise<TenantProgress | undefined> {
  const tenant = (await state.get<TenantInJob>(keys.jobTenants(jobId), keys.tenantInJob(tenantId)))?.value;
  return tenant ? tenantProgress(state, jobId, tenant) : undefined;
}

async function tenantProgress(
  state: StateStore,
  jobId: string,
  tenant: TenantInJob,
): Promise<TenantProgress> {
  const items = await state.query<unknown>(keys.tenantProgress(jobId, tenant.tenantId));
  const bySk = new Map(items.map((item) => [item.sk, item.value]));
  const tables = sourcesOf(tenant).flatMap(({ source, tables: names }) =>
    names.map((table) => tableProgress(source, table, items, bySk)),
  );
  const outcome = bySk.get(keys.jobOutcome) as TenantJobOutcome | undefined;
  return {
    tenantId: tenant.tenantId,
    status: outcome ? outcome.status : 'running',
    tables,
    records: sum(tables.map((table) => table.records)),
    chunksDone: sum(tables.map((table) => table.chunksDone)),
    chunksTotal: sum(tables.map((table) => table.chunksTotal ?? 0)),
    apiCalls: sum(tables.map((table) => table.apiCalls)),
    completedAt: outcome?.completedAt ?? null,
  };
}

/**
 * A tenant's sources in a job. State written before sources were plug-ins holds one `service` and its
 * `tables`: old jobs stay readable by `avesa status`.
 */
function sourcesOf(tenant: TenantInJob | LegacyTenantInJob): TenantInJob['sources'] {
  if ('sources' in tenant && Array.isArray(tenant.sources)) return tenant.sources;
  const legacy = tenant as LegacyTenantInJob;
  return [{ source: legacy.service, tables: legacy.tables }];
}

interface LegacyTenantInJob {
  tenantId: string;
  service: string;
  tables: string[];
  jobStartedAt: string;
}

function tableProgress(
  source: string,
  table: string,
  items: Array<{ sk: string; value: unknown }>,
  bySk: Map<string, unknown>,
): TableProgress {
  const planned = bySk.get(keys.table(source, table)) as TableItem | undefined;
  const outcome = bySk.get(keys.tableOutcome(source, table)) as TableOutcome | undefined;
  const prefix = keys.chunkPrefix(source, table);
  const chunks = items.filter((item) => item.sk.startsWith(prefix)).map((item) => item.value as ChunkItem);
  const failedChunk = chunks.find((chunk) => chunk.status === 'failed');
  const transformedPrefix = keys.transformedPrefix(source, table);
  const transformed = items
    .filter((item) => item.sk.startsWith(transformedPrefix))
    .map((item) => item.value as TransformedItem);
  return {
    source,
    table,
    status: outcome ? outcome.status : planned ? 'fetching' : 'planning',
    chunksDone: chunks.length,
    chunksTotal: planned?.kind === 'planned' ? planned.chunkCount : planned ? 0 : null,
    records: sum(chunks.map((chunk) => chunk.records)),
    deleted:
      sum(chunks.map((chunk) => (chunk.status === 'fetched' ? (chunk.deleted ?? 0) : 0))) +
      sum(transformed.map((item) => item.reconcile?.deleted ?? 0)),
    files: sum(chunks.map((chunk) => (chunk.status === 'fetched' ? chunk.files : 0))),
    canonicalVersions: sum(transformed.map((item) => item.versions)),
    quarantined: sum(transformed.map((item) => item.quarantined)),
    currentRows: (bySk.get(keys.compacted(source, table)) as CompactedItem | undefined)?.currentRows ?? null,
    expectedRecords: planned?.kind === 'planned' ? planned.expectedRecords : null,
    apiCalls: sum(chunks.map((chunk) => chunk.apiCalls)),
    watermark: outcome?.status === 'synced' ? outcome.watermark : null,
    backfill:
      planned?.kind === 'planned' && planned.backfill
        ? {
            slices: planned.backfill.planned.length,
            finished: finishedSlices(
              planned.backfill,
              new Map(
                items
                  .filter((item) => item.sk.startsWith(prefix))
                  .map((item) => [item.sk.slice(prefix.length), item.value as ChunkItem]),
              ),
            ).length,
            explicit: planned.backfill.explicit === true,
          }
        : null,
    error:
      outcome?.status === 'failed'
        ? outcome.error
        : outcome?.status === 'paused'
          ? outcome.reason
          : planned?.kind === 'planFailed'
            ? planned.error
            : failedChunk?.status === 'failed'
              ? failedChunk.error
              : null,
  };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
