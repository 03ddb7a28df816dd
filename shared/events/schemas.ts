import { z } from 'zod';
import { CANONICAL_TABLE_NAMES } from '../../mappings/canonical';
import { SOURCE_NAME_PATTERN } from '../sources/sourceName';
import { ENVELOPE_VERSION, deterministicEventId, envelopeSchema } from './envelope';

/**
 * The source a record comes from (`connectwise`, `servicenow`, …): a registry name. Events carry it as data;
 * which names exist is the source registry's business, checked where tenants are configured.
 */
export const sourceSchema = z.string().regex(SOURCE_NAME_PATTERN, 'must be a source name (lower-case slug)');
/** Tables are always the canonical names; a connector maps them onto its own (incident, Case, …). */
export const tableSchema = z.enum(CANONICAL_TABLE_NAMES);

const isoTime = z.iso.datetime();

/**
 * A chunk's inclusive key range, fixed at planning time so a chunk needs no shared state: integer ids
 * (ConnectWise), fixed-alphabet text keys (ServiceNow sys_ids, Salesforce Ids) or change times.
 */
export const keyRangeSchema = z.discriminatedUnion('kind', [
  /** The whole window: it fits in one page, so no key bounds were asked for (one request saved twice). */
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('integer'), from: z.number().int(), to: z.number().int() }),
  z.strictObject({ kind: z.literal('string'), from: z.string().min(1), to: z.string().min(1) }),
  z.strictObject({ kind: z.literal('time'), from: isoTime, to: isoTime }),
  /**
   * The records of the table deleted at the source within the chunk's window (a delete sweep): the connector's
   * cheapest reliable signal (ServiceNow's sys_audit_delete, Salesforce's getDeleted), paged like any chunk.
   */
  z.strictObject({ kind: z.literal('deletions') }),
  /**
   * An id reconcile (a source without a delete signal, or whose signal is unreadable or too short-lived): every
   * key the table holds now, listed and counted; the transform deletes the lake's current records the listing
   * lacks, and only when the listing finished and agrees with the count.
   */
  z.strictObject({ kind: z.literal('reconcile') }),
]);
export type KeyRange = z.infer<typeof keyRangeSchema>;

/** The sync window of DESIGN §5: `lastUpdated > from` (absent on a full backfill) and `lastUpdated <= to`. */
export const syncWindowSchema = z.strictObject({ from: isoTime.nullable(), to: isoTime });
export type SyncWindow = z.infer<typeof syncWindowSchema>;

export const failureSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
});
export type Failure = z.infer<typeof failureSchema>;

/** Where a chunk resumes: the connector's cursor after the last page written (DESIGN §4.7), with what was done so far. */
export const continuationSchema = z.strictObject({
  /** Opaque to the pipeline: the last key written, a next-page locator, … (null: from the range's start). */
  cursor: z.string().max(4096).nullable(),
  partsWritten: z.number().int().nonnegative(),
  recordsSoFar: z.number().int().nonnegative(),
  apiCallsSoFar: z.number().int().nonnegative(),
  /** How many times this chunk was put back on its queue because of rate limits or transient errors. */
  retries: z.number().int().nonnegative(),
  /** Invocations so far (deadline continuations and retries), part of the event id of the next one. */
  sequence: z.number().int().positive(),
});
export type Continuation = z.infer<typeof continuationSchema>;

export const TenantDiscovered = envelopeSchema(
  'TenantDiscovered',
  z.strictObject({
    /** Every source of the tenant in this job, each with its tables. */
    sources: z.array(z.strictObject({ source: sourceSchema, tables: z.array(tableSchema).min(1) })).min(1),
    /** The job's start: the upper bound of every window in this job (DESIGN §4.1). */
    jobStartedAt: isoTime,
    /** Sweep every table for deletes in this job, whatever `deletes.sweepEveryHours` says (`--sweep-deletes`). */
    sweepDeletes: z.boolean().optional(),
    /**
     * An explicit backfill (`avesa backfill`): this job re-fetches the changes in (from, to] of its tables, in
     * backfill slices on the backfill lane, and moves no watermark (DESIGN §11).
     */
    backfill: z.strictObject({ from: isoTime, to: isoTime }).optional(),
  }),
);

/**
 * A table's backfill in a plan (DESIGN §11): its time slices, and which slice each planned chunk reads (null: a
 * chunk of the table's incremental window). Progress counts finished slices from it; a slice whose chunks all
 * arrived is finished, and a later job plans only the slices that are not.
 */
export const backfillPlanSchema = z.strictObject({
  /** The slices' windows, oldest first: contiguous, together the backfilled range. */
  slices: z.array(syncWindowSchema),
  /** The slices this job fetches (indexes into `slices`), empty ones included: the rest were finished before. */
  planned: z.array(z.number().int().nonnegative()),
  /** Per planned chunk (by index), the slice it reads; null for a chunk outside the backfill. */
  chunkSlices: z.array(z.number().int().nonnegative().nullable()),
  /** `avesa backfill`: a re-fetch of a range, which commits no watermark. Absent: the table's first sync. */
  explicit: z.boolean().optional(),
});
export type BackfillPlan = z.infer<typeof backfillPlanSchema>;

export const TablePlanned = envelopeSchema(
  'TablePlanned',
  z.strictObject({
    source: sourceSchema,
    table: tableSchema,
    window: syncWindowSchema,
    expectedRecords: z.number().int().nonnegative(),
    chunkCount: z.number().int().nonnegative(),
    /** The job whose paused chunks these are (resumed with that job's window); absent for a fresh plan. */
    resumes: z.string().optional(),
    /**
     * Once the table is synced, deletes at the source are known up to this instant (the job's start): a sweep
     * chunk is part of the plan, or this is the table's first sync (nothing synced before could be deleted).
     */
    deletionsKnownTo: isoTime.optional(),
    /** The table's backfill slices in this job, on the backfill lane; absent: no backfill. */
    backfill: backfillPlanSchema.optional(),
  }),
);

export const TablePlanFailed = envelopeSchema(
  'TablePlanFailed',
  z.strictObject({ source: sourceSchema, table: tableSchema, error: failureSchema }),
);

/** What a planned chunk is: which table, which window and key range. A paused chunk carries it to be resumed. */
const plannedChunkShape = {
  source: sourceSchema,
  table: tableSchema,
  chunkId: z.string().regex(/^c\d{5}$/),
  window: syncWindowSchema,
  keyRange: keyRangeSchema,
  expectedRecords: z.number().int().nonnegative(),
};

const chunkPlannedData = z.strictObject({
  ...plannedChunkShape,
  continuation: continuationSchema.optional(),
});

export const ChunkPlanned = envelopeSchema('ChunkPlanned', chunkPlannedData);

/**
 * A chunk of a backfill slice: the same work as ChunkPlanned, on the backfill lane (its own queue and consumer
 * with a bounded share of the fetchers), so a tenant's years of history never hold back scheduled syncs.
 */
export const BackfillChunkPlanned = envelopeSchema('BackfillChunkPlanned', chunkPlannedData);

export const ChunkFetched = envelopeSchema(
  'ChunkFetched',
  z.strictObject({
    source: sourceSchema,
    table: tableSchema,
    chunkId: z.string(),
    records: z.number().int().nonnegative(),
    /** Object keys of the raw Parquet parts, relative to the lake root. Records never travel in events. */
    objectKeys: z.array(z.string()),
    apiCalls: z.number().int().nonnegative(),
    invocations: z.number().int().positive(),
    /** A delete sweep's chunk: `records` are deletion markers, which the transform writes as tombstones. */
    deletions: z.boolean().optional(),
    /**
     * An id reconcile's chunk: `records` keys listed (its parts hold them) against the table's count when the
     * listing began; the transform trusts it only when the two agree.
     */
    reconcile: z
      .strictObject({
        expected: z.number().int().nonnegative(),
        /** When the listing began: a key it lacks was deleted by then (the tombstone's time). */
        startedAt: isoTime,
      })
      .optional(),
  }),
);

export const ChunkFailed = envelopeSchema(
  'ChunkFailed',
  z.strictObject({
    source: sourceSchema,
    table: tableSchema,
    chunkId: z.string(),
    error: failureSchema,
    recordsWritten: z.number().int().nonnegative(),
    apiCalls: z.number().int().nonnegative(),
  }),
);

/**
 * The source asked the chunk to wait for longer than a job lasts (a daily API quota used up, or the share of it
 * kept for the tenant's own users): the chunk stops without failing. The parts written so far are transformed
 * like a fetched chunk's; the next job resumes the chunk from `continuation` (DESIGN §5).
 */
export const ChunkPaused = envelopeSchema(
  'ChunkPaused',
  z.strictObject({
    ...plannedChunkShape,
    /** Where the chunk resumes: the cursor after the last part written. */
    continuation: continuationSchema,
    reason: failureSchema,
    recordsWritten: z.number().int().nonnegative(),
    /** The raw parts this job wrote for the chunk before it paused. */
    objectKeys: z.array(z.string()),
    apiCalls: z.number().int().nonnegative(),
  }),
);

/** The transform mapped a fetched chunk onto the canonical model (records never travel: counts and keys). */
export const ChunkTransformed = envelopeSchema(
  'ChunkTransformed',
  z.strictObject({
    source: sourceSchema,
    table: tableSchema,
    chunkId: z.string(),
    /** Canonical versions written (one per distinct source record version in the chunk). */
    versions: z.number().int().nonnegative(),
    /** Records that failed validation, written to the quarantine table with their reason. */
    quarantined: z.number().int().nonnegative(),
    objectKeys: z.array(z.string()),
    /** An id reconcile's outcome: records found deleted, or why it was not trusted (nothing deleted then). */
    reconcile: z
      .strictObject({ deleted: z.number().int().nonnegative(), untrusted: z.string().optional() })
      .optional(),
  }),
);

/** Every chunk of a synced table is transformed: its canonical history can be compacted. */
export const TableTransformed = envelopeSchema(
  'TableTransformed',
  z.strictObject({ source: sourceSchema, table: tableSchema, versions: z.number().int().nonnegative() }),
);

/** A tenant's canonical history of a table is up to date with all of its versions (folded in, or rebuilt). */
export const TableCompacted = envelopeSchema(
  'TableCompacted',
  z.strictObject({
    source: sourceSchema,
    table: tableSchema,
    /** History rows (every version), and the current rows among them (one per record). */
    rows: z.number().int().nonnegative(),
    currentRows: z.number().int().nonnegative(),
    /** The history's base file. */
    objectKey: z.string(),
    /** Its deltas after this compaction, lowest layer first (shared/lake/historyLayers.ts); absent: none. */
    deltaKeys: z.array(z.string()).optional(),
  }),
);

export const TableSynced = envelopeSchema(
  'TableSynced',
  z.strictObject({
    source: sourceSchema,
    table: tableSchema,
    records: z.number().int().nonnegative(),
    chunks: z.number().int().nonnegative(),
    /** The watermark in force: the window's upper bound; null after a backfill of a table never synced before. */
    watermark: isoTime.nullable(),
  }),
);

export const TableFailed = envelopeSchema(
  'TableFailed',
  z.strictObject({
    source: sourceSchema,
    table: tableSchema,
    records: z.number().int().nonnegative(),
    failedChunks: z.number().int().nonnegative(),
    error: failureSchema,
  }),
);

/** Chunks of the table paused (see ChunkPaused): its watermark stays, the next job resumes the paused chunks. */
export const TablePaused = envelopeSchema(
  'TablePaused',
  z.strictObject({
    source: sourceSchema,
    table: tableSchema,
    records: z.number().int().nonnegative(),
    pausedChunks: z.number().int().nonnegative(),
    reason: failureSchema,
  }),
);

export const JobCompleted = envelopeSchema(
  'JobCompleted',
  z.strictObject({
    /** `paused`: no table failed, and some wait for a source's quota (the next job resumes them). */
    status: z.enum(['succeeded', 'paused', 'failed']),
    tablesSynced: z.number().int().nonnegative(),
    tablesPaused: z.number().int().nonnegative(),
    tablesFailed: z.number().int().nonnegative(),
    records: z.number().int().nonnegative(),
  }),
);

export const EVENT_SCHEMAS = {
  TenantDiscovered,
  TablePlanned,
  TablePlanFailed,
  ChunkPlanned,
  BackfillChunkPlanned,
  ChunkFetched,
  ChunkFailed,
  ChunkPaused,
  ChunkTransformed,
  TableTransformed,
  TableCompacted,
  TableSynced,
  TablePaused,
  TableFailed,
  JobCompleted,
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];
export type EventOf<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;
export type AnyEvent = { [T in EventType]: EventOf<T> }[EventType];

export type TenantDiscoveredEvent = EventOf<'TenantDiscovered'>;
export type TablePlannedEvent = EventOf<'TablePlanned'>;
export type TablePlanFailedEvent = EventOf<'TablePlanFailed'>;
export type ChunkPlannedEvent = EventOf<'ChunkPlanned'>;
export type BackfillChunkPlannedEvent = EventOf<'BackfillChunkPlanned'>;
/** A chunk to fetch, on either lane. */
export type PlannedChunkEvent = ChunkPlannedEvent | BackfillChunkPlannedEvent;
export type ChunkFetchedEvent = EventOf<'ChunkFetched'>;
export type ChunkFailedEvent = EventOf<'ChunkFailed'>;
export type ChunkPausedEvent = EventOf<'ChunkPaused'>;
export type ChunkTransformedEvent = EventOf<'ChunkTransformed'>;
export type TableTransformedEvent = EventOf<'TableTransformed'>;
export type TableCompactedEvent = EventOf<'TableCompacted'>;
export type TableSyncedEvent = EventOf<'TableSynced'>;
export type TableFailedEvent = EventOf<'TableFailed'>;
export type TablePausedEvent = EventOf<'TablePaused'>;
export type JobCompletedEvent = EventOf<'JobCompleted'>;

const anyEventSchema = z.discriminatedUnion(
  'type',
  Object.values(EVENT_SCHEMAS) as unknown as [
    (typeof EVENT_SCHEMAS)[EventType],
    ...(typeof EVENT_SCHEMAS)[EventType][],
  ],
);

/** Parses any envelope; throws a ZodError naming the field that is wrong. */
export function parseEvent(value: unknown): AnyEvent {
  return anyEventSchema.parse(value) as AnyEvent;
}

/** Builds an envelope with a deterministic id from the parts that make the event unique. */
export function makeEvent<T extends EventType>(
  type: T,
  head: { tenantId: string; jobId: string; occurredAt: Date | string },
  data: EventOf<T>['data'],
  idParts: Array<string | number>,
): EventOf<T> {
  return {
    eventId: deterministicEventId(type, head.jobId, head.tenantId, ...idParts),
    type,
    version: ENVELOPE_VERSION,
    occurredAt: typeof head.occurredAt === 'string' ? head.occurredAt : head.occurredAt.toISOString(),
    tenantId: head.tenantId,
    jobId: head.jobId,
    data,
  } as EventOf<T>;
}
