import { concludeIdleRun } from '../../local/cli/main';
import type { JobProgress, TableProgress } from '../../services/progress/readProgress';

const table = (overrides: Partial<TableProgress>): TableProgress => ({
  source: 'connectwise',
  table: 'tickets',
  status: 'synced',
  chunksDone: 1,
  chunksTotal: 1,
  records: 10,
  deleted: 0,
  backfill: null,
  files: 1,
  canonicalVersions: 10,
  quarantined: 0,
  currentRows: 10,
  expectedRecords: 10,
  apiCalls: 1,
  watermark: '2026-01-01T00:00:00.000Z',
  error: null,
  ...overrides,
});

const progress = (tables: TableProgress[], status: 'running' | 'succeeded'): JobProgress => ({
  jobId: 'job-1',
  jobStartedAt: '2026-01-01T00:00:00.000Z',
  tenants: [
    {
      tenantId: 'acme',
      status,
      tables,
      records: 10,
      chunksDone: 1,
      chunksTotal: 1,
      apiCalls: 1,
      completedAt: null,
    },
  ],
});

describe('concludeIdleRun', () => {
  it('given a run that went idle with a table still planning, then the table and its tenant are failed, naming the dead letters', () => {
    const stuck = table({ source: 'servicenow', table: 'companies', status: 'planning', chunksTotal: null });

    const concluded = concludeIdleRun(progress([table({}), stuck], 'running'), {
      fetcher: 0,
      'chunk-planner': 1,
    });

    expect(concluded.tenants[0]!.status).toBe('failed');
    expect(concluded.tenants[0]!.tables.map((entry) => entry.status)).toEqual(['synced', 'failed']);
    expect(concluded.tenants[0]!.tables[1]!.error).toEqual({
      code: 'Unfinished',
      message:
        'tenant acme, source servicenow, table companies: did not finish in this run (planning): dead letters: 1 in chunk-planner; see avesa dlq list',
      retryable: true,
    });
  });

  it('given a finished job, then nothing changes', () => {
    const finished = progress([table({})], 'succeeded');

    expect(concludeIdleRun(finished, { fetcher: 0 })).toEqual(finished);
  });
});
