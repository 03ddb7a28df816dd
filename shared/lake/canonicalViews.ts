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
import { layerScan, resolvedHistorySql } from './historyLayers';

/**
 * The layer files of one canonical table for the tenants given (all tenants of the lake when none): each
 * source's base (`history.parquet`) and its deltas (`history.deltas/*.parquet`), see historyLayers.ts.
 */
export function canonicalHistoryFiles(
  lakeDir: string,
  table: CanonicalTableName,
  tenantId?: string,
): { bases: string[]; deltas: string[] } {
  const files = { bases: [] as string[], deltas: [] as string[] };
  if (!existsSync(lakeDir)) return files;
  const tenants = tenantId ? [tenantId] : readdirSync(lakeDir);
  for (const tenant of tenants) {
    const tableDir = join(lakeDir, tenant, 'canonical', table);
    if (!existsSync(tableDir)) continue;
    for (const source of readdirSync(tableDir).sort()) {
      const base = join(tableDir, source, 'history.parquet');
      if (existsSync(base)) files.bases.push(base);
      const deltasDir = join(tableDir, source, 'history.deltas');
      if (existsSync(deltasDir))
        files.deltas.push(
          ...readdirSync(deltasDir)
            .filter((name) => name.endsWith('.parquet'))
            .sort()
            .map((name) => join(deltasDir, name)),
        );
    }
  }
  return files;
}

/**
 * A fingerprint of a tenant's canonical files (path, size, modification time): compaction writes a layer by
 * rename and deletes merged deltas, so it changes exactly when a compaction lands or a source's first history appears.
 */
export function canonicalFilesFingerprint(lakeDir: string, tenantId: string): string {
  return CANONICAL_TABLE_NAMES.flatMap((table) => {
    const { bases, deltas } = canonicalHistoryFiles(lakeDir, table, tenantId);
    return [...bases, ...deltas].map((path) => {
      try {
        const stat = statSync(path);
        return `${path}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        return `${path}:gone`;
      }
    });
  }).join('|');
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
    const { bases, deltas } = canonicalHistoryFiles(lakeDir, table, tenantId);
    const columns = [...IDENTITY_COLUMNS, ...CANONICAL_TABLES[table].columns, ...HISTORY_COLUMNS];
    let present = new Set<string>();
    const all = layerScan([...bases, ...deltas]);
    if (all) {
      const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${all}`);
      present = new Set(described.getRowObjectsJson().map((row) => String(row.column_name)));
    }
    const projection = columns
      .map((column) =>
        present.has(column.name)
          ? `CAST(${column.name} AS ${DUCKDB_TYPES[column.type]}) AS ${column.name}`
          : `CAST(NULL AS ${DUCKDB_TYPES[column.type]}) AS ${column.name}`,
      )
      .join(', ');
    const source = all
      ? `SELECT ${projection} FROM (${resolvedHistorySql(layerScan(bases), layerScan(deltas))})`
      : `SELECT ${projection} WHERE false`;
    await connection.run(`CREATE OR REPLACE VIEW ${table}_history AS ${source}`);
    await connection.run(
      `CREATE OR REPLACE VIEW ${table} AS SELECT * FROM ${table}_history WHERE is_current`,
    );
  }
}
