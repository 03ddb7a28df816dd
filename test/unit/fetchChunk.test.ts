import { parquetReadObjects } from 'hyparquet';
import { fetchChunk, type FetcherDeps, DEFAULT_FETCHER_SETTINGS } from '../../services/fetcher/fetchChunk';
import { AuthenticationError, RateLimitedError, TransientServerError } from '../../shared/errors';
import { makeEvent, type ChunkPlannedEvent } from '../../shared/events/schemas';
import {
  FakeConnectWise,
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
      service: 'connectwise',
      table: 'tickets',
      chunkId: 'c00003',
      window: { from: null, to: jobStartedAt },
      idRange: { from, to },
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
    clientFor: async () => source,
    lake,
    bus,
    queue,
    clock,
    settings: { ...DEFAULT_FETCHER_SETTINGS, pageSize: 100, rowsPerPart: 250 },
    deadline: () => deadline,
    ...overrides,
  };
  return { lake, bus, queue, clock, deps };
}

async function idsInLake(lake: InMemoryObjectStore): Promise<number[]> {
  const ids: number[] = [];
  for (const body of lake.objects.values()) {
    const rows = await parquetReadObjects({
      file: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    });
    ids.push(...rows.map((row) => Number(row.id)));
  }
  return ids.sort((a, b) => a - b);
}

describe('fetchChunk', () => {
  it('given 620 records, when fetched in pages of 100, then parts of a page plus at most 250 rows hold each record once and ChunkFetched lists them', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 620)) });
    const { lake, bus, deps } = given(source);

    const outcome = await fetchChunk(planned(1, 620), deps);

    expect(outcome).toMatchObject({ kind: 'fetched', records: 620 });
    expect([...lake.objects.keys()]).toEqual([
      'acme/raw/connectwise/tickets/date=2026-01-15/job-1/c00003-00000.parquet',
      'acme/raw/connectwise/tickets/date=2026-01-15/job-1/c00003-00001.parquet',
      'acme/raw/connectwise/tickets/date=2026-01-15/job-1/c00003-00002.parquet',
    ]);
    expect(await idsInLake(lake)).toEqual(range(1, 620));
    const [fetched] = bus.ofType('ChunkFetched');
    expect(fetched!.data).toMatchObject({ records: 620, apiCalls: 7, objectKeys: [...lake.objects.keys()] });
    expect(source.calls.every((call) => call.options?.pageSize === 100)).toBe(true);
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

    expect(first).toEqual({ kind: 'continued', afterId: 300, reason: 'deadline', delaySeconds: 0 });
    expect(bus.events).toEqual([]);
    const continuation = queue.sent[0]!.event as ChunkPlannedEvent;
    expect(continuation.data.continuation).toMatchObject({
      afterId: 300,
      nextPart: 1,
      recordsSoFar: 300,
      sequence: 2,
    });

    clock.advance(1);
    const deadlineLater = clock.time + 60_000;
    const second = await fetchChunk(continuation, { ...deps, deadline: () => deadlineLater });

    expect(second).toMatchObject({ kind: 'fetched', records: 620 });
    expect(await idsInLake(lake)).toEqual(range(1, 620));
    expect(bus.ofType('ChunkFetched')[0]!.data).toMatchObject({ records: 620, invocations: 2 });
    expect(bus.ofType('ChunkFetched')[0]!.data.objectKeys).toEqual([...lake.objects.keys()].sort());
  });

  it('given a 429 with Retry-After, when fetched, then the chunk is re-queued with that delay instead of sleeping', async () => {
    const source = new FakeConnectWise({ tickets: makeRecords(range(1, 300)) });
    source.failCall(2, new RateLimitedError('429', 30));
    const { queue, deps } = given(source);

    const outcome = await fetchChunk(planned(1, 300), deps);

    expect(outcome).toEqual({ kind: 'continued', afterId: 100, reason: 'retry', delaySeconds: 30 });
    expect((queue.sent[0]!.event as ChunkPlannedEvent).data.continuation).toMatchObject({
      afterId: 100,
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
      afterId: 0,
      nextPart: 0,
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
