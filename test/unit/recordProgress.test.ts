import fc from 'fast-check';
import { recordProgress, type ProgressInput } from '../../services/progress/recordProgress';
import { readJobProgress } from '../../services/progress/readProgress';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { makeEvent } from '../../shared/events/schemas';
import { readPausedTable, rememberPausedChunks } from '../../shared/state/pausedChunks';
import { readWatermark } from '../../shared/state/watermarks';
import { ManualClock, RecordingBus } from '../support/fakes';

const jobStartedAt = '2026-01-15T10:00:00.000Z';
const head = { tenantId: 'acme', jobId: 'job-1', occurredAt: jobStartedAt };
const window = { from: null, to: jobStartedAt };

function jobEvents(options: { failChunk?: number } = {}): ProgressInput[] {
  const events: ProgressInput[] = [
    makeEvent(
      'TenantDiscovered',
      head,
      { sources: [{ source: 'connectwise', tables: ['companies', 'tickets'] }], jobStartedAt },
      ['connectwise'],
    ),
    makeEvent(
      'TablePlanned',
      head,
      { source: 'connectwise', table: 'companies', window, expectedRecords: 0, chunkCount: 0 },
      ['companies'],
    ),
    makeEvent(
      'TablePlanned',
      head,
      { source: 'connectwise', table: 'tickets', window, expectedRecords: 300, chunkCount: 3 },
      ['tickets'],
    ),
  ];
  for (let index = 0; index < 3; index++) {
    const chunkId = `c0000${index}`;
    events.push(
      index === options.failChunk
        ? makeEvent(
            'ChunkFailed',
            head,
            {
              source: 'connectwise',
              table: 'tickets',
              chunkId,
              error: { code: 'MalformedResponse', message: 'bad page', retryable: false },
              recordsWritten: 40,
              apiCalls: 2,
            },
            [chunkId],
          )
        : makeEvent(
            'ChunkFetched',
            head,
            {
              source: 'connectwise',
              table: 'tickets',
              chunkId,
              records: 100,
              objectKeys: [`k${index}`],
              apiCalls: 1,
              invocations: 1,
            },
            [chunkId],
          ),
    );
  }
  for (let index = 0; index < 3; index++) {
    if (index === options.failChunk) continue;
    const chunkId = `c0000${index}`;
    events.push(
      makeEvent(
        'ChunkTransformed',
        head,
        { source: 'connectwise', table: 'tickets', chunkId, versions: 100, quarantined: 0, objectKeys: [] },
        [chunkId],
      ),
    );
  }
  // Only tickets changed: companies had no chunk, so its history is left as it is (no compaction).
  if (options.failChunk === undefined)
    events.push(
      makeEvent(
        'TableCompacted',
        head,
        { source: 'connectwise', table: 'tickets', rows: 100, currentRows: 100, objectKey: 'k' },
        ['tickets'],
      ),
    );
  return events;
}

const pausedEvent = (jobId: string, chunkId: string, cursor: string) =>
  makeEvent(
    'ChunkPaused',
    { ...head, jobId },
    {
      source: 'connectwise',
      table: 'tickets',
      chunkId,
      window,
      keyRange: { kind: 'integer', from: 1, to: 100 },
      expectedRecords: 100,
      continuation: {
        cursor,
        partsWritten: 1,
        recordsSoFar: 40,
        apiCallsSoFar: 2,
        retries: 0,
        sequence: 2,
      },
      reason: { code: 'QuotaExhausted', message: 'paused: quota', retryable: true },
      recordsWritten: 40,
      objectKeys: ['k-paused'],
      apiCalls: 2,
    },
    [chunkId],
  );

/** The job of jobEvents with its chunk c00001 paused instead of fetched. */
const jobWithPausedChunk = () =>
  jobEvents().map((event) =>
    event.type === 'ChunkFetched' && event.data.chunkId === 'c00001'
      ? pausedEvent('job-1', 'c00001', '40')
      : event,
  );

async function fold(events: ProgressInput[], state = new LocalStateStore()) {
  const bus = new RecordingBus();
  const metrics = [];
  for (const event of events)
    metrics.push(
      ...(await recordProgress(event, {
        state,
        bus,
        clock: new ManualClock(Date.parse('2026-01-15T10:05:00Z')),
      })),
    );
  const progress = await readJobProgress(state, 'job-1');
  const watermark = await readWatermark(state, 'acme', 'connectwise', 'tickets');
  const conclusions = [...new Map(bus.events.map((event) => [event.eventId, event])).values()]
    .map((event) => ({ type: event.type, data: event.data }))
    .sort((a, b) => a.type.localeCompare(b.type));
  const totals = metrics.reduce<Record<string, number>>(
    (sum, point) => ({ ...sum, [point.name]: (sum[point.name] ?? 0) + point.value }),
    {},
  );
  return { progress, watermark, conclusions, totals };
}

describe('recordProgress', () => {
  it('given every chunk fetched, when folded, then the watermark is the window end, TableSynced and JobCompleted are published', async () => {
    const { progress, watermark, conclusions, totals } = await fold(jobEvents());
    expect(watermark?.watermark).toBe(jobStartedAt);
    expect(progress!.tenants[0]).toMatchObject({
      status: 'succeeded',
      records: 300,
      chunksDone: 3,
      chunksTotal: 3,
    });
    expect(conclusions.map((event) => event.type)).toEqual([
      'JobCompleted',
      'TableSynced',
      'TableSynced',
      'TableTransformed',
    ]);
    expect(progress!.tenants[0]!.tables.map((table) => [table.table, table.currentRows])).toEqual([
      ['companies', null],
      ['tickets', 100],
    ]);
    expect(totals).toMatchObject({
      RecordsFetched: 300,
      ChunksFetched: 3,
      ApiCalls: 3,
      TablesSynced: 2,
      JobsSucceeded: 1,
    });
  });

  it('given one failed chunk, when folded, then the watermark is held back and the table and job fail with the chunk error', async () => {
    const { progress, watermark, conclusions } = await fold(jobEvents({ failChunk: 1 }));
    expect(watermark).toBeUndefined();
    expect(progress!.tenants[0]!.status).toBe('failed');
    expect(conclusions.find((event) => event.type === 'TableFailed')!.data).toMatchObject({
      failedChunks: 1,
      error: { code: 'MalformedResponse' },
    });
  });

  it('given all but one chunk, when folded, then nothing is concluded for that table and the watermark does not move', async () => {
    const withoutLastChunk = jobEvents().filter(
      (event) => !(event.type === 'ChunkFetched' && event.data.chunkId === 'c00002'),
    );
    const { watermark, conclusions, progress } = await fold(withoutLastChunk);
    expect(watermark).toBeUndefined();
    expect(conclusions.map((event) => [event.type, 'table' in event.data ? event.data.table : null])).toEqual(
      [['TableSynced', 'companies']],
    );
    expect(progress!.tenants[0]!.status).toBe('running');
  });

  it('given every chunk fetched but one not yet transformed, when folded, then the watermark moves but compaction and JobCompleted wait', async () => {
    const events = jobEvents().filter(
      (event) => !(event.type === 'ChunkTransformed' && event.data.chunkId === 'c00001'),
    );
    const { watermark, conclusions, progress } = await fold(
      events.filter((event) => event.type !== 'TableCompacted' || event.data.table !== 'tickets'),
    );
    expect(watermark?.watermark).toBe(jobStartedAt);
    expect(conclusions.filter((event) => event.type === 'TableTransformed')).toEqual([]);
    expect(conclusions.map((event) => event.type)).not.toContain('JobCompleted');
    expect(progress!.tenants[0]!.tables.find((table) => table.table === 'tickets')).toMatchObject({
      status: 'synced',
      canonicalVersions: 200,
      currentRows: null,
    });
  });

  it.each([
    ['a failed chunk', () => jobEvents({ failChunk: 2 })],
    ['a paused chunk', jobWithPausedChunk],
  ])(
    'given a job with %s, its events delivered in any order with any duplicates, when folded, then progress, watermark, conclusions and metric totals are the same',
    async (_name, jobOf) => {
      const events = jobOf();
      const reference = await fold(events);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.nat(events.length - 1), { minLength: 0, maxLength: 10 }),
          fc.func(fc.integer()),
          async (duplicates, order) => {
            const delivered = [...events, ...duplicates.map((index) => events[index]!)]
              .map((event, index) => ({ event, key: order(index) }))
              .sort((a, b) => a.key - b.key)
              .map(({ event }) => event);
            const result = await fold(delivered);
            expect(result.watermark).toEqual(reference.watermark);
            expect(result.conclusions).toEqual(reference.conclusions);
            expect(result.totals).toEqual(reference.totals);
            expect(result.progress!.tenants.map(({ completedAt: _c, ...tenant }) => tenant)).toEqual(
              reference.progress!.tenants.map(({ completedAt: _c, ...tenant }) => tenant),
            );
          },
        ),
        { numRuns: 150 },
      );
    },
  );

  it('given an unchanged table whose compaction an earlier job still owes, when folded, then it is compacted after all', async () => {
    const state = new LocalStateStore();
    // An earlier job asked for the companies compaction and never saw it land (its transform died).
    await state.putIfAbsent('compaction#acme', 'connectwise#companies', { pending: true, jobId: 'job-0' });

    const { conclusions } = await fold(jobEvents(), state);

    expect(
      conclusions
        .filter((event) => event.type === 'TableTransformed')
        .map((event) => 'table' in event.data && event.data.table)
        .sort(),
    ).toEqual(['companies', 'tickets']);
    expect(conclusions.map((event) => event.type)).not.toContain('JobCompleted');
  });
});

describe('recordProgress with paused chunks', () => {
  it('given a chunk paused and the others fetched, when folded, then the table and the job are paused (not failed), the watermark stays, and the paused chunk is kept for the next job, which syncs the table and settles it', async () => {
    const events = jobEvents().map((event) =>
      event.type === 'ChunkFetched' && event.data.chunkId === 'c00001'
        ? pausedEvent('job-1', 'c00001', '40')
        : event,
    );
    const state = new LocalStateStore();

    const first = await fold(events, state);

    expect(first.watermark).toBeUndefined();
    expect(first.progress!.tenants[0]!.status).toBe('paused');
    const tickets = first.progress!.tenants[0]!.tables.find((table) => table.table === 'tickets')!;
    expect(tickets).toMatchObject({ status: 'paused', records: 240, error: { code: 'QuotaExhausted' } });
    expect(first.conclusions.map((event) => event.type)).toEqual([
      'JobCompleted',
      'TablePaused',
      'TableSynced',
    ]);
    expect(first.conclusions[0]!.data).toMatchObject({
      status: 'paused',
      tablesSynced: 1,
      tablesPaused: 1,
      tablesFailed: 0,
    });
    expect(first.totals).toMatchObject({ ChunksPaused: 1, TablesPaused: 1, JobsPaused: 1 });
    const ref = { tenantId: 'acme', source: 'connectwise', table: 'tickets' };
    expect(await readPausedTable(state, ref)).toEqual({
      jobId: 'job-1',
      jobStartedAt,
      window,
      chunks: [
        {
          chunkId: 'c00001',
          keyRange: { kind: 'integer', from: 1, to: 100 },
          expectedRecords: 100,
          continuation: {
            cursor: '40',
            partsWritten: 1,
            recordsSoFar: 40,
            apiCallsSoFar: 2,
            retries: 0,
            sequence: 2,
          },
        },
      ],
    });

    // The next job resumes the chunk (planned with `resumes`) and finishes it.
    const next = { ...head, jobId: 'job-2', occurredAt: '2026-01-15T11:00:00.000Z' };
    await fold(
      [
        makeEvent(
          'TenantDiscovered',
          next,
          { sources: [{ source: 'connectwise', tables: ['tickets'] }], jobStartedAt: next.occurredAt },
          [],
        ),
        makeEvent(
          'TablePlanned',
          next,
          {
            source: 'connectwise',
            table: 'tickets',
            window,
            expectedRecords: 100,
            chunkCount: 1,
            resumes: 'job-1',
          },
          ['tickets'],
        ),
        makeEvent(
          'ChunkFetched',
          next,
          {
            source: 'connectwise',
            table: 'tickets',
            chunkId: 'c00001',
            records: 60,
            objectKeys: ['k-rest'],
            apiCalls: 1,
            invocations: 1,
          },
          ['c00001'],
        ),
      ],
      state,
    );

    expect((await readWatermark(state, 'acme', 'connectwise', 'tickets'))?.watermark).toBe(window.to);
    expect((await readPausedTable(state, ref))!.chunks).toEqual([]);
  });

  it('given a paused chunk delivered again after a later job paused the table too, when folded, then the later job’s paused chunks are kept', async () => {
    const state = new LocalStateStore();
    const ref = { tenantId: 'acme', source: 'connectwise', table: 'tickets' };
    await rememberPausedChunks(state, ref, {
      jobId: 'job-9',
      jobStartedAt: '2026-01-16T10:00:00.000Z',
      window,
      chunks: [],
    });
    const events = jobEvents().map((event) =>
      event.type === 'ChunkFetched' && event.data.chunkId === 'c00001'
        ? pausedEvent('job-1', 'c00001', '40')
        : event,
    );

    await fold(events, state);

    expect((await readPausedTable(state, ref))!.jobId).toBe('job-9');
  });
});
