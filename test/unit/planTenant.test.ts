import { planTenant, type PlannerDeps } from '../../services/chunk-planner/planTenant';
import { AuthenticationError, QuotaExhaustedError, TransientServerError } from '../../shared/errors';
import { rememberPausedChunks } from '../../shared/state/pausedChunks';
import { makeEvent } from '../../shared/events/schemas';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { startBackfill } from '../../shared/state/backfills';
import { commitWatermark } from '../../shared/state/watermarks';
import { FakeConnectWise, fakeConnectWiseReaders, makeRecords, range, RecordingBus } from '../support/fakes';

const jobStartedAt = '2026-01-15T10:00:00.000Z';
const discovered = (tables: Array<'companies' | 'tickets'> = ['companies', 'tickets']) =>
  makeEvent(
    'TenantDiscovered',
    { tenantId: 'acme', jobId: 'job-1', occurredAt: jobStartedAt },
    { sources: [{ source: 'connectwise', tables }], jobStartedAt },
    [],
  );

function given(source: FakeConnectWise) {
  const bus = new RecordingBus();
  const state = new LocalStateStore();
  const deps: PlannerDeps = {
    readerFor: fakeConnectWiseReaders(source),
    state,
    bus,
    settings: { overlapSeconds: 300, targetChunkRecords: 1000, backfillMinRecords: 50_000 },
  };
  return { bus, state, deps };
}

describe('planTenant', () => {
  it('given a first run, when a tenant is planned, then each table gets TablePlanned and keyset chunks over a window closed at the job start', async () => {
    const source = new FakeConnectWise({
      companies: makeRecords(range(10, 500)),
      tickets: makeRecords(range(1, 5000, 2)),
    });
    const { bus, deps } = given(source);

    const result = await planTenant(discovered(), deps);

    expect(result.failed).toEqual([]);
    const tickets = bus.ofType('TablePlanned').find((event) => event.data.table === 'tickets')!;
    expect(tickets.data).toMatchObject({
      expectedRecords: 2500,
      chunkCount: 3,
      window: { from: null, to: jobStartedAt },
    });
    const chunks = bus.ofType('ChunkPlanned').filter((event) => event.data.table === 'tickets');
    expect(chunks.map((event) => event.data.keyRange)).toEqual([
      { kind: 'integer', from: 1, to: 1666 },
      { kind: 'integer', from: 1667, to: 3332 },
      { kind: 'integer', from: 3333, to: 4999 },
    ]);
    expect(source.calls.filter((call) => call.kind === 'count').map((call) => call.conditions)).toEqual([
      'lastUpdated <= [2026-01-15T10:00:00Z]',
      'lastUpdated <= [2026-01-15T10:00:00Z]',
    ]);
    // 491 companies fit one page: one chunk over the whole window, planned with the count alone.
    expect(
      bus
        .ofType('ChunkPlanned')
        .filter((event) => event.data.table === 'companies')
        .map((event) => event.data.keyRange),
    ).toEqual([{ kind: 'all' }]);
    expect(source.calls.filter((call) => call.table === 'companies').map((call) => call.kind)).toEqual([
      'count',
    ]);
  });

  it('given a committed watermark, when planned, then the window starts at the watermark minus the overlap', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords([5]) });
    const { bus, state, deps } = given(source);
    await commitWatermark(
      state,
      { tenantId: 'acme', source: 'connectwise', table: 'tickets' },
      { watermark: '2026-01-14T10:00:00.000Z', jobId: 'job-0', committedAt: '' },
    );

    await planTenant(discovered(['tickets']), deps);

    expect(bus.ofType('TablePlanned')[0]!.data.window).toEqual({
      from: '2026-01-14T09:55:00.000Z',
      to: jobStartedAt,
    });
    expect(source.calls[0]!.conditions).toBe(
      'lastUpdated > [2026-01-14T09:55:00Z] and lastUpdated <= [2026-01-15T10:00:00Z]',
    );
  });

  it('given an empty table, when planned, then it is planned with zero chunks', async () => {
    const { bus, deps } = given(new FakeConnectWise({ companies: [] }));
    await planTenant(discovered(['companies']), deps);
    expect(bus.ofType('TablePlanned')[0]!.data.chunkCount).toBe(0);
    expect(bus.ofType('ChunkPlanned')).toEqual([]);
  });

  it('given bad credentials, when planned, then every table fails with the cause and nothing is thrown', async () => {
    const source = new FakeConnectWise({});
    source.failCall(1, new AuthenticationError('tenant acme: ConnectWise rejected the credentials (401)'));
    source.failCall(2, new AuthenticationError('tenant acme: ConnectWise rejected the credentials (401)'));
    const { bus, deps } = given(source);

    const result = await planTenant(discovered(), deps);

    expect(result.failed.map((failure) => failure.code)).toEqual([
      'AuthenticationFailed',
      'AuthenticationFailed',
    ]);
    expect(bus.ofType('TablePlanFailed').map((event) => event.data.error.message)).toEqual([
      'tenant acme: ConnectWise rejected the credentials (401)',
      'tenant acme: ConnectWise rejected the credentials (401)',
    ]);
  });

  it('given a transient error on the second table, when the message is redelivered, then the first table replays its stored plan with the same event ids', async () => {
    const source = new FakeConnectWise({
      companies: makeRecords(range(1, 10)),
      tickets: makeRecords(range(1, 10)),
    });
    const { bus, deps } = given(source);
    // Tables are planned concurrently, so the failure is pinned to a table, not to the n-th call.
    const count = source.count.bind(source);
    let failedOnce = false;
    source.count = async (table, conditions) => {
      if (table === 'tickets' && !failedOnce) {
        failedOnce = true;
        throw new TransientServerError('503');
      }
      return count(table, conditions);
    };
    await expect(planTenant(discovered(), deps)).rejects.toThrow('503');
    const firstAttempt = bus.events.map((event) => event.eventId);
    expect(bus.events.map((event) => event.type)).toEqual(['TablePlanned', 'ChunkPlanned']);
    const callsBefore = source.calls.length;

    await planTenant(discovered(), deps);

    const companiesCallsOnRetry = source.calls
      .slice(callsBefore)
      .filter((call) => call.table === 'companies');
    expect(companiesCallsOnRetry).toEqual([]);
    const retried = bus.events.slice(firstAttempt.length).map((event) => event.eventId);
    expect(retried).toEqual(expect.arrayContaining(firstAttempt));
    expect(
      bus.events
        .slice(firstAttempt.length)
        .map((event) => event.type)
        .sort(),
    ).toEqual(['ChunkPlanned', 'ChunkPlanned', 'TablePlanned', 'TablePlanned']);
  });

  it('given a source that cannot be reached on the last delivery, when planned, then each table fails with the cause instead of the message going to the DLQ', async () => {
    const source = new FakeConnectWise({});
    const unreachable = new TransientServerError(
      'tenant acme, source connectwise: request failed: connection refused',
    );
    source.count = async () => {
      throw unreachable;
    };
    const { bus, deps } = given(source);

    await expect(planTenant(discovered(), deps)).rejects.toThrow('connection refused');
    const result = await planTenant(discovered(), { ...deps, lastAttempt: true });

    expect(result.failed.map((failure) => [failure.table, failure.code])).toEqual([
      ['companies', 'TransientServerError'],
      ['tickets', 'TransientServerError'],
    ]);
    expect(bus.ofType('TablePlanFailed').map((event) => event.data.error)).toEqual([
      {
        code: 'TransientServerError',
        message: `${unreachable.message} (still failing on the last delivery: the table is not synced in this job)`,
        retryable: true,
      },
      {
        code: 'TransientServerError',
        message: `${unreachable.message} (still failing on the last delivery: the table is not synced in this job)`,
        retryable: true,
      },
    ]);
  });
});

describe('planTenant: probe plans of small windows', () => {
  const ref = { tenantId: 'acme', source: 'connectwise', table: 'tickets' };
  const lastSync = '2026-01-15T09:00:00.000Z';
  const mark = (windowRecords?: number) => ({
    watermark: lastSync,
    jobId: 'job-0',
    committedAt: lastSync,
    ...(windowRecords === undefined ? {} : { windowRecords }),
  });
  const window = { from: '2026-01-15T08:55:00.000Z', to: jobStartedAt };
  /** The table synced an hour ago, its deletes known since then (no sweep due for 24 hours). */
  async function syncedBefore(state: LocalStateStore, last: ReturnType<typeof mark>) {
    await commitWatermark(state, ref, last);
    await commitWatermark(state, ref, mark(), 'deletes');
  }

  it('given a last window of at most a chunk, when planned, then the source is not asked: one chunk over the whole window, the last window size as its estimate', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 5000)) });
    const { bus, state, deps } = given(source);
    await syncedBefore(state, mark(7));

    await planTenant(discovered(['tickets']), deps);

    expect(source.calls).toEqual([]);
    expect(bus.ofType('TablePlanned')[0]!.data).toEqual({
      source: 'connectwise',
      table: 'tickets',
      window,
      expectedRecords: 7,
      chunkCount: 1,
    });
    expect(
      bus
        .ofType('ChunkPlanned')
        .map((event) => [event.data.keyRange, event.data.window, event.data.expectedRecords]),
    ).toEqual([[{ kind: 'all' }, window, 7]]);
  });

  it('given an unchanged last window (0 records), when planned, then it is probed too', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 10)) });
    const { bus, state, deps } = given(source);
    await syncedBefore(state, mark(0));

    await planTenant(discovered(['tickets']), deps);

    expect(source.calls).toEqual([]);
    expect(bus.ofType('ChunkPlanned').map((event) => event.data.keyRange)).toEqual([{ kind: 'all' }]);
  });

  it.each([
    ['held more than a chunk', mark(1001)],
    ['is of older state, without its size', mark()],
  ])(
    'given a last window that %s, when planned, then the window is surveyed as before',
    async (_name, last) => {
      const source = new FakeConnectWise({ tickets: makeRecords(range(1, 10)) });
      const { bus, state, deps } = given(source);
      await syncedBefore(state, last);

      await planTenant(discovered(['tickets']), deps);

      expect(source.calls.map((call) => call.kind)).toEqual(['count']);
      // The count's figure, not the last window's.
      expect(bus.ofType('TablePlanned')[0]!.data).toMatchObject({ expectedRecords: 10, chunkCount: 1 });
    },
  );

  it("given another job's backfill of the table still running, when planned, then the window is surveyed", async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 10)) });
    const { state, deps } = given(source);
    await syncedBefore(state, mark(3));
    await startBackfill(state, ref, {
      jobId: 'job-0',
      startedAt: '2026-01-14T10:00:00.000Z',
      slices: [{ from: null, to: '2026-01-14T10:00:00.000Z' }],
      finished: [],
      status: 'running',
    });

    await planTenant(discovered(['tickets']), deps);

    expect(source.calls.map((call) => call.kind)).toEqual(['count']);
  });

  it('given a small last window and a delete sweep due, when planned, then the probe chunk comes with the sweep chunk', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 10)) });
    const { bus, state, deps } = given(source);
    await syncedBefore(state, mark(3));
    const event = discovered(['tickets']);
    event.data.sweepDeletes = true;

    await planTenant(event, deps);

    expect(source.calls).toEqual([]);
    expect(
      bus
        .ofType('ChunkPlanned')
        .map((chunk) => [chunk.data.chunkId, chunk.data.keyRange, chunk.data.expectedRecords]),
    ).toEqual([
      ['c00000', { kind: 'all' }, 3],
      ['c00001', { kind: 'reconcile' }, 0],
    ]);
  });
});

describe('planTenant with paused chunks', () => {
  it('given chunks an earlier job paused, when the table is planned, then those chunks are planned again with their ids, window and cursor, and the source is not asked', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 3000)) });
    const { bus, state, deps } = given(source);
    const earlierWindow = { from: null, to: '2026-01-14T10:00:00.000Z' };
    const continuation = (cursor: string | null) => ({
      cursor,
      partsWritten: 3,
      recordsSoFar: 300,
      apiCallsSoFar: 4,
      retries: 2,
      sequence: 5,
    });
    await rememberPausedChunks(
      state,
      { tenantId: 'acme', source: 'connectwise', table: 'tickets' },
      {
        jobId: 'job-0',
        jobStartedAt: earlierWindow.to,
        window: earlierWindow,
        chunks: [
          {
            chunkId: 'c00001',
            keyRange: { kind: 'integer', from: 1001, to: 2000 },
            expectedRecords: 1000,
            continuation: continuation('1300'),
          },
          {
            chunkId: 'c00002',
            keyRange: { kind: 'integer', from: 2001, to: 3000 },
            expectedRecords: 1000,
            continuation: continuation(null),
          },
        ],
      },
    );

    await planTenant(discovered(['tickets']), deps);

    expect(source.calls).toEqual([]);
    expect(bus.ofType('TablePlanned')[0]!.data).toEqual({
      source: 'connectwise',
      table: 'tickets',
      window: earlierWindow,
      expectedRecords: 2000,
      chunkCount: 2,
      resumes: 'job-0',
    });
    expect(
      bus
        .ofType('ChunkPlanned')
        .map((event) => [event.data.chunkId, event.data.window, event.data.continuation]),
    ).toEqual([
      [
        'c00001',
        earlierWindow,
        { cursor: '1300', partsWritten: 0, recordsSoFar: 0, apiCallsSoFar: 0, retries: 0, sequence: 1 },
      ],
      [
        'c00002',
        earlierWindow,
        { cursor: null, partsWritten: 0, recordsSoFar: 0, apiCallsSoFar: 0, retries: 0, sequence: 1 },
      ],
    ]);
  });

  it("given the source's quota reached while surveying, when planned, then the table's plan fails as a pause (not redelivered) and the other table is planned", async () => {
    const source = new FakeConnectWise({
      companies: makeRecords(range(1, 10)),
      tickets: makeRecords(range(1, 10)),
    });
    source.failCall(1, new QuotaExhaustedError('tenant acme: paused: quota', 3600));
    const { bus, deps } = given(source);

    const result = await planTenant(discovered(), deps);

    expect(result.failed).toEqual([
      expect.objectContaining({ code: 'QuotaExhausted', message: 'tenant acme: paused: quota' }),
    ]);
    expect(result.planned).toHaveLength(1);
    expect(bus.ofType('TablePlanFailed')[0]!.data.error).toEqual({
      code: 'QuotaExhausted',
      message: 'tenant acme: paused: quota',
      retryable: true,
    });
  });
});

describe('planTenant: delete sweeps', () => {
  /** The ConnectWise fake with a delete signal, as a source that has one. */
  function withDeleteSignal(source: FakeConnectWise, sweepEveryHours = 24) {
    const { bus, state, deps } = given(source);
    const plain = deps.readerFor;
    deps.readerFor = async (...args) => {
      const opened = await plain(...args);
      const reader = Object.assign(Object.create(Object.getPrototypeOf(opened.reader)), opened.reader, {
        fetchDeletions: async () => ({ records: [], next: null }),
      });
      return { ...opened, settings: { ...opened.settings, deletes: { sweepEveryHours } }, reader };
    };
    return { bus, state, deps };
  }
  const ref = (table: string) => ({ tenantId: 'acme', source: 'connectwise', table });
  const mark = (watermark: string) => ({ watermark, jobId: 'job-0', committedAt: watermark });
  const sweepChunks = (bus: RecordingBus) =>
    bus.ofType('ChunkPlanned').filter((event) => event.data.keyRange.kind === 'deletions');

  it("given a table's first sync, when planned, then no sweep is planned but deletes count as known from this job", async () => {
    const { bus, deps } = withDeleteSignal(new FakeConnectWise({ tickets: makeRecords(range(1, 10)) }));

    await planTenant(discovered(['tickets']), deps);

    expect(sweepChunks(bus)).toEqual([]);
    expect(bus.ofType('TablePlanned')[0]!.data.deletionsKnownTo).toBe(jobStartedAt);
  });

  it('given deletes known up to 25 hours ago (sweeps every 24 h), when planned, then a sweep chunk covers from then (less the overlap) to the job start, beside the change chunks', async () => {
    const { bus, state, deps } = withDeleteSignal(
      new FakeConnectWise({ tickets: makeRecords(range(1, 10)) }),
    );
    await commitWatermark(state, ref('tickets'), mark('2026-01-14T09:00:00.000Z'));
    await commitWatermark(state, ref('tickets'), mark('2026-01-14T09:00:00.000Z'), 'deletes');

    await planTenant(discovered(['tickets']), deps);

    const [planned] = bus.ofType('TablePlanned');
    expect(planned!.data).toMatchObject({ chunkCount: 2, deletionsKnownTo: jobStartedAt });
    expect(
      sweepChunks(bus).map((event) => [event.data.chunkId, event.data.window, event.data.expectedRecords]),
    ).toEqual([['c00001', { from: '2026-01-14T08:55:00.000Z', to: jobStartedAt }, 0]]);
  });

  it('given deletes known up to an hour ago, when planned, then no sweep is planned unless the job asks for one (--sweep-deletes) or the tenant sweeps at every sync', async () => {
    const planWith = async (sweepEveryHours: number, sweepDeletes: boolean) => {
      const { bus, state, deps } = withDeleteSignal(
        new FakeConnectWise({ tickets: makeRecords(range(1, 10)) }),
        sweepEveryHours,
      );
      await commitWatermark(state, ref('tickets'), mark('2026-01-15T09:00:00.000Z'));
      await commitWatermark(state, ref('tickets'), mark('2026-01-15T09:00:00.000Z'), 'deletes');
      const event = discovered(['tickets']);
      if (sweepDeletes) event.data.sweepDeletes = true;
      await planTenant(event, deps);
      return { sweeps: sweepChunks(bus).length, known: bus.ofType('TablePlanned')[0]!.data.deletionsKnownTo };
    };

    expect(await planWith(24, false)).toEqual({ sweeps: 0, known: undefined });
    expect(await planWith(24, true)).toEqual({ sweeps: 1, known: jobStartedAt });
    expect(await planWith(0, false)).toEqual({ sweeps: 1, known: jobStartedAt });
  });

  const forcedSweep = () => ({
    ...discovered(['tickets']),
    data: { ...discovered(['tickets']).data, sweepDeletes: true },
  });
  const reconcileChunks = (bus: RecordingBus) =>
    bus.ofType('ChunkPlanned').filter((event) => event.data.keyRange.kind === 'reconcile');

  it('given a source without a delete signal that can list its keys (ConnectWise), when a sweep is due, then it is an id reconcile over the whole table', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 10)) });
    const { bus, state, deps } = given(source);
    await commitWatermark(state, ref('tickets'), mark('2026-01-10T09:00:00.000Z'));

    await planTenant(forcedSweep(), deps);

    expect(sweepChunks(bus)).toEqual([]);
    expect(reconcileChunks(bus).map((event) => [event.data.window, event.data.expectedRecords])).toEqual([
      [{ from: null, to: jobStartedAt }, 0],
    ]);
    expect(bus.ofType('TablePlanned')[0]!.data.deletionsKnownTo).toBe(jobStartedAt);
  });

  it('given a delete signal that keeps 15 days and deletes last known 20 days ago, when a sweep is due, then the gap is reconciled by id instead', async () => {
    const { bus, state, deps } = withDeleteSignal(
      new FakeConnectWise({ tickets: makeRecords(range(1, 10)) }),
    );
    const plain = deps.readerFor;
    deps.readerFor = async (...args) => {
      const opened = await plain(...args);
      return { ...opened, connector: { ...opened.connector, deletionsRetentionDays: 15 } };
    };
    await commitWatermark(state, ref('tickets'), mark('2025-12-26T10:00:00.000Z'));
    await commitWatermark(state, ref('tickets'), mark('2025-12-26T10:00:00.000Z'), 'deletes');

    await planTenant(forcedSweep(), deps);

    expect(sweepChunks(bus)).toEqual([]);
    expect(reconcileChunks(bus)).toHaveLength(1);
  });

  it('given a source with neither a delete signal nor a key listing, when planned, then no sweep is planned and nothing is said about deletes', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 10)) });
    const { bus, state, deps } = given(source);
    const plain = deps.readerFor;
    deps.readerFor = async (...args) => {
      const opened = await plain(...args);
      const reader = Object.assign(Object.create(null), {
        apiCalls: 0,
        survey: opened.reader.survey.bind(opened.reader),
        fetchPage: opened.reader.fetchPage.bind(opened.reader),
      });
      return { ...opened, reader };
    };
    await commitWatermark(state, ref('tickets'), mark('2026-01-10T09:00:00.000Z'));

    await planTenant(forcedSweep(), deps);

    expect(sweepChunks(bus)).toEqual([]);
    expect(reconcileChunks(bus)).toEqual([]);
    expect(bus.ofType('TablePlanned')[0]!.data.deletionsKnownTo).toBeUndefined();
  });
});
