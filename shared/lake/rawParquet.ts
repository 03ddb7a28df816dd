import { isAscii } from 'node:buffer';
import { parquetReadObjects } from 'hyparquet';
import { writeFlatParquet } from './flatParquet';
import type { ReceivedRecord } from '../sources/recordArray';
import { PARQUET_COMPRESSION, PARQUET_DECOMPRESSORS } from './parquetCodec';

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
  /** The source's key type: integer ids stay int64 (ConnectWise's raw layout), text keys are strings. */
  idType: 'integer' | 'string';
}

/** Encodes one part file. Rows stay in id order, as fetched. */
export function encodeRawParquet(rows: readonly RawRow[], context: RawFileContext): Uint8Array {
  const repeat = <T>(value: T) => rows.map(() => value);
  return writeFlatParquet({
    columns: [
      { name: 'tenant_id', type: 'string', optional: false, values: repeat(context.tenantId) },
      { name: 'table_name', type: 'string', optional: false, values: repeat(context.table) },
      // Statistics on id and last_updated let DuckDB skip parts by id range or time.
      context.idType === 'integer'
        ? {
            name: 'id',
            type: 'int64',
            optional: false,
            values: rows.map((row) => Number(row.id)),
            statistics: true,
          }
        : {
            name: 'id',
            type: 'string',
            optional: false,
            values: rows.map((row) => row.id),
            statistics: true,
          },
      {
        name: 'last_updated',
        type: 'timestamp',
        optional: true,
        values: rows.map((row) => row.lastUpdated),
        statistics: true,
      },
      // The record's JSON text exactly as received: DuckDB reads the column as JSON.
      { name: 'payload', type: 'json', optional: false, values: rows.map((row) => row.json) },
      { name: 'job_id', type: 'string', optional: false, values: repeat(context.jobId) },
      { name: 'chunk_id', type: 'string', optional: false, values: repeat(context.chunkId) },
      { name: 'fetched_at', type: 'timestamp', optional: false, values: repeat(context.fetchedAt) },
    ],
    compression: PARQUET_COMPRESSION,
    keyValueMetadata: [{ key: 'avesa.format', value: 'raw-v2' }],
  });
}

/** A raw row as the transform reads it back: the key as text and the record's JSON text, still as bytes. */
export interface StoredRawRecord {
  id: string;
  /** A view into the decompressed page (off the JS heap); `recordText` decodes it. */
  json: Uint8Array;
}

/**
 * Reads a raw part's ids and payloads. The payloads stay bytes until the transform takes them one at a time:
 * a page of decoded strings (several MB) lived long enough to be promoted to V8's old space, which then
 * grew to hundreds of MB of garbage between collections.
 */
export async function readRawRecords(body: Uint8Array): Promise<StoredRawRecord[]> {
  const rows = await parquetReadObjects({
    file: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    columns: ['id', 'payload'],
    compressors: PARQUET_DECOMPRESSORS,
    parsers: { jsonFromBytes: (bytes: Uint8Array) => bytes },
  });
  return rows.map((row) => ({ id: String(row.id), json: row.payload as Uint8Array }));
}

/** A stored record's JSON text. */
export function recordText(json: Uint8Array): string {
  const buffer = Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  // Most records are plain ASCII, and latin1 decoding (a copy) is several times faster than UTF-8's.
  return isAscii(buffer) ? buffer.toString('latin1') : buffer.toString('utf8');
}
