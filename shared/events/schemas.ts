import { z } from 'zod';
import { CONNECTWISE_TABLES, type ConnectWiseTable } from '../../sources/connectwise/endpoints';
import { ENVELOPE_VERSION, deterministicEventId, envelopeSchema } from './envelope';

export const serviceSchema = z.literal('connectwise');
export const tableSchema = z.enum(CONNECTWISE_TABLES as [ConnectWiseTable, ...ConnectWiseTable[]]);

const isoTime = z.iso.datetime();

/** The sync window of DESIGN §5: `lastUpdated > from` (absent on a full backfill) and `lastUpdated <= to`. */
export const syncWindowSchema = z.strictObject({ from: isoTime.nullable(), to: isoTime });
export type SyncWindow = z.infer<typeof syncWindowSchema>;

export const failureSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
});
export type Failure = z.infer<typeof failureSchema>;

/** Where a chunk resumes: after the last id written (DESIGN §4.7), with what was done so far. */
export const continuationSchema = z.strictObject({
  afterId: z.number().int(),
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
    service: serviceSchema,
    tables: z.array(tableSchema).min(1),
    /** The job's start: the upper bound of every window in this job (DESIGN §4.1). */
    jobStartedAt: isoTime,
  }),
);

export const TablePlanned = envelopeSchema(
  'TablePlanned',
  z.strictObject({
    service: serviceSchema,
    table: tableSchema,
    window: syncWindowSchema,
    expectedRecords: z.number().int().nonnegative(),
    chunkCount: z.number().int().nonnegative(),
  }),
);

export const TablePlanFailed = envelopeSchema(
  'TablePlanFailed',
  z.strictObject({ service: serviceSchema, table: tableSchema, error: failureSchema }),
);

export const ChunkPlanned = envelopeSchema(
  'ChunkPlanned',
  z.strictObject({
    service: serviceSchema,
    table: tableSchema,
    chunkId: z.string().regex(/^c\d{5}$/),
    window: syncWindowSchema,
    /** Inclusive keyset range on `id`, fixed at planning time so a chunk needs no shared state. */
    idRange: z.strictObject({ from: z.number().int(), to: z.number().int() }),
    expectedRecords: z.number().int().nonnegative(),
    continuation: continuationSchema.optional(),
  }),
);

export const ChunkFetched = envelopeSchema(
  'ChunkFetched',
  z.strictObject({
    service: serviceSchema,
    table: tableSchema,
    chunkId: z.string(),
    records: z.number().int().nonnegative(),
    /** Object keys of the raw Parquet parts, relative to the lake root. Records never travel in events. */
    objectKeys: z.array(z.string()),
    apiCalls: z.number().int().nonnegative(),
    invocations: z.number().int().positive(),
  }),
);

export const ChunkFailed = envelopeSchema(
  'ChunkFailed',
  z.strictObject({
    service: serviceSchema,
    table: tableSchema,
    chunkId: z.string(),
    error: failureSchema,
    recordsWritten: z.number().int().nonnegative(),
    apiCalls: z.number().int().nonnegative(),
  }),
);

/** The transform mapped a fetched chunk onto the canonical model (records never travel: counts and keys). */
export const ChunkTransformed = envelopeSchema(
  'ChunkTransformed',
  z.strictObject({
    service: serviceSchema,
    table: tableSchema,
    chunkId: z.string(),
    /** Canonical versions written (one per distinct source record version in the chunk). */
    versions: z.number().int().nonnegative(),
    /** Records that failed validation, written to the quarantine table with their reason. */
    quarantined: z.number().int().nonnegative(),
    objectKeys: z.array(z.string()),
  }),
);

/** Every chunk of a synced table is transformed: its canonical history can be compacted. */
export const TableTransformed = envelopeSchema(
  'TableTransformed',
  z.strictObject({ service: serviceSchema, table: tableSchema, versions: z.number().int().nonnegative() }),
);

/** A tenant's canonical history of a table was rebuilt from all of its versions. */
export const TableCompacted = envelopeSchema(
  'TableCompacted',
  z.strictObject({
    service: serviceSchema,
    table: tableSchema,
    /** History rows (every version), and the current rows among them (one per record). */
    rows: z.number().int().nonnegative(),
    currentRows: z.number().int().nonnegative(),
    objectKey: z.string(),
  }),
);

export const TableSynced = envelopeSchema(
  'TableSynced',
  z.strictObject({
    service: serviceSchema,
    table: tableSchema,
    records: z.number().int().nonnegative(),
    chunks: z.number().int().nonnegative(),
    /** The committed watermark: the window's upper bound. */
    watermark: isoTime,
  }),
);

export const TableFailed = envelopeSchema(
  'TableFailed',
  z.strictObject({
    service: serviceSchema,
    table: tableSchema,
    records: z.number().int().nonnegative(),
    failedChunks: z.number().int().nonnegative(),
    error: failureSchema,
  }),
);

export const JobCompleted = envelopeSchema(
  'JobCompleted',
  z.strictObject({
    status: z.enum(['succeeded', 'failed']),
    tablesSynced: z.number().int().nonnegative(),
    tablesFailed: z.number().int().nonnegative(),
    records: z.number().int().nonnegative(),
  }),
);

export const EVENT_SCHEMAS = {
  TenantDiscovered,
  TablePlanned,
  TablePlanFailed,
  ChunkPlanned,
  ChunkFetched,
  ChunkFailed,
  ChunkTransformed,
  TableTransformed,
  TableCompacted,
  TableSynced,
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
export type ChunkFetchedEvent = EventOf<'ChunkFetched'>;
export type ChunkFailedEvent = EventOf<'ChunkFailed'>;
export type ChunkTransformedEvent = EventOf<'ChunkTransformed'>;
export type TableTransformedEvent = EventOf<'TableTransformed'>;
export type TableCompactedEvent = EventOf<'TableCompacted'>;
export type TableSyncedEvent = EventOf<'TableSynced'>;
export type TableFailedEvent = EventOf<'TableFailed'>;
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
