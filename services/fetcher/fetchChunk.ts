import type { ConnectWiseReader } from '../../sources/connectwise/client';
import type { ConnectWiseClientFor } from '../../sources/connectwise/clientFactory';
import { and, idRangeCondition, windowCondition } from '../../sources/connectwise/conditions';
import { CONNECTWISE_MAX_PAGE_SIZE } from '../../sources/connectwise/endpoints';
import { advanceCursor, startCursor } from '../../sources/connectwise/paginator';
import {
  BudgetExhaustedError,
  DeadlineReachedError,
  RetriesExhaustedError,
  errorCode,
  errorMessage,
  isRetryable,
  retryAfterSeconds,
} from '../../shared/errors';
import { makeEvent, type ChunkPlannedEvent, type Continuation } from '../../shared/events/schemas';
import { rawChunkPrefix, rawObjectKey } from '../../shared/lake/keys';
import { encodeRawParquet, type RawRow } from '../../shared/lake/rawParquet';
import type { Clock, EventBus, ObjectStore, WorkQueue } from '../../shared/ports';

export interface FetcherSettings {
  pageSize: number;
  /** Stop starting new pages this long before the deadline, leaving time to write and re-queue. */
  safetyMarginMs: number;
  /** Re-queues for rate limits and transient errors before the chunk is declared failed. */
  maxRetries: number;
  /** Upper bound of the re-queue delay for transient errors (SQS allows at most 900 s). */
  maxRetryDelaySeconds: number;
}

export const DEFAULT_FETCHER_SETTINGS: FetcherSettings = {
  pageSize: CONNECTWISE_MAX_PAGE_SIZE,
  safetyMarginMs: 5_000,
  maxRetries: 20,
  maxRetryDelaySeconds: 300,
};

export interface FetcherDeps {
  clientFor: ConnectWiseClientFor;
  lake: ObjectStore;
  bus: EventBus;
  /** The fetcher's own queue, for continuations. */
  queue: WorkQueue;
  clock: Clock;
  settings: FetcherSettings;
  /** Ms since epoch by which this invocation must have returned. */
  deadline: () => number;
}

export type FetchOutcome =
  | { kind: 'fetched'; records: number; objectKeys: string[] }
  | { kind: 'continued'; afterId: number; reason: 'deadline' | 'retry'; delaySeconds: number }
  | { kind: 'failed'; code: string; message: string };

/**
 * Fetches one planned chunk into raw Parquet, resuming from its continuation token.
 * Pages forward-only inside the chunk's id range and window, and writes each page as its own part, named by
 * the page's first id. Page boundaries depend only on the data, never on when a deadline or a 429 struck,
 * so a chunk that is re-run after a crash (or whose continuation raced its redelivered original) rewrites
 * the very same objects: no record is lost or doubled (DESIGN §4.3). Memory holds one page (§4.6).
 * Before the deadline, or when the source rate-limits, the chunk re-queues itself with the last id
 * written as its token, so no invocation sleeps or runs past its deadline (§4.7, §5).
 */
export async function fetchChunk(event: ChunkPlannedEvent, deps: FetcherDeps): Promise<FetchOutcome> {
  const { data, tenantId, jobId } = event;
  const { settings } = deps;
  const previous: Continuation = data.continuation ?? {
    afterId: data.idRange.from - 1,
    partsWritten: 0,
    recordsSoFar: 0,
    apiCallsSoFar: 0,
    retries: 0,
    sequence: 1,
  };
  const conditions = and(windowCondition(data.window), idRangeCondition(data.idRange));
  const fetchedAt = deps.clock.now();
  // The window closes at the job's start, which also names the lake's date partition.
  const jobStartedAt = data.window.to;
  let cursor = startCursor(previous.afterId);
  let written = { afterId: previous.afterId, parts: previous.partsWritten, records: previous.recordsSoFar };
  let client: ConnectWiseReader | undefined;
  const chunk = {
    tenantId,
    service: data.service,
    table: data.table,
    jobStartedAt,
    jobId,
    chunkId: data.chunkId,
  };
  const writePage = async (rows: RawRow[]) => {
    if (rows.length === 0) return;
    const body = encodeRawParquet(rows, {
      tenantId,
      table: data.table,
      jobId,
      chunkId: data.chunkId,
      fetchedAt,
    });
    await deps.lake.put(rawObjectKey(chunk, rows[0]!.id), body);
    written = {
      afterId: rows[rows.length - 1]!.id,
      parts: written.parts + 1,
      records: written.records + rows.length,
    };
  };
  const apiCalls = () => previous.apiCallsSoFar + (client?.apiCalls ?? 0);
  const head = () => ({ tenantId, jobId, occurredAt: deps.clock.now() });

  const continueLater = async (reason: 'deadline' | 'retry', delaySeconds: number): Promise<FetchOutcome> => {
    const continuation: Continuation = {
      afterId: written.afterId,
      partsWritten: written.parts,
      recordsSoFar: written.records,
      apiCallsSoFar: apiCalls(),
      retries: previous.retries + (reason === 'retry' ? 1 : 0),
      sequence: previous.sequence + 1,
    };
    await deps.queue.send(
      makeEvent('ChunkPlanned', head(), { ...data, continuation }, [
        data.service,
        data.table,
        data.chunkId,
        continuation.sequence,
      ]),
      { delaySeconds },
    );
    return { kind: 'continued', afterId: written.afterId, reason, delaySeconds };
  };

  const fail = async (error: unknown): Promise<FetchOutcome> => {
    // What was written stays: the watermark is held back anyway, and the rows are valid source data.
    const failure = { code: errorCode(error), message: errorMessage(error), retryable: isRetryable(error) };
    await deps.bus.publish([
      makeEvent(
        'ChunkFailed',
        head(),
        {
          service: data.service,
          table: data.table,
          chunkId: data.chunkId,
          error: failure,
          recordsWritten: written.records,
          apiCalls: apiCalls(),
        },
        [data.service, data.table, data.chunkId],
      ),
    ]);
    return { kind: 'failed', code: failure.code, message: failure.message };
  };

  try {
    client = await deps.clientFor(tenantId, { deadline: () => deps.deadline() - settings.safetyMarginMs });
    // The margin grows to twice the slowest page seen (request, parsing and any part write), so a slow
    // source or a busy CPU still leaves room to finish the page in flight and hand the chunk back.
    let slowestPageMs = 0;
    while (!cursor.done) {
      const pageStarted = deps.clock.now().getTime();
      if (pageStarted >= deps.deadline() - Math.max(settings.safetyMarginMs, 2 * slowestPageMs))
        return await continueLater('deadline', 0);
      const page = await client.listReceivedPage(data.table, {
        conditions,
        pageSize: settings.pageSize,
        afterId: cursor.afterId,
      });
      cursor = advanceCursor(
        cursor,
        page.map((record) => record.id),
        settings.pageSize,
        `tenant ${tenantId}, table ${data.table}, chunk ${data.chunkId}`,
        // A table's last chunk ends at the greatest id the planner saw, so a full page that reaches it
        // is the chunk's last (for a table of exactly N×1,000 records, one request fewer).
        data.idRange.to,
      );
      await writePage(page);
      slowestPageMs = Math.max(slowestPageMs, deps.clock.now().getTime() - pageStarted);
    }
  } catch (error) {
    if (error instanceof DeadlineReachedError || error instanceof BudgetExhaustedError) {
      // Not the source's fault: continue without counting a retry (the budget frees within seconds).
      return await continueLater('deadline', retryAfterSeconds(error) ?? 0);
    }
    if (!isRetryable(error)) return await fail(error);
    if (previous.retries >= settings.maxRetries) {
      return await fail(
        new RetriesExhaustedError(
          `tenant ${tenantId}, table ${data.table}, chunk ${data.chunkId}: gave up after ${previous.retries} retries: ${errorMessage(error)}`,
        ),
      );
    }
    const delay =
      retryAfterSeconds(error) ?? Math.min(settings.maxRetryDelaySeconds, 2 ** Math.min(previous.retries, 8));
    return await continueLater('retry', Math.min(900, Math.max(0, delay)));
  }

  // Every part of the chunk, including those written by earlier invocations of it.
  const objectKeys = await deps.lake.list(rawChunkPrefix(chunk));
  await deps.bus.publish([
    makeEvent(
      'ChunkFetched',
      head(),
      {
        service: data.service,
        table: data.table,
        chunkId: data.chunkId,
        records: written.records,
        objectKeys,
        apiCalls: apiCalls(),
        invocations: previous.sequence,
      },
      [data.service, data.table, data.chunkId],
    ),
  ]);
  return { kind: 'fetched', records: written.records, objectKeys };
}
