import { PipelineError } from '../errors';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { PARQUET_CODEC, PARQUET_COMPRESSORS } from './parquetCodec';
import {
  CANONICAL_TABLES,
  type CanonicalColumn,
  type CanonicalTableName,
  type CanonicalType,
} from '../../mappings/canonical';
import type { CanonicalRow, CanonicalValue } from '../../mappings/compile';

/**
 * One mapped source record at one point in time. The transform writes a "versions" file of these per
 * raw chunk; compaction (services/transform/compactHistory.ts) turns all of them into SCD2 history.
 */
export interface CanonicalVersion {
  tenantId: string;
  source: string;
  sourceId: string;
  /** The source's last-updated time of this version. */
  validFrom: Date;
  /** `recordHash(row)`: computed once by the transform, so compaction never re-hashes rows. */
  recordHash: string;
  row: CanonicalRow;
}

/** A record the transform could not map: kept whole, with the reason, so nothing is lost (DESIGN §4.8). */
export interface QuarantinedRecord {
  tenantId: string;
  table: string;
  /** Null when the record has no usable id (the reason says so). */
  sourceId: string | null;
  reason: string;
  payload: unknown;
  jobId: string;
  chunkId: string;
}

/** A value whose JS type does not fit its canonical column: a bug in the mapping, never data to write. */
export class CanonicalEncodingError extends PipelineError {
  readonly retryable = false;
  readonly code = 'CanonicalEncoding';
}

/**
 * The DuckDB type of each canonical type; compaction and the query views use it so every reader sees
 * the same schema. `json` columns are VARCHAR in versions files (the exact text the transform hashed)
 * and JSON in the compacted history.
 */
export const DUCKDB_TYPES: Record<CanonicalType, string> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
  json: 'JSON',
};

// UTC-adjusted millisecond timestamps, so DuckDB reads TIMESTAMP WITH TIME ZONE, never strings (DESIGN §6).
const utcMillis = {
  type: 'INT64',
  logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
  converted_type: 'TIMESTAMP_MILLIS',
} as const;
const utf8 = { type: 'BYTE_ARRAY', converted_type: 'UTF8' } as const;

// JSON text is written as UTF8, not the JSON logical type: hyparquet-writer would JSON.stringify the
// text a second time, and parsing it first could change numbers the hash was computed over.
const PARQUET_TYPES: Record<CanonicalType, object> = {
  string: utf8,
  json: utf8,
  integer: { type: 'INT64' },
  number: { type: 'DOUBLE' },
  boolean: { type: 'BOOLEAN' },
  timestamp: utcMillis,
};

type Element = { name: string; repetition_type: 'REQUIRED' | 'OPTIONAL' } & object;

const required = (name: string, type: object): Element => ({ name, ...type, repetition_type: 'REQUIRED' });
const optional = (name: string, type: object): Element => ({ name, ...type, repetition_type: 'OPTIONAL' });

/** Versions files: identity, the table's canonical columns, then valid_from and record_hash. */
export function versionsSchema(table: CanonicalTableName): Element[] {
  return [
    required('tenant_id', utf8),
    required('source', utf8),
    required('source_id', utf8),
    ...CANONICAL_TABLES[table].columns.map((column) => optional(column.name, PARQUET_TYPES[column.type])),
    required('valid_from', utcMillis),
    required('record_hash', utf8),
  ];
}

/** Encodes one versions file. Rows keep their order; compaction does not depend on it. */
export function encodeCanonicalVersions(table: CanonicalTableName, rows: CanonicalVersion[]): Uint8Array {
  const columns = CANONICAL_TABLES[table].columns;
  const elements = versionsSchema(table);
  const buffer = parquetWriteBuffer({
    schema: [{ name: 'root', num_children: elements.length }, ...elements] as never,
    codec: PARQUET_CODEC,
    compressors: PARQUET_COMPRESSORS,
    // Compaction reads every versions file whole, so min/max statistics would never prune anything.
    statistics: false,
    // PLAIN, not hyparquet-writer's default of trying a dictionary per column: the tries cost more than
    // all the rest of the encoding, and the compressor catches repeated values anyway. Only the columns
    // that are constant in a file get their one-entry dictionary.
    columnData: [
      { name: 'tenant_id', data: rows.map((version) => version.tenantId), encoding: 'RLE_DICTIONARY' },
      { name: 'source', data: rows.map((version) => version.source), encoding: 'RLE_DICTIONARY' },
      { name: 'source_id', data: rows.map((version) => version.sourceId), encoding: 'PLAIN' },
      ...columns.map((column) => ({
        name: column.name,
        data: rows.map((version) => physicalValue(table, column, version)),
        encoding: 'PLAIN' as const,
      })),
      { name: 'valid_from', data: rows.map((version) => version.validFrom), encoding: 'PLAIN' },
      { name: 'record_hash', data: rows.map((version) => version.recordHash), encoding: 'PLAIN' },
    ],
    kvMetadata: [
      { key: 'avesa.format', value: 'canonical-versions-v1' },
      { key: 'avesa.table', value: table },
    ],
  });
  return new Uint8Array(buffer);
}

function physicalValue(
  table: CanonicalTableName,
  column: CanonicalColumn,
  version: CanonicalVersion,
): bigint | number | boolean | string | Date | null {
  const value: CanonicalValue | undefined = version.row[column.name];
  if (value === null || value === undefined) return null;
  const fits = (() => {
    switch (column.type) {
      case 'integer':
        return typeof value === 'number' && Number.isSafeInteger(value);
      case 'number':
        return typeof value === 'number';
      case 'boolean':
        return typeof value === 'boolean';
      case 'timestamp':
        return value instanceof Date && !Number.isNaN(value.getTime());
      case 'string':
      case 'json':
        return typeof value === 'string';
    }
  })();
  if (!fits) {
    throw new CanonicalEncodingError(
      `tenant ${version.tenantId}, ${table} ${version.sourceId}: column ${column.name} expects ${column.type}, got ${JSON.stringify(value)}`,
    );
  }
  return column.type === 'integer' ? BigInt(value as number) : value;
}

export const QUARANTINE_SCHEMA: Element[] = [
  required('tenant_id', utf8),
  required('table_name', utf8),
  optional('source_id', utf8),
  required('reason', utf8),
  // The payload is any JSON value; the JSON logical type makes DuckDB read it as JSON.
  optional('payload', { type: 'BYTE_ARRAY', converted_type: 'JSON' }),
  required('job_id', utf8),
  required('chunk_id', utf8),
];

/** Encodes one quarantine file: the records of a chunk that failed validation, each with its reason. */
export function encodeQuarantine(rows: QuarantinedRecord[]): Uint8Array {
  const buffer = parquetWriteBuffer({
    schema: [{ name: 'root', num_children: QUARANTINE_SCHEMA.length }, ...QUARANTINE_SCHEMA] as never,
    codec: PARQUET_CODEC,
    compressors: PARQUET_COMPRESSORS,
    columnData: [
      { name: 'tenant_id', data: rows.map((row) => row.tenantId) },
      { name: 'table_name', data: rows.map((row) => row.table) },
      { name: 'source_id', data: rows.map((row) => row.sourceId) },
      { name: 'reason', data: rows.map((row) => row.reason) },
      { name: 'payload', data: rows.map((row) => (row.payload === undefined ? null : row.payload)) },
      { name: 'job_id', data: rows.map((row) => row.jobId) },
      { name: 'chunk_id', data: rows.map((row) => row.chunkId) },
    ],
    kvMetadata: [{ key: 'avesa.format', value: 'quarantine-v1' }],
  });
  return new Uint8Array(buffer);
}
