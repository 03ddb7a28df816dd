import { PipelineError } from '../errors';
import { writeFlatParquet, type FlatColumn, type FlatColumnType } from './flatParquet';
import { PARQUET_COMPRESSION } from './parquetCodec';
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
  source: string;
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

/**
 * The Parquet type of each canonical type. JSON text is written as a string, not as JSON: it is the exact
 * text the transform hashed (compaction types it JSON in the history).
 */
const FLAT_TYPES: Record<CanonicalType, FlatColumnType> = {
  string: 'string',
  json: 'string',
  integer: 'int64',
  number: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp',
};

/**
 * Encodes one versions file: identity, the table's canonical columns, then valid_from and record_hash.
 * Rows keep their order; compaction does not depend on it. No statistics: compaction reads every versions
 * file whole, so they would never prune anything.
 */
export function encodeCanonicalVersions(table: CanonicalTableName, rows: CanonicalVersion[]): Uint8Array {
  const text = (name: string, value: (version: CanonicalVersion) => string): FlatColumn => ({
    name,
    type: 'string',
    optional: false,
    values: rows.map(value),
  });
  return writeFlatParquet({
    columns: [
      text('tenant_id', (version) => version.tenantId),
      text('source', (version) => version.source),
      text('source_id', (version) => version.sourceId),
      ...CANONICAL_TABLES[table].columns.map((column) => ({
        name: column.name,
        type: FLAT_TYPES[column.type],
        optional: true,
        values: rows.map((version) => physicalValue(table, column, version)),
      })),
      {
        name: 'valid_from',
        type: 'timestamp',
        optional: false,
        values: rows.map((version) => version.validFrom),
      },
      text('record_hash', (version) => version.recordHash),
    ],
    compression: PARQUET_COMPRESSION,
    keyValueMetadata: [
      { key: 'avesa.format', value: 'canonical-versions-v1' },
      { key: 'avesa.table', value: table },
    ],
  });
}

function physicalValue(
  table: CanonicalTableName,
  column: CanonicalColumn,
  version: CanonicalVersion,
): number | boolean | string | Date | null {
  const value: CanonicalValue | undefined = version.row[column.name];
  if (value === null || value === undefined) return null;
  const fits = fitsType(column.type, value);
  if (!fits) {
    throw new CanonicalEncodingError(
      `tenant ${version.tenantId}, ${table} ${version.sourceId}: column ${column.name} expects ${column.type}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function fitsType(type: CanonicalType, value: CanonicalValue): boolean {
  switch (type) {
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
}

/** Encodes one quarantine file: the records of a chunk that failed validation, each with its reason. */
export function encodeQuarantine(rows: QuarantinedRecord[]): Uint8Array {
  const text = (
    name: string,
    value: (row: QuarantinedRecord) => string | null,
    optional = false,
  ): FlatColumn => ({
    name,
    type: 'string',
    optional,
    values: rows.map(value),
  });
  return writeFlatParquet({
    columns: [
      text('tenant_id', (row) => row.tenantId),
      text('source', (row) => row.source),
      text('table_name', (row) => row.table),
      text('source_id', (row) => row.sourceId, true),
      text('reason', (row) => row.reason),
      // Any JSON value (a record that is not valid JSON is kept as a JSON string of its text).
      {
        name: 'payload',
        type: 'json',
        optional: true,
        values: rows.map((row) => (row.payload === undefined ? null : JSON.stringify(row.payload))),
      },
      text('job_id', (row) => row.jobId),
      text('chunk_id', (row) => row.chunkId),
    ],
    compression: PARQUET_COMPRESSION,
    keyValueMetadata: [{ key: 'avesa.format', value: 'quarantine-v2' }],
  });
}
