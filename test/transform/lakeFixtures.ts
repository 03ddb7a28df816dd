import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CANONICAL_TABLES } from '../../mappings/canonical';
import type { CanonicalRow } from '../../mappings/compile';
import type { CanonicalVersion } from '../../shared/lake/canonicalParquet';
import { recordHash } from '../../services/transform/scd2';

export const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, second));

/** A ticket as the mapping produces it: every canonical column present, optional ones null unless given. */
export function ticketRow(overrides: CanonicalRow = {}): CanonicalRow {
  const row: CanonicalRow = Object.fromEntries(
    CANONICAL_TABLES.tickets.columns.map((column) => [column.name, null]),
  );
  return { ...row, ticket_id: '1', updated_at: at(0), ...overrides };
}

export function ticketVersion(
  sourceId: string,
  validFrom: Date,
  overrides: CanonicalRow = {},
  tenantId = 'acme',
): CanonicalVersion {
  const row = ticketRow({ ticket_id: sourceId, updated_at: validFrom, ...overrides });
  return { tenantId, source: 'connectwise', sourceId, validFrom, recordHash: recordHash(row), row };
}

export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'avesa-transform-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs one query in a fresh in-memory DuckDB, as a reader of the lake would. */
export async function query(sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function columnTypes(file: string): Promise<Record<string, string>> {
  const rows = await query(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
  return Object.fromEntries(rows.map((row) => [String(row.column_name), String(row.column_type)]));
}
