import { readRawRecords } from '../../shared/lake/rawParquet';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { fetchChunk, type FetcherDeps, DEFAULT_FETCHER_SETTINGS } from '../../services/fetcher/fetchChunk';
import {
  AuthenticationError,
  PermissionError,
  QuotaExhaustedError,
  RateLimitedError,
  TransientServerError,
} from '../../shared/errors';
import { makeEvent, type ChunkPlannedEvent } from '../../shared/events/schemas';
import {
  FakeConnectWise,
  fakeConnectWiseReaders,
  InMemoryObjectStore,
  makeRecords,
  ManualClock,
  range,
  RecordingBus,
  RecordingWorkQueue,
} from '../support/fakes';

const jobStartedAt = '2026-01-15T10:00:00.000Z';
const planned = (from: number, to: number): ChunkPlannedEvent =>
  makeEvent(
    'ChunkPlanned',
    { tenantId: 'acme', jobId: 'job-1', occurredAt: jobStartedAt },
    {
      source: 'connectwise',
      table: 'tickets',
      chunkId: 'c00003',
      window: { from: null, to: jobStartedAt },
      keyRange: { kind: 'integer', from, to },
      expectedRecords: to - from + 1,
    },
    ['c00003'],
  );

function given(source: FakeConnectWise, overrides: Partial<FetcherDeps> = {}) {
  const lake = new InMemoryObjectStore();
  const bus = new RecordingBus();
  const queue = new RecordingWorkQueue();
  const clock = new ManualClock();
  const deadline = clock.time + 60_000;
  const deps: FetcherDeps = {
    readerFor: fakeConnectWiseReaders(source, 100),
    lake,
    bus,
    queue,
    clock,
    settings: DEFAULT_FETCHER_SETTINGS,
    deadline: () => deadline,
    ...overrides,
  };
  return { lake, bus, queue, clock, deps };
}

function singleObject(lake: InMemoryObjectStore, key: string): InMemoryObjectStore {
  const only = new InMemoryObjectStore();
  only.objects.set(key, lake.objects.get(key)!);
  return only;
}

async function idsInLake(lake: InMemoryObjectStore): Promise<number[]> {
  const ids: number[] = [];
  for (const body of lake.objects.values()) {
    ids.push(...(await readRawRecords(body)).map((row) => Number(row.id)));
  }
  return ids.sort((a, b) => a - b);
}

describe('fetchChunk', () => {
  it('given 620 records, when fetched in pages of 100, then each page is a part named by its first id and ChunkFetched lists them', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 620)) });
    const { lake, bus, deps } = given(source);

    const outcome = await fetchChunk(planned(1, 620), deps);

    expect(outcome).toMatchObject({ kind: 'fetched', records: 620 });
    const prefix = 'acme/raw/connectwise/tickets/date=2026-01-15/job-1/c00003-';
    expect([...lake.objects.keys()].sort()).toEqual(
      [1, 101, 201, 301, 401, 501, 601].map((id) => `${prefix}${String(id).padStart(10, '0')}.parquet`),
    );
    expect(await idsInLake(lake)).toEqual(range(1, 620));
    const [fetched] = bus.ofType('ChunkFetched');
    expect(fetched!.data).toMatchObject({
      records: 620,
      apiCalls: 7,
      objectKeys: [...lake.objects.keys()].sort(),
    });
    expect(source.calls.every((call) => call.options?.pageSize === 100)).toBe(true);
  });

  it('given a whole-window chunk, when fetched, then it pages the window alone from the first id', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(5, 254)) });
    const { lake, bus, deps } = given(source);
    const event = planned(1, 1);
    event.data.keyRange = { kind: 'all' };

    const outcome = await fetchChunk(event, deps);

    expect(outcome).toMatchObject({ kind: 'fetched', records: 250 });
    expect(await idsInLake(lake)).toEqual(range(5, 254));
    expect(source.calls.map((call) => call.options?.conditions)).toEqual([
      'lastUpdated <= [2026-01-15T10:00:00Z]',
      'lastUpdated <= [2026-01-15T10:00:00Z]',
      'lastUpdated <= [2026-01-15T10:00:00Z]',
    ]);
    expect(bus.ofType('ChunkFetched')[0]!.data.apiCalls).toBe(3);
  });

  it('given a chunk whose full last page reaches its range end, when fetched, then no request is spent on an empty page after it', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 600)) });
    const { bus, deps } = given(source);

    const outcome = await fetchChunk(planned(1, 600), deps);

    expect(outcome).toMatchObject({ kind: 'fetched', records: 600 });
    expect(bus.ofType('ChunkFetched')[0]!.data.apiCalls).toBe(6);
  });

  it('given a chunk whose range goes past its last record, when its last page is full, then one more page is asked for and comes back empty', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 600)) });
    const { bus, deps } = given(source);

    const outcome = await fetchChunk(planned(1, 650), deps);

    expect(outcome).toMatchObject({ kind: 'fetched', records: 600 });
    expect(bus.ofType('ChunkFetched')[0]!.data.apiCalls).toBe(7);
  });

  it('given a chunk cut short by a deadline, when its continuation finishes it, then the parts are the same objects with the same rows as an uninterrupted fetch', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 450)) });
    const uninterrupted = given(source);
    await fetchChunk(planned(1, 450), uninterrupted.deps);

    const interrupted = given(source);
    let pages = 0;
    const listPage = source.listPage.bind(source);
    const slowSource = Object.assign(Object.create(source) as FakeConnectWise, {
      listPage: async (...args: Parameters<FakeConnectWise['listPage']>) => {
        if (++pages === 2) interrupted.clock.advance(60_000);
        return listPage(...args);
      },
    });
    await fetchChunk(planned(1, 450), {
      ...interrupted.deps,
      readerFor: fakeConnectWiseReaders(slowSource, 100),
    });
    const continuation = interrupted.queue.sent[0]!.event as ChunkPlannedEvent;
    const later = interrupted.clock.time + 60_000;
    await fetchChunk(continuation, { ...interrupted.deps, deadline: () => later });

    const rowsByKey = async (lake: InMemoryObjectStore) =>
      Object.fromEntries(
        await Promise.all(
          [...lake.objects.keys()].sort().map(async (key) => [key, await idsInLake(singleObject(lake, key))]),
        ),
      );
    expect(await rowsByKey(interrupted.lake)).toEqual(await rowsByKey(uninterrupted.lake));
  });

  it('given a deadline that arrives mid-chunk, when fetched, then it writes what it has, re-queues from the last id written, and the continuation finishes the chunk exactly', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 620)) });
    const { lake, bus, queue, clock, deps } = given(source);
    let pages = 0;
    const original = source.listPage.bind(source);
    source.listPage = async (table, options) => {
      pages++;
      clock.advance(pages === 3 ? 60_000 : 10);
      return original(table, options);
    };

    const first = await fetchChunk(planned(1, 620), deps);

    expect(first).toEqual({ kind: 'continued', cursor: '300', reason: 'deadline', delaySeconds: 0 });
    expect(bus.events).toEqual([]);
    const continuation = queue.sent[0]!.event as ChunkPlannedEvent;
    expect(continuation.data.continuation).toMatchObject({
      cursor: '300',
      partsWritten: 3,
      recordsSoFar: 300,
      sequence: 2,
    });

    clock.advance(1);
    const deadlineLater = clock.time + 60_000;
    const second = await fetchChunk(continuation, { ...deps, deadline: () => deadlineLater });

    expect(second).toMatchObject({ kind: 'fetched', records: 620 });
    expect(await idsInLake(lake)).toEqual(range(1, 620));
    expect(bus.ofType('ChunkFetched')[0]!.data).toMatchObject({ records: 620, invocations: 2 });
    expect(lake.objects.size).toBe(7);
    expect(bus.ofType('ChunkFetched')[0]!.data.objectKeys).toEqual([...lake.objects.keys()].sort());
  });

  it('given a 429 with Retry-After, when fetched, then the chunk is re-queued with that delay instead of sleeping', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 300)) });
    source.failCall(2, new RateLimitedError('429', 30));
    const { queue, deps } = given(source);

    const outcome = await fetchChunk(planned(1, 300), deps);

    expect(outcome).toEqual({ kind: 'continued', cursor: '100', reason: 'retry', delaySeconds: 30 });
    expect((queue.sent[0]!.event as ChunkPlannedEvent).data.continuation).toMatchObject({
      cursor: '100',
      retries: 1,
    });
  });

  it('given bad credentials, when fetched, then ChunkFailed carries the classified error and nothing is re-queued', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 10)) });
    source.failCall(
      1,
      new AuthenticationError('tenant acme, table tickets: ConnectWise rejected the credentials (401)'),
    );
    const { bus, queue, deps } = given(source);

    await fetchChunk(planned(1, 10), deps);

    expect(queue.sent).toEqual([]);
    expect(bus.ofType('ChunkFailed')[0]!.data.error).toEqual({
      code: 'AuthenticationFailed',
      message: 'tenant acme, table tickets: ConnectWise rejected the credentials (401)',
      retryable: false,
    });
  });

  it('given a chunk that exhausted its retries, when the source fails again, then the chunk fails permanently', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 10)) });
    source.failCall(1, new TransientServerError('502'));
    const { bus, deps } = given(source, {});
    const event = planned(1, 10);
    event.data.continuation = {
      cursor: null,
      partsWritten: 0,
      recordsSoFar: 0,
      apiCallsSoFar: 0,
      retries: DEFAULT_FETCHER_SETTINGS.maxRetries,
      sequence: 21,
    };

    await fetchChunk(event, deps);

    expect(bus.ofType('ChunkFailed')[0]!.data.error).toMatchObject({
      code: 'RetriesExhausted',
      retryable: false,
    });
  });
});

describe('fetchChunk at a source quota', () => {
  it("given the source's quota reached after two pages, when fetched, then ChunkPaused carries the cursor after the last page and the parts written, and nothing fails or re-queues", async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 500)) });
    source.failCall(3, new QuotaExhaustedError('tenant acme: paused: the daily quota is used up', 3600));
    const { bus, queue, lake, deps } = given(source);

    const outcome = await fetchChunk(planned(1, 500), deps);

    expect(outcome).toEqual({
      kind: 'paused',
      cursor: '200',
      message: 'tenant acme: paused: the daily quota is used up',
    });
    expect(queue.sent).toEqual([]);
    expect(bus.ofType('ChunkFailed')).toEqual([]);
    const [paused] = bus.ofType('ChunkPaused');
    expect(paused!.data).toMatchObject({
      chunkId: 'c00003',
      keyRange: { kind: 'integer', from: 1, to: 500 },
      window: { from: null, to: jobStartedAt },
      continuation: { cursor: '200', partsWritten: 2, recordsSoFar: 200, retries: 0, sequence: 2 },
      reason: { code: 'QuotaExhausted', retryable: true },
      recordsWritten: 200,
      apiCalls: 3,
    });
    expect(paused!.data.objectKeys).toEqual([...lake.objects.keys()].sort());
    expect(await idsInLake(lake)).toEqual(range(1, 200));
  });
});

describe('fetchChunk on the backfill lane (checkpoints)', () => {
  const backfillChunk = (from: number, to: number) => {
    const chunk = planned(from, to);
    return makeEvent('BackfillChunkPlanned', chunk, chunk.data, ['c00003']);
  };

  it('given a delivery killed after three pages, when the chunk is delivered again, then it starts after the last page written and the lake equals a clean run', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 1000)) });
    const checkpoints = new LocalStateStore();
    const { lake, bus, deps } = given(source, { checkpoints });
    // The fourth page's request fails, and the process dies before its continuation is sent (as a SIGKILL
    // would): SQS delivers the original message again, which knows nothing of the three pages written.
    source.failCall(4, new TransientServerError('killed'));
    expect((await fetchChunk(backfillChunk(1, 1000), deps)).kind).toBe('continued');
    expect(source.apiCalls).toBe(4);

    await fetchChunk(backfillChunk(1, 1000), deps);

    // 10 pages of 100 in all: 3 before the kill, the 4th again, then the rest; never the first three twice.
    expect(source.apiCalls - 4).toBe(7);
    expect(await idsInLake(lake)).toEqual(range(1, 1000));
    const fetched = bus.ofType('ChunkFetched')[0]!.data;
    expect(fetched.records).toBe(1000);
  });

  it('given a continuation of the backfill lane, then it is re-queued as BackfillChunkPlanned (it stays on its lane)', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 500)) });
    const clock = new ManualClock();
    const { queue, deps } = given(source, {
      checkpoints: new LocalStateStore(),
      clock,
      deadline: () => clock.time + 1000,
    });

    await fetchChunk(backfillChunk(1, 500), {
      ...deps,
      settings: { ...DEFAULT_FETCHER_SETTINGS, safetyMarginMs: 2000 },
    });

    expect(queue.sent.map((sent) => sent.event.type)).toEqual(['BackfillChunkPlanned']);
  });

  it('given a backfill chunk checkpointed after five pages, when the scheduled lane fetches a chunk of the same id, then it writes no checkpoint (its positions travel in continuations only)', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 1000)) });
    const checkpoints = new LocalStateStore();
    const { deps } = given(source, { checkpoints });
    source.failCall(6, new TransientServerError('killed'));
    expect((await fetchChunk(backfillChunk(1, 1000), deps)).kind).toBe('continued');
    const saved = await checkpoints.get<{ partsWritten: number }>(
      'checkpoint#job-1#acme',
      'connectwise#tickets#c00003',
    );
    expect(saved?.value.partsWritten).toBe(5);
    const { deps: scheduled } = given(source);
    await fetchChunk(planned(1, 1000), scheduled);
    expect(
      (await checkpoints.get<{ partsWritten: number }>('checkpoint#job-1#acme', 'connectwise#tickets#c00003'))
        ?.value.partsWritten,
    ).toBe(5);
  });
});

describe('fetchChunk: id reconcile', () => {
  const sweepChunk = (kind: 'reconcile' | 'deletions') => {
    const chunk = planned(1, 1);
    return makeEvent('ChunkPlanned', chunk, { ...chunk.data, keyRange: { kind }, expectedRecords: 0 }, [
      'c00003',
    ]);
  };

  it('given a reconcile chunk, then it counts the table once, lists every key in pages, and ChunkFetched carries the count and the listing start', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 250)) });
    const { lake, bus, deps } = given(source);

    await fetchChunk(sweepChunk('reconcile'), deps);

    expect(source.calls.map((call) => call.kind)).toEqual(['count', 'list', 'list', 'list']);
    const fetched = bus.ofType('ChunkFetched')[0]!.data;
    expect(fetched).toMatchObject({
      records: 250,
      reconcile: { expected: 250, startedAt: '2026-01-15T10:00:00.000Z' },
    });
    expect(fetched.deletions).toBeUndefined();
    expect(await idsInLake(lake)).toEqual(range(1, 250));
  });

  it('given a sweep whose delete signal answers 403, then it falls back to an id reconcile of the same chunk', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 50)) });
    const { bus, deps } = given(source);
    const plain = deps.readerFor;
    deps.readerFor = async (...args) => {
      const opened = await plain(...args);
      const reader = Object.assign(Object.create(Object.getPrototypeOf(opened.reader)), opened.reader, {
        fetchDeletions: async () => {
          throw new PermissionError('tenant acme: denied reading table sys_audit_delete (403)');
        },
      });
      return { ...opened, reader };
    };

    await fetchChunk(sweepChunk('deletions'), deps);

    expect(bus.ofType('ChunkFailed')).toEqual([]);
    expect(bus.ofType('ChunkFetched')[0]!.data).toMatchObject({ records: 50, reconcile: { expected: 50 } });
  });
});
