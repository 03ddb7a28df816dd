import { renderProgress, renderSummary } from '../../local/cli/render';
import type { JobProgress, TableProgress } from '../../services/progress/readProgress';

const table = (source: string, name: string, overrides: Partial<TableProgress> = {}): TableProgress => ({
  source,
  table: name,
  status: 'synced',
  chunksDone: 12,
  chunksTotal: 12,
  records: 1_234_567,
  deleted: 0,
  backfill: null,
  files: 1_235,
  canonicalVersions: 1_234_567,
  quarantined: 3,
  currentRows: 1_234_000,
  expectedRecords: 1_234_567,
  apiCalls: 1_240,
  watermark: '2026-12-01T20:18:55.000Z',
  error: null,
  ...overrides,
});

const job: JobProgress = {
  jobId: 'job-20261201T201855Z-bd0c35',
  jobStartedAt: '2026-12-01T20:18:55.000Z',
  tenants: [
    {
      tenantId: 'a-tenant-with-a-rather-long-name-for-a-terminal',
      status: 'failed',
      tables: [
        table('connectwise', 'time_entries'),
        table('servicenow', 'companies', {
          status: 'failed',
          error: {
            code: 'TransientServerError',
            message:
              'tenant a-tenant-with-a-rather-long-name-for-a-terminal, source servicenow, table companies: request failed: connection refused (connect ECONNREFUSED 127.0.0.1:9)',
            retryable: true,
          },
        }),
      ],
      records: 2_469_134,
      chunksDone: 24,
      chunksTotal: 24,
      apiCalls: 2_480,
      completedAt: '2026-12-01T20:20:00.000Z',
    },
  ],
};

describe('terminal output', () => {
  it.each([80, 60, 120])('given a %i-column terminal, then every live-view line fits it', (width) => {
    const lines = renderProgress(job, width);

    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.length).toBeLessThan(width);
    expect(lines[1]).toMatch(/servicenow|…/);
    expect(lines[1]).toMatch(/FAILED$/);
  });

  it.each([80, 60, 160])(
    'given a %i-column terminal, then the summary fits it and errors are wrapped whole',
    (width) => {
      const lines = renderSummary(job, width);

      for (const line of lines) expect(line.length).toBeLessThan(width);
      const errorText = lines
        .slice(lines.indexOf('errors:') + 1)
        .map((line) => line.trim())
        .join(' ');
      expect(errorText).toContain('connection refused (connect ECONNREFUSED 127.0.0.1:9)');
      expect(lines.find((line) => line.startsWith('tenant'))).toMatch(/source\s+table\s+status\s+records/);
    },
  );

  it('given a wide terminal, then the summary keeps every column', () => {
    const header = renderSummary(job, 200).find((line) => line.startsWith('tenant'))!;

    expect(header.split(/\s{2,}/)).toEqual([
      'tenant',
      'source',
      'table',
      'status',
      'records',
      'deleted',
      'files',
      'api calls',
      'canonical',
      'quarantined',
      'watermark',
    ]);
  });
});

describe('a paused lane', () => {
  const paused: JobProgress = {
    ...job,
    tenants: [
      {
        ...job.tenants[0]!,
        tenantId: 'initech',
        status: 'paused',
        tables: [
          table('connectwise', 'tickets'),
          table('salesforce', 'tickets', {
            status: 'paused',
            watermark: null,
            error: {
              code: 'QuotaExhausted',
              message:
                'tenant initech, source salesforce, table tickets: paused: the org has used 80 of its 100 daily API requests',
              retryable: true,
            },
          }),
        ],
      },
    ],
  };

  it('given a table paused at its quota, then the live view says PAUSED and the summary lists the reason under paused:, not errors:', () => {
    const live = renderProgress(paused, 120);
    const summary = renderSummary(paused, 120);

    expect(live[live.length - 1]).toMatch(/PAUSED$/);
    expect(summary).toContain('paused:');
    expect(summary).not.toContain('errors:');
    expect(summary.join('\n')).toContain(
      '- initech / salesforce / tickets: QuotaExhausted: tenant initech, source salesforce, table tickets: paused:',
    );
  });
});
