import type { Failure, SyncWindow } from '../../shared/events/schemas';

/** Progress's own state items. Keys carry job and tenant so reads never cross tenants. */
export const progressKeys = {
  jobIndex: { pk: 'jobs', sk: (jobStartedAt: string, jobId: string) => `${jobStartedAt}#${jobId}` },
  jobTenants: (jobId: string) => `job#${jobId}`,
  tenantInJob: (tenantId: string) => `tenant#${tenantId}`,
  tenantProgress: (jobId: string, tenantId: string) => `progress#${jobId}#${tenantId}`,
  table: (service: string, table: string) => `table#${service}#${table}`,
  chunkPrefix: (service: string, table: string) => `chunk#${service}#${table}#`,
  chunk: (service: string, table: string, chunkId: string) => `chunk#${service}#${table}#${chunkId}`,
  transformedPrefix: (service: string, table: string) => `transformed#${service}#${table}#`,
  transformed: (service: string, table: string, chunkId: string) =>
    `transformed#${service}#${table}#${chunkId}`,
  compacted: (service: string, table: string) => `compacted#${service}#${table}`,
  tableOutcome: (service: string, table: string) => `outcome#${service}#${table}`,
  tableOutcomePrefix: 'outcome#',
  jobOutcome: 'job-outcome',
};

export interface JobIndexItem {
  jobId: string;
  jobStartedAt: string;
}

export interface TenantInJob {
  tenantId: string;
  service: string;
  tables: string[];
  jobStartedAt: string;
}

export type TableItem =
  | {
      kind: 'planned';
      service: string;
      table: string;
      chunkCount: number;
      expectedRecords: number;
      window: SyncWindow;
    }
  | { kind: 'planFailed'; service: string; table: string; error: Failure };

export type ChunkItem =
  | { status: 'fetched'; records: number; files: number; apiCalls: number }
  | { status: 'failed'; records: number; apiCalls: number; error: Failure };

export interface TransformedItem {
  versions: number;
  quarantined: number;
}

export interface CompactedItem {
  rows: number;
  currentRows: number;
}

export type TableOutcome =
  | {
      status: 'synced';
      service: string;
      table: string;
      records: number;
      chunks: number;
      watermark: string;
      completedAt: string;
    }
  | {
      status: 'failed';
      service: string;
      table: string;
      records: number;
      chunks: number;
      failedChunks: number;
      error: Failure;
      completedAt: string;
    };

export interface TenantJobOutcome {
  status: 'succeeded' | 'failed';
  tablesSynced: number;
  tablesFailed: number;
  records: number;
  completedAt: string;
}
