import { isAscii } from 'node:buffer';
import { parquetReadObjects } from 'hyparquet';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ReceivedRecord } from '../connectwise/recordArray';
import { PARQUET_CODEC, PARQUET_COMPRESSORS, PARQUET_DECOMPRESSORS } from './parquetCodec';

/**
 * One raw row: the source record kept whole, as received (DESIGN §6), so schema drift never breaks
 * ingestion; `id` and `lastUpdated` are read out of it for paging and partition pruning.
 */
export type RawRow = ReceivedRecord;

export interface RawFileContext {
  tenantId: string;
  table: string;
  jobId: string;
  chunkId: string;
  fetchedAt: Date;
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

/**
 * The schema the column data is encoded with: the payload as bare bytes. Declared JSON, hyparquet-writer
 * would JSON.stringify every value, and the payload already is the received JSON text; the file's footer
 * still declares RAW_SCHEMA, so DuckDB reads the column as JSON.
 */
const RAW_ENCODING_SCHEMA = RAW_SCHEMA.map((element) =>
  element.name === 'payload' ? { ...element, converted_type: undefined } : element,
);

/** Encodes one part file. Rows stay in id order, as fetched. */
export function encodeRawParquet(rows: readonly RawRow[], context: RawFileContext): Uint8Array {
  const repeat = <T>(value: T) => rows.map(() => value);
  const writer = new ByteWriter();
  const parquet = new ParquetWriter({
    writer,
    schema: RAW_ENCODING_SCHEMA as never,
    // Only the payload is worth compressing: the other columns are a few KB (constants dictionary-encoded
    // to a handful of bytes), and each compressed page pays the compressor's setup.
    codec: 'UNCOMPRESSED',
    compressors: PARQUET_COMPRESSORS,
    kvMetadata: [{ key: 'avesa.format', value: 'raw-v2' }],
  });
  const pending = parquet.write({
    rowGroupSize: Math.max(1, rows.length),
    columnData: [
      { name: 'tenant_id', data: repeat(context.tenantId) },
      { name: 'table_name', data: repeat(context.table) },
      { name: 'id', data: rows.map((row) => BigInt(row.id)) },
      { name: 'last_updated', data: rows.map((row) => row.lastUpdated) },
      // Unique per row and several KB each: a dictionary attempt or min/max statistics only cost time.
      {
        name: 'payload',
        data: rows.map((row) => row.json),
        encoding: 'PLAIN',
        statistics: false,
        codec: PARQUET_CODEC,
      },
      { name: 'job_id', data: repeat(context.jobId) },
      { name: 'chunk_id', data: repeat(context.chunkId) },
      { name: 'fetched_at', data: repeat(context.fetchedAt) },
    ],
  });
  if (pending) throw new Error('a ByteWriter never flushes asynchronously'); // so the file is complete here
  parquet.schema = RAW_SCHEMA as never;
  parquet.finish();
  return new Uint8Array(writer.getBuffer());
}

/** A raw row as the transform reads it back: the id and the record's JSON text. */
export interface StoredRawRecord {
  id: number;
  json: string;
}

/** Reads a raw part's ids and payload texts (the payload's bytes are never parsed here). */
export async function readRawRecords(body: Uint8Array): Promise<StoredRawRecord[]> {
  const rows = await parquetReadObjects({
    file: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    columns: ['id', 'payload'],
    compressors: PARQUET_DECOMPRESSORS,
    parsers: { jsonFromBytes: utf8Text },
  });
  return rows.map((row) => ({ id: Number(row.id), json: row.payload as string }));
}

function utf8Text(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Most records are plain ASCII, and latin1 decoding (a copy) is several times faster than UTF-8's.
  return isAscii(buffer) ? buffer.toString('latin1') : buffer.toString('utf8');
}
