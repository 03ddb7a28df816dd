import { parquetWriteBuffer } from 'hyparquet-writer';
import type { RawRecord } from '../connectwise/client';

/** One raw row: the source record kept whole (DESIGN §6), so schema drift never breaks ingestion. */
export interface RawRow {
  id: number;
  lastUpdated: Date | null;
  /** The record as received; the writer serialises it into a JSON column. */
  payload: RawRecord;
}

export interface RawFileContext {
  tenantId: string;
  table: string;
  jobId: string;
  chunkId: string;
  fetchedAt: Date;
}

export function toRawRow(record: RawRecord): RawRow {
  const info = record._info as { lastUpdated?: unknown } | null | undefined;
  const stamp = typeof info?.lastUpdated === 'string' ? new Date(info.lastUpdated) : null;
  return {
    id: record.id,
    lastUpdated: stamp && !Number.isNaN(stamp.getTime()) ? stamp : null,
    payload: record,
  };
}

// UTC-adjusted millisecond timestamps, so DuckDB reads TIMESTAMP WITH TIME ZONE, never strings (DESIGN §6).
const utcMillis = {
  type: 'INT64',
  logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
  converted_type: 'TIMESTAMP_MILLIS',
} as const;

export const RAW_SCHEMA = [
  { name: 'root', num_children: 8 },
  { name: 'tenant_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'table_name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
  { name: 'last_updated', ...utcMillis, repetition_type: 'OPTIONAL' },
  { name: 'payload', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'REQUIRED' },
  { name: 'job_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'chunk_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'fetched_at', ...utcMillis, repetition_type: 'REQUIRED' },
];

/** Encodes one part file. Rows stay in id order, as fetched. */
export function encodeRawParquet(rows: readonly RawRow[], context: RawFileContext): Uint8Array {
  const repeat = <T>(value: T) => rows.map(() => value);
  const buffer = parquetWriteBuffer({
    schema: RAW_SCHEMA as never,
    columnData: [
      { name: 'tenant_id', data: repeat(context.tenantId) },
      { name: 'table_name', data: repeat(context.table) },
      { name: 'id', data: rows.map((row) => BigInt(row.id)) },
      { name: 'last_updated', data: rows.map((row) => row.lastUpdated) },
      { name: 'payload', data: rows.map((row) => row.payload) },
      { name: 'job_id', data: repeat(context.jobId) },
      { name: 'chunk_id', data: repeat(context.chunkId) },
      { name: 'fetched_at', data: repeat(context.fetchedAt) },
    ],
    kvMetadata: [{ key: 'avesa.format', value: 'raw-v1' }],
  });
  return new Uint8Array(buffer);
}
