import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  CANONICAL_TABLE_NAMES,
  CANONICAL_TABLES,
  HISTORY_COLUMNS,
  IDENTITY_COLUMNS,
  type CanonicalTableName,
} from '../../mappings/canonical';
import { assertTenantId } from '../config/tenantId';
import { DUCKDB_TYPES } from './canonicalParquet';

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The history files of one canonical table for the tenants given (all tenants of the lake when none), one per source. */
export function canonicalHistoryFiles(
  lakeDir: string,
  table: CanonicalTableName,
  tenantId?: string,
): string[] {
  if (!existsSync(lakeDir)) return [];
  const tenants = tenantId ? [tenantId] : readdirSync(lakeDir);
  return tenants.flatMap((tenant) => {
    const tableDir = join(lakeDir, tenant, 'canonical', table);
    if (!existsSync(tableDir)) return [];
    return readdirSync(tableDir)
      .sort()
      .map((source) => join(tableDir, source, 'history.parquet'))
      .filter((path) => existsSync(path));
  });
}

/**
 * A fingerprint of a tenant's canonical files (path, size, modification time): compaction replaces a history
 * file by rename, so it changes exactly when a compaction lands or a source's first history appears.
 */
export function canonicalFilesFingerprint(lakeDir: string, tenantId: string): string {
  return CANONICAL_TABLE_NAMES.flatMap((table) =>
    canonicalHistoryFiles(lakeDir, table, tenantId).map((path) => {
      try {
        const stat = statSync(path);
        return `${path}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        return `${path}:gone`;
      }
    }),
  ).join('|');
}

/**
 * Creates, on a DuckDB connection, the canonical views: `{table}_history` (every version) and `{table}` (current
 * rows) per canonical table, over the given tenant's files (or every tenant's), with `tenant_id` as a column.
 * Each view has exactly the canonical columns, typed: a column no file has yet (a field added to the model after
 * the files were written, or a table with no data at all) is NULL, so queries never fail on an older lake.
 */
export async function createCanonicalViews(
  connection: DuckDBConnection,
  lakeDir: string,
  tenantId?: string,
): Promise<void> {
  if (tenantId) assertTenantId(tenantId);
  for (const table of CANONICAL_TABLE_NAMES) {
    const files = canonicalHistoryFiles(lakeDir, table, tenantId);
    const columns = [...IDENTITY_COLUMNS, ...CANONICAL_TABLES[table].columns, ...HISTORY_COLUMNS];
    let present = new Set<string>();
    const scan = `read_parquet([${files.map(literal).join(', ')}], union_by_name = true)`;
    if (files.length > 0) {
      const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${scan}`);
      present = new Set(described.getRowObjectsJson().map((row) => String(row.column_name)));
    }
    const projection = columns
      .map((column) =>
        present.has(column.name)
          ? `CAST(${column.name} AS ${DUCKDB_TYPES[column.type]}) AS ${column.name}`
          : `CAST(NULL AS ${DUCKDB_TYPES[column.type]}) AS ${column.name}`,
      )
      .join(', ');
    const source =
      files.length > 0 ? `SELECT ${projection} FROM ${scan}` : `SELECT ${projection} WHERE false`;
    await connection.run(`CREATE OR REPLACE VIEW ${table}_history AS ${source}`);
    await connection.run(
      `CREATE OR REPLACE VIEW ${table} AS SELECT * FROM ${table}_history WHERE is_current`,
    );
  }
}
