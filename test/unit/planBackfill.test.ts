import fc from 'fast-check';
import { MAX_BACKFILL_SLICES, sliceWindows } from '../../services/chunk-planner/planBackfill';
import { planTenant, type PlannerDeps } from '../../services/chunk-planner/planTenant';
import { recordProgress } from '../../services/progress/recordProgress';
import { readJobProgress } from '../../services/progress/readProgress';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { makeEvent, type SyncWindow, type TablePlannedEvent } from '../../shared/events/schemas';
import type { PageRequest, SourceReader, TableSurvey } from '../../shared/sources/connector';
import type { SourceConfig } from '../../shared/config/tenantsFile';
import { connectWise } from '../../sources/connectwise';
import { readBackfill } from '../../shared/state/backfills';
import { commitWatermark, readWatermark } from '../../shared/state/watermarks';
import { ManualClock, RecordingBus } from '../support/fakes';

const DAY = 86_400_000;
const jobOne = '2026-01-15T10:00:00.000Z';
const jobTwo = '2026-01-15T11:00:00.000Z';

/** A source whose records carry change stamps, answering surveys per window as ConnectWise would. */
class StampedSource implements SourceReader {
  apiCalls = 0;
  readonly surveyed: SyncWindow[] = [];
  constructor(readonly records: Array<{ id: number; stamp: number }>) {}
  private inWindow(window: SyncWindow) {
    const from = window.from === null ? -Infinity : Date.parse(window.from);
    return this.records.filter((record) => record.stamp > from && record.stamp <= Date.parse(window.to));
  }
  async survey(_table: string, window: SyncWindow): Promise<TableSurvey> {
    this.apiCalls++;
    this.surveyed.push(window);
    const found = this.inWindow(window);
    if (found.length === 0) return { count: 0, bounds: null };
    const ids = found.map((record) => record.id);
    return { count: found.length, bounds: { kind: 'integer', from: Math.min(...ids), to: Math.max(...ids) } };
  }
  async oldestChange(_table: string, window: SyncWindow): Promise<string | null> {
    this.apiCalls++;
    const found = this.inWindow(window);
    return found.length === 0
      ? null
      : new Date(Math.min(...found.map((record) => record.stamp))).toISOString();
  }
  async fetchPage(_request: PageRequest): Promise<never> {
    throw new Error('the planner does not fetch');
  }
}

/** 3,000 tickets, one every 4 hours back from the first job: about 500 days of history. */
const history = () =>
  Array.from({ length: 3000 }, (_, index) => ({
    id: index + 1,
    stamp: Date.parse(jobOne) - (index + 1) * 4 * 3_600_000,
  }));

function given(source: StampedSource, settings: Record<string, unknown> = {}) {
  const bus = new RecordingBus();
  const state = new LocalStateStore();
  const config = connectWise.settingsSchema.parse({
    baseUrl: 'https://cw.test',
    ...settings,
  }) as SourceConfig;
  const deps: PlannerDeps = {
    readerFor: async () => ({ connector: connectWise, settings: config, reader: source }),
    state,
    bus,
    settings: { overlapSeconds: 300, targetChunkRecords: 200, backfillMinRecords: 1000 },
  };
  return { bus, state, deps };
}

const discovered = (jobId: string, jobStartedAt: string, backfill?: { from: string; to: string }) =>
  makeEvent(
    'TenantDiscovered',
    { tenantId: 'acme', jobId, occurredAt: jobStartedAt },
    {
      sources: [{ source: 'connectwise', tables: ['tickets'] }],
      jobStartedAt,
      ...(backfill ? { backfill } : {}),
    },
    [],
  );

const key = { tenantId: 'acme', source: 'connectwise', table: 'tickets' };

describe('backfill slices', () => {
  it('given any window, start and slice length, then the slices are contiguous, disjoint and cover the window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 * 365 }),
        fc.integer({ min: 1, max: 366 }),
        fc.boolean(),
        (daysBack, sliceDays, open) => {
          const to = jobOne;
          const start = new Date(Date.parse(to) - daysBack * DAY).toISOString();
          const window = { from: open ? null : new Date(Date.parse(start) - 1000).toISOString(), to };
          const slices = sliceWindows(window, start, sliceDays);
          expect(slices[0]!.from).toBe(window.from);
          expect(slices.at(-1)!.to).toBe(to);
          for (let index = 1; index < slices.length; index++)
            expect(slices[index]!.from).toBe(slices[index - 1]!.to);
          for (const slice of slices.slice(0, -1)) expect(Date.parse(slice.to)).toBeLessThan(Date.parse(to));
          expect(slices.length).toBeLessThanOrEqual(Math.max(1, Math.ceil(daysBack / sliceDays)) + 1);
          expect(slices.length).toBeLessThanOrEqual(MAX_BACKFILL_SLICES + 1);
        },
      ),
    );
  });

  it('given a start a thousand years back, then the slices widen instead of passing the cap', () => {
    const slices = sliceWindows({ from: null, to: jobOne }, '1026-01-01T00:00:00.000Z', 30);
    expect(slices.length).toBeLessThanOrEqual(MAX_BACKFILL_SLICES + 1);
  });
});

describe('planTenant with a backfill', () => {
  it('given a first sync larger than backfillMinRecords, then it is planned as slices from the oldest change on the backfill lane, each record in one slice', async () => {
    const source = new StampedSource(history());
    const { bus, state, deps } = given(source);

    await planTenant(discovered('job-1', jobOne), deps);

    const planned = bus.ofType('TablePlanned')[0]!.data;
    expect(planned.window).toEqual({ from: null, to: jobOne });
    expect(planned.backfill).toBeDefined();
    const { slices, chunkSlices, planned: sliceIndexes } = planned.backfill!;
    // ~500 days in 30-day slices, the first open-ended (everything older), the last ending at the job's start.
    expect(slices.length).toBe(17);
    expect(sliceIndexes).toEqual(slices.map((_, index) => index));
    expect(slices[0]!.from).toBeNull();
    expect(slices.at(-1)!.to).toBe(jobOne);
    expect(bus.ofType('ChunkPlanned')).toEqual([]);
    const chunks = bus.ofType('BackfillChunkPlanned');
    expect(chunks).toHaveLength(planned.chunkCount);
    expect(chunks.map((chunk) => chunk.data.window)).toEqual(chunkSlices.map((slice) => slices[slice!]));
    // Every record falls in exactly one slice, and the plan expects them all.
    const holding = history().map(
      (record) =>
        slices.filter(
          (slice) =>
            (slice.from === null || record.stamp > Date.parse(slice.from)) &&
            record.stamp <= Date.parse(slice.to),
        ).length,
    );
    expect(new Set(holding)).toEqual(new Set([1]));
    expect(planned.expectedRecords).toBe(3000);
    expect((await readBackfill(state, key))?.value).toMatchObject({
      jobId: 'job-1',
      startedAt: jobOne,
      status: 'running',
    });
  });

  it('given backfillFrom and backfillSliceDays, then the slices start at backfillFrom (inclusive) in steps of that many days', async () => {
    const source = new StampedSource(history());
    const { bus, deps } = given(source, { backfillFrom: '2025-07-01T00:00:00Z', backfillSliceDays: 60 });

    await planTenant(discovered('job-1', jobOne), deps);

    const { slices } = bus.ofType('TablePlanned')[0]!.data.backfill!;
    expect(slices[0]).toEqual({ from: '2025-06-30T23:59:59.000Z', to: '2025-08-30T00:00:00.000Z' });
    expect(slices).toHaveLength(4);
    expect(bus.ofType('TablePlanned')[0]!.data.expectedRecords).toBe(
      history().filter((record) => record.stamp >= Date.parse('2025-07-01T00:00:00Z')).length,
    );
  });

  it('given a first sync no larger than backfillMinRecords, then it is a plain window (no slices, no backfill lane)', async () => {
    const source = new StampedSource(history().slice(0, 900));
    const { bus, state, deps } = given(source);

    await planTenant(discovered('job-1', jobOne), deps);

    expect(bus.ofType('TablePlanned')[0]!.data.backfill).toBeUndefined();
    expect(bus.ofType('BackfillChunkPlanned')).toEqual([]);
    expect(bus.ofType('ChunkPlanned').length).toBeGreaterThan(0);
    expect(await readBackfill(state, key)).toBeUndefined();
  });

  it('given a backfill still running, when the next hourly job plans the table, then its window starts at the backfill start less the overlap, on the scheduled lane', async () => {
    const source = new StampedSource(history());
    const { bus, deps } = given(source);
    await planTenant(discovered('job-1', jobOne), deps);
    bus.events.length = 0;

    await planTenant(discovered('job-2', jobTwo), deps);

    const planned = bus.ofType('TablePlanned')[0]!.data;
    expect(planned.window).toEqual({ from: '2026-01-15T09:55:00.000Z', to: jobTwo });
    expect(planned.backfill).toBeUndefined();
    expect(bus.ofType('BackfillChunkPlanned')).toEqual([]);
  });

  it('given a redelivered planning of the job that began the backfill, then the same slices and chunks are planned again', async () => {
    const source = new StampedSource(history());
    const first = given(source);
    await planTenant(discovered('job-1', jobOne), first.deps);
    const again = new RecordingBus();
    // A crash after the backfill was recorded but before the plan was: the plan is gone, the backfill is not.
    const state = new LocalStateStore();
    const stored = (await readBackfill(first.state, key))!.value;
    await state.putIfAbsent('backfill#acme', 'connectwise#tickets', stored);

    await planTenant(discovered('job-1', jobOne), { ...first.deps, state, bus: again });

    expect(again.ofType('TablePlanned')[0]!.data).toEqual(first.bus.ofType('TablePlanned')[0]!.data);
    expect(again.ofType('BackfillChunkPlanned').map((event) => event.eventId)).toEqual(
      first.bus.ofType('BackfillChunkPlanned').map((event) => event.eventId),
    );
  });

  it('given a backfill whose job failed one slice, when the next job plans, then only the missing slice is planned, beside the incremental window', async () => {
    const source = new StampedSource(history());
    const { bus, state, deps } = given(source);
    await planTenant(discovered('job-1', jobOne), deps);
    const planned = bus.ofType('TablePlanned')[0]! as TablePlannedEvent;
    const chunks = bus.ofType('BackfillChunkPlanned');
    const failedSlice = planned.data.backfill!.chunkSlices[3]!;
    const progress = { state, bus: new RecordingBus(), clock: new ManualClock(Date.parse(jobOne)) };
    await recordProgress(
      makeEvent(
        'TenantDiscovered',
        planned,
        { sources: [{ source: 'connectwise', tables: ['tickets'] }], jobStartedAt: jobOne },
        [],
      ),
      progress,
    );
    await recordProgress(planned, progress);
    for (const [index, chunk] of chunks.entries()) {
      const { source: name, table, chunkId } = chunk.data;
      await recordProgress(
        index === 3
          ? makeEvent(
              'ChunkFailed',
              chunk,
              {
                source: name,
                table,
                chunkId,
                error: { code: 'MalformedResponse', message: 'bad page', retryable: false },
                recordsWritten: 0,
                apiCalls: 1,
              },
              [chunkId],
            )
          : makeEvent(
              'ChunkFetched',
              chunk,
              { source: name, table, chunkId, records: 10, objectKeys: [], apiCalls: 1, invocations: 1 },
              [chunkId],
            ),
        progress,
      );
    }
    const backfill = (await readBackfill(state, key))!.value;
    expect(backfill.status).toBe('incomplete');
    expect(backfill.finished).not.toContain(failedSlice);
    expect(backfill.finished).toHaveLength(planned.data.backfill!.slices.length - 1);
    // The failed job committed no watermark; the summary counts the slices it finished.
    expect(await readWatermark(state, 'acme', 'connectwise', 'tickets')).toBeUndefined();
    const summary = (await readJobProgress(state, 'job-1'))!.tenants[0]!.tables[0]!;
    expect(summary.backfill).toEqual({
      slices: backfill.slices.length,
      finished: backfill.slices.length - 1,
      explicit: false,
    });

    bus.events.length = 0;
    await planTenant(discovered('job-2', jobTwo), deps);

    const replanned = bus.ofType('TablePlanned')[0]!.data;
    expect(replanned.window).toEqual({ from: '2026-01-15T09:55:00.000Z', to: jobTwo });
    expect(replanned.backfill!.planned).toEqual([failedSlice]);
    const sliceChunks = bus.ofType('BackfillChunkPlanned');
    expect(sliceChunks.length).toBeGreaterThan(0);
    expect(new Set(sliceChunks.map((chunk) => chunk.data.window))).toEqual(
      new Set([backfill.slices[failedSlice]]),
    );
    expect((await readBackfill(state, key))!.value).toMatchObject({ jobId: 'job-2', status: 'running' });
  });

  it('given an explicit backfill, then its range is sliced whatever the size, nothing is swept, and progress moves no watermark', async () => {
    const source = new StampedSource(history().slice(0, 50));
    const { bus, state, deps } = given(source);
    await commitWatermark(state, key, { watermark: jobOne, jobId: 'job-0', committedAt: jobOne });
    const range = { from: '2026-01-01T00:00:00.000Z', to: '2026-01-10T00:00:00.000Z' };

    await planTenant(discovered('job-9', jobTwo, range), { ...deps });

    const planned = bus.ofType('TablePlanned')[0]! as TablePlannedEvent;
    expect(planned.data.window).toEqual({ from: '2025-12-31T23:59:59.000Z', to: range.to });
    expect(planned.data.backfill).toMatchObject({
      explicit: true,
      slices: [{ from: '2025-12-31T23:59:59.000Z', to: range.to }],
    });
    expect(planned.data.deletionsKnownTo).toBeUndefined();
    const progress = { state, bus: new RecordingBus(), clock: new ManualClock(Date.parse(jobTwo)) };
    await recordProgress(
      makeEvent(
        'TenantDiscovered',
        planned,
        { sources: [{ source: 'connectwise', tables: ['tickets'] }], jobStartedAt: jobTwo },
        [],
      ),
      progress,
    );
    await recordProgress(planned, progress);
    for (const chunk of bus.ofType('BackfillChunkPlanned')) {
      const { source: name, table, chunkId } = chunk.data;
      await recordProgress(
        makeEvent(
          'ChunkFetched',
          chunk,
          { source: name, table, chunkId, records: 10, objectKeys: [], apiCalls: 1, invocations: 1 },
          [chunkId],
        ),
        progress,
      );
    }
    const synced = progress.bus.ofType('TableSynced')[0]!;
    expect(synced.data.watermark).toBe(jobOne);
    expect((await readWatermark(state, 'acme', 'connectwise', 'tickets'))!.watermark).toBe(jobOne);
    expect(await readBackfill(state, key)).toBeUndefined();
  });
});
