import {
  BudgetExhaustedError,
  DeadlineReachedError,
  MalformedResponseError,
  PermissionError,
  QuotaExhaustedError,
  RetriesExhaustedError,
  ValidationError,
  errorCode,
  errorMessage,
  isRetryable,
  retryAfterSeconds,
} from '../../shared/errors';
import { makeEvent, type Continuation, type PlannedChunkEvent } from '../../shared/events/schemas';
import { rawChunkPrefix, rawObjectKey } from '../../shared/lake/keys';
import { encodeRawParquet, type RawRow } from '../../shared/lake/rawParquet';
import type { Clock, EventBus, ObjectStore, StateStore, WorkQueue } from '../../shared/ports';
import type { Page, PageRequest, SourceConnector, SourceReader } from '../../shared/sources/connector';
import type { SourceReaderFor } from '../../shared/sources/readers';
import {
  isKeyListingCursor,
  keyListingCursor,
  keyListingPosition,
  LISTED_KEY_PAYLOAD,
  type KeyListingPosition,
} from '../../shared/sources/keyListing';

export interface FetcherSettings {
  /** Stop starting new pages this long before the deadline, leaving time to write and re-queue. */
  safetyMarginMs: number;
  /** Re-queues for rate limits and transient errors before the chunk is declared failed. */
  maxRetries: number;
  /** Upper bound of the re-queue delay for transient errors (SQS allows at most 900 s). */
  maxRetryDelaySeconds: number;
}

export const DEFAULT_FETCHER_SETTINGS: FetcherSettings = {
  safetyMarginMs: 5_000,
  maxRetries: 20,
  maxRetryDelaySeconds: 300,
};

export interface FetcherDeps {
  readerFor: SourceReaderFor;
  lake: ObjectStore;
  bus: EventBus;
  /** The fetcher's own queue, for continuations. */
  queue: WorkQueue;
  clock: Clock;
  settings: FetcherSettings;
  /** Ms since epoch by which this invocation must have returned. */
  deadline: () => number;
  /** For the re-queue delay's jitter (default Math.random). */
  random?: () => number;
  /**
   * Where the chunk's position is recorded after every page (the backfill lane): a delivery that follows a crash
   * starts from the last page written instead of the last continuation, so a killed backfill loses one page of
   * work, not a slice's. Absent: positions travel only in continuations.
   */
  checkpoints?: StateStore;
}

/** A chunk's position after its last written page (see FetcherDeps.checkpoints). */
const checkpointKey = (event: PlannedChunkEvent) => ({
  pk: `checkpoint#${event.jobId}#${event.tenantId}`,
  sk: `${event.data.source}#${event.data.table}#${event.data.chunkId}`,
});

/** The further of a delivery's continuation and the chunk's checkpoint: positions only move forward. */
async function startingPoint(
  event: PlannedChunkEvent,
  continuation: Continuation,
  checkpoints: StateStore | undefined,
): Promise<Continuation> {
  if (!checkpoints) return continuation;
  const { pk, sk } = checkpointKey(event);
  const saved = (await checkpoints.get<Continuation>(pk, sk))?.value;
  if (!saved || !isAhead(saved, continuation)) return continuation;
  return {
    ...saved,
    retries: continuation.retries,
    sequence: Math.max(saved.sequence, continuation.sequence),
  };
}

const isAhead = (a: Continuation, b: Continuation) =>
  a.partsWritten > b.partsWritten || (a.partsWritten === b.partsWritten && a.recordsSoFar > b.recordsSoFar);

async function saveCheckpoint(checkpoints: StateStore, event: PlannedChunkEvent, position: Continuation) {
  const { pk, sk } = checkpointKey(event);
  for (;;) {
    const current = await checkpoints.get<Continuation>(pk, sk);
    // A stale delivery racing its own continuation must not move the position back.
    if (current && !isAhead(position, current.value)) return;
    if (await checkpoints.putIfVersion(pk, sk, position, current?.version ?? 0)) return;
  }
}

export type FetchOutcome =
  | { kind: 'fetched'; records: number; objectKeys: string[] }
  | { kind: 'continued'; cursor: string | null; reason: 'deadline' | 'retry'; delaySeconds: number }
  | { kind: 'paused'; cursor: string | null; message: string }
  | { kind: 'failed'; code: string; message: string };

/**
 * Fetches one planned chunk into raw Parquet, resuming from its continuation token.
 * Pages through the chunk's key range and window with the source's connector, and writes each page as its
 * own part, named by the page's first key. Page boundaries depend only on the data, never on when a
 * deadline or a 429 struck, so a chunk that is re-run after a crash (or whose continuation raced its
 * redelivered original) rewrites the very same objects: no record is lost or doubled (DESIGN §4.3). Memory
 * holds one page (§4.6). Before the deadline, or when the source rate-limits, the chunk re-queues itself
 * with the connector's cursor after the last page written, so no invocation sleeps or runs past its
 * deadline (§4.7, §5).
 */
export async function fetchChunk(event: PlannedChunkEvent, deps: FetcherDeps): Promise<FetchOutcome> {
  const { data, tenantId, jobId } = event;
  const { settings } = deps;
  const previous: Continuation = await startingPoint(
    event,
    data.continuation ?? {
      cursor: null,
      partsWritten: 0,
      recordsSoFar: 0,
      apiCallsSoFar: 0,
      retries: 0,
      sequence: 1,
    },
    deps.checkpoints,
  );
  const fetchedAt = deps.clock.now();
  // The window closes at the job's start, which also names the lake's date partition.
  const jobStartedAt = data.window.to;
  let written = { cursor: previous.cursor, parts: previous.partsWritten, records: previous.recordsSoFar };
  let reader: SourceReader | undefined;
  let connector: SourceConnector | undefined;
  const where = `tenant ${tenantId}, source ${data.source}, table ${data.table}, chunk ${data.chunkId}`;
  // A delete sweep's chunk: its pages are deletion markers, written as raw parts like any page.
  const sweep = data.keyRange.kind === 'deletions';
  // An id reconcile lists every key instead (and a sweep whose signal cannot be read falls back to one).
  let reconcile: { expected: number; startedAt: string } | undefined;
  let listsKeys = data.keyRange.kind === 'reconcile' || isKeyListingCursor(previous.cursor);
  const chunk = {
    tenantId,
    source: data.source,
    table: data.table,
    jobStartedAt,
    jobId,
    chunkId: data.chunkId,
  };
  const writePage = async (rows: RawRow[], next: string | null) => {
    if (rows.length > 0) {
      const body = encodeRawParquet(rows, {
        tenantId,
        table: data.table,
        jobId,
        chunkId: data.chunkId,
        fetchedAt,
        idType: connector!.keyKind.kind === 'integer' ? 'integer' : 'string',
      });
      await deps.lake.put(rawObjectKey(chunk, rows[0]!.id), body);
    }
    written = {
      cursor: next,
      parts: written.parts + (rows.length > 0 ? 1 : 0),
      records: written.records + rows.length,
    };
    if (deps.checkpoints && next !== null)
      await saveCheckpoint(deps.checkpoints, event, {
        cursor: next,
        partsWritten: written.parts,
        recordsSoFar: written.records,
        apiCallsSoFar: apiCalls(),
        retries: previous.retries,
        sequence: previous.sequence,
      });
  };
  const apiCalls = () => previous.apiCallsSoFar + (reader?.apiCalls ?? 0);
  const head = () => ({ tenantId, jobId, occurredAt: deps.clock.now() });

  const continueLater = async (reason: 'deadline' | 'retry', delaySeconds: number): Promise<FetchOutcome> => {
    const continuation: Continuation = {
      cursor: written.cursor,
      partsWritten: written.parts,
      recordsSoFar: written.records,
      apiCallsSoFar: apiCalls(),
      retries: previous.retries + (reason === 'retry' ? 1 : 0),
      sequence: previous.sequence + 1,
    };
    // On the lane it came from: a backfill chunk's continuation stays on the backfill lane.
    await deps.queue.send(
      makeEvent(event.type, head(), { ...data, continuation }, [
        data.source,
        data.table,
        data.chunkId,
        continuation.sequence,
      ]),
      { delaySeconds },
    );
    return { kind: 'continued', cursor: written.cursor, reason, delaySeconds };
  };

  const fail = async (error: unknown): Promise<FetchOutcome> => {
    // What was written stays: the watermark is held back anyway, and the rows are valid source data.
    const failure = { code: errorCode(error), message: errorMessage(error), retryable: isRetryable(error) };
    await deps.bus.publish([
      makeEvent(
        'ChunkFailed',
        head(),
        {
          source: data.source,
          table: data.table,
          chunkId: data.chunkId,
          error: failure,
          recordsWritten: written.records,
          apiCalls: apiCalls(),
        },
        [data.source, data.table, data.chunkId],
      ),
    ]);
    return { kind: 'failed', code: failure.code, message: failure.message };
  };

  const pause = async (error: QuotaExhaustedError): Promise<FetchOutcome> => {
    // Not a failure and not worth a retry within the job: the parts written so far are transformed, and the
    // next job resumes the chunk from the cursor after them.
    const continuation: Continuation = {
      cursor: written.cursor,
      partsWritten: written.parts,
      recordsSoFar: written.records,
      apiCallsSoFar: apiCalls(),
      retries: previous.retries,
      sequence: previous.sequence + 1,
    };
    await deps.bus.publish([
      makeEvent(
        'ChunkPaused',
        head(),
        {
          source: data.source,
          table: data.table,
          chunkId: data.chunkId,
          window: data.window,
          keyRange: data.keyRange,
          expectedRecords: data.expectedRecords,
          continuation,
          reason: { code: error.code, message: error.message, retryable: true },
          recordsWritten: written.records,
          objectKeys: await deps.lake.list(rawChunkPrefix(chunk)),
          apiCalls: apiCalls(),
        },
        [data.source, data.table, data.chunkId],
      ),
    ]);
    return { kind: 'paused', cursor: written.cursor, message: error.message };
  };

  try {
    const opened = await deps.readerFor(tenantId, data.source, {
      deadline: () => deps.deadline() - settings.safetyMarginMs,
    });
    reader = opened.reader;
    connector = opened.connector;
    // The margin grows to twice the slowest page seen (request, parsing and any part write), so a slow
    // source or a busy CPU still leaves room to finish the page in flight and hand the chunk back.
    let slowestPageMs = 0;
    for (let done = false; !done;) {
      const pageStarted = deps.clock.now().getTime();
      if (pageStarted >= deps.deadline() - Math.max(settings.safetyMarginMs, 2 * slowestPageMs))
        return await continueLater('deadline', 0);
      const request = {
        table: data.table,
        window: data.window,
        range: data.keyRange,
        cursor: written.cursor,
      };
      let page: Page;
      if (listsKeys) {
        const listed = await listKeys(reader, request, where, deps.clock.now());
        reconcile = { expected: listed.expected, startedAt: listed.startedAt };
        page = listed;
      } else if (sweep) {
        try {
          page = await fetchDeletions(reader, request, where);
        } catch (error) {
          // The signal is not readable (ServiceNow's sys_audit_delete needs a role): an id reconcile finds the
          // same deletions, at the cost of listing every key.
          if (!(error instanceof PermissionError) || !canListKeys(reader) || written.parts > 0) throw error;
          listsKeys = true;
          continue;
        }
      } else page = await reader.fetchPage(request);
      if (page.next !== null && page.next === written.cursor) {
        // A source that does not move its cursor would loop forever; refuse instead of re-reading the page.
        throw new MalformedResponseError(`${where}: paging did not advance past cursor ${page.next}`);
      }
      await writePage(page.records, page.next);
      done = page.next === null;
      slowestPageMs = Math.max(slowestPageMs, deps.clock.now().getTime() - pageStarted);
    }
  } catch (error) {
    if (error instanceof DeadlineReachedError || error instanceof BudgetExhaustedError) {
      // Not the source's fault: continue without counting a retry (the budget frees within seconds).
      return await continueLater('deadline', retryAfterSeconds(error) ?? 0);
    }
    if (error instanceof QuotaExhaustedError) return await pause(error);
    if (!isRetryable(error)) return await fail(error);
    if (previous.retries >= settings.maxRetries) {
      return await fail(
        new RetriesExhaustedError(
          `${where}: gave up after ${previous.retries} retries: ${errorMessage(error)}`,
        ),
      );
    }
    const backoff = Math.min(settings.maxRetryDelaySeconds, 2 ** Math.min(previous.retries, 8));
    // Jitter spreads the re-queued chunks of many tenants hitting one failing source over the delay.
    const delay =
      retryAfterSeconds(error) ?? Math.ceil(backoff / 2 + (deps.random ?? Math.random)() * (backoff / 2));
    return await continueLater('retry', Math.min(900, Math.max(0, delay)));
  }

  // Every part of the chunk, including those written by earlier invocations of it.
  const objectKeys = await deps.lake.list(rawChunkPrefix(chunk));
  await deps.bus.publish([
    makeEvent(
      'ChunkFetched',
      head(),
      {
        source: data.source,
        table: data.table,
        chunkId: data.chunkId,
        records: written.records,
        objectKeys,
        apiCalls: apiCalls(),
        invocations: previous.sequence,
        ...(reconcile ? { reconcile } : sweep ? { deletions: true } : {}),
      },
      [data.source, data.table, data.chunkId],
    ),
  ]);
  return { kind: 'fetched', records: written.records, objectKeys };
}

const canListKeys = (reader: SourceReader) => reader.listKeys !== undefined && reader.countKeys !== undefined;

/**
 * One page of an id reconcile: the table's keys after the cursor, as rows without a change time. The first
 * page also counts the table; the count travels in the cursor, so the transform can check the listing against
 * the count taken when it began (records created or deleted meanwhile make them differ: then nothing is deleted).
 */
async function listKeys(
  reader: SourceReader,
  request: PageRequest,
  where: string,
  now: Date,
): Promise<Page & { expected: number; startedAt: string }> {
  if (!canListKeys(reader))
    throw new ValidationError(`${where}: an id reconcile was planned, but the source cannot list its keys`);
  const position: KeyListingPosition = isKeyListingCursor(request.cursor)
    ? keyListingPosition(request.cursor!)
    : {
        // Whole seconds, like the sources' stamps (the tombstone is a change at this instant).
        startedAt: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(),
        expected: await reader.countKeys!(request.table),
        after: null,
      };
  const { keys, next } = await reader.listKeys!(request.table, position.after);
  return {
    records: keys.map((id) => ({ id, lastUpdated: null, json: LISTED_KEY_PAYLOAD })),
    next: next === null ? null : keyListingCursor({ ...position, after: next }),
    expected: position.expected,
    startedAt: position.startedAt,
  };
}

function fetchDeletions(reader: SourceReader, request: PageRequest, where: string): Promise<Page> {
  if (!reader.fetchDeletions)
    throw new ValidationError(`${where}: a delete sweep was planned, but the source has no delete signal`);
  return reader.fetchDeletions(request);
}
