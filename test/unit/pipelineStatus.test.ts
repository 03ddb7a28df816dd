import { readPipelineStatus } from '../../api/pipeline';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { recordProgress, type ProgressInput } from '../../services/progress/recordProgress';
import { makeEvent } from '../../shared/events/schemas';
import { ManualClock, RecordingBus } from '../support/fakes';

/** A job of one tenant: ConnectWise companies and tickets, each one chunk; tickets may fail. */
function job(jobId: string, tenantId: string, startedAt: string, options: { ticketsFail?: boolean } = {}) {
  const head = { tenantId, jobId, occurredAt: startedAt };
  const window = { from: null, to: startedAt };
  const events: ProgressInput[] = [
    makeEvent(
      'TenantDiscovered',
      head,
      { sources: [{ source: 'connectwise', tables: ['companies', 'tickets'] }], jobStartedAt: startedAt },
      ['connectwise'],
    ),
  ];
  for (const [table, records] of [
    ['companies', 20],
    ['tickets', 300],
  ] as const) {
    events.push(
      makeEvent(
        'TablePlanned',
        head,
        { source: 'connectwise', table, window, expectedRecords: records, chunkCount: 1 },
        [table],
      ),
    );
    const chunkId = `${table}-c1`;
    events.push(
      table === 'tickets' && options.ticketsFail
        ? makeEvent(
            'ChunkFailed',
            head,
            {
              source: 'connectwise',
              table,
              chunkId,
              error: { code: 'AuthFailed', message: 'tenant x: 401 from ConnectWise', retryable: false },
              recordsWritten: 0,
              apiCalls: 1,
            },
            [chunkId],
          )
        : makeEvent(
            'ChunkFetched',
            head,
            {
              source: 'connectwise',
              table,
              chunkId,
              records,
              objectKeys: ['k'],
              apiCalls: 1,
              invocations: 1,
            },
            [chunkId],
          ),
    );
    if (table === 'tickets' && options.ticketsFail) continue;
    events.push(
      makeEvent(
        'ChunkTransformed',
        head,
        { source: 'connectwise', table, chunkId, versions: records, quarantined: 1, objectKeys: [] },
        [chunkId],
      ),
      makeEvent(
        'TableCompacted',
        head,
        { source: 'connectwise', table, rows: records, currentRows: records - 1, objectKey: 'k' },
        [table],
      ),
    );
  }
  return events;
}

async function fold(state: LocalStateStore, events: ProgressInput[], at: string) {
  for (const event of events)
    await recordProgress(event, { state, bus: new RecordingBus(), clock: new ManualClock(Date.parse(at)) });
}

describe('the pipeline page read model', () => {
  it("shows the tenant's newest job per table, its watermark, errors and recent jobs, and nothing of other tenants", async () => {
    const state = new LocalStateStore();
    await fold(state, job('job-1', 'acme', '2026-01-10T00:00:00.000Z'), '2026-01-10T00:05:00Z');
    await fold(state, job('job-1', 'other', '2026-01-10T00:00:00.000Z'), '2026-01-10T00:05:00Z');
    await fold(
      state,
      job('job-2', 'acme', '2026-01-11T00:00:00.000Z', { ticketsFail: true }),
      '2026-01-11T00:05:00Z',
    );
    const status = await readPipelineStatus(state, 'acme', { maxJobs: 20, deadLetters: async () => 3 });
    expect(status.tenantId).toBe('acme');
    expect(status.deadLetters).toBe(3);
    expect(status.jobs.map((entry) => [entry.jobId, entry.status, entry.failedTables])).toEqual([
      ['job-2', 'failed', 1],
      ['job-1', 'succeeded', 0],
    ]);
    const byTable = Object.fromEntries(status.tables.map((table) => [table.table, table]));
    expect(byTable.companies).toMatchObject({
      status: 'synced',
      jobId: 'job-2',
      records: 20,
      currentRows: 19,
      quarantined: 1,
      watermark: '2026-01-11T00:00:00.000Z',
      error: null,
    });
    // The failed job is the newest for tickets; the watermark is still the one job-1 committed.
    expect(byTable.tickets).toMatchObject({
      status: 'failed',
      jobId: 'job-2',
      watermark: '2026-01-10T00:00:00.000Z',
      error: { code: 'AuthFailed' },
    });
  });

  it('is empty for a tenant no job has synced', async () => {
    const state = new LocalStateStore();
    await fold(state, job('job-1', 'acme', '2026-01-10T00:00:00.000Z'), '2026-01-10T00:05:00Z');
    const status = await readPipelineStatus(state, 'nobody', { maxJobs: 20, deadLetters: async () => null });
    expect(status).toEqual({ tenantId: 'nobody', tables: [], jobs: [], deadLetters: null });
  });
});
