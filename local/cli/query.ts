import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  CANONICAL_TABLE_NAMES,
  CANONICAL_TABLES,
  HISTORY_COLUMNS,
  IDENTITY_COLUMNS,
} from '../../mappings/canonical';
import { assertTenantId } from '../../shared/config/tenantId';
import { DUCKDB_TYPES } from '../../shared/lake/canonicalParquet';

export type QueryFormat = 'table' | 'json' | 'csv';

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The history files of one canonical table across tenants (or one tenant), one per source. */
function historyFiles(lakeDir: string, table: string, tenantId?: string): string[] {
  if (!existsSync(lakeDir)) return [];
  const tenants = tenantId ? [tenantId] : readdirSync(lakeDir);
  return tenants.flatMap((tenant) => {
    const tableDir = join(lakeDir, tenant, 'canonical', table);
    if (!existsSync(tableDir)) return [];
    return readdirSync(tableDir)
      .map((source) => join(tableDir, source, 'history.parquet'))
      .filter((path) => existsSync(path));
  });
}

/**
 * Creates the views of DESIGN/issue 3 on a DuckDB connection: `{table}_history` (every version) and
 * `{table}` (current rows) for each canonical table, across tenants with `tenant_id` as a column.
 * A table with no data yet is an empty view with the canonical columns, so queries never fail on it.
 */
export function viewStatements(lakeDir: string, tenantId?: string): string[] {
  if (tenantId) assertTenantId(tenantId);
  return CANONICAL_TABLE_NAMES.flatMap((table) => {
    const files = historyFiles(lakeDir, table, tenantId);
    const columns = [...IDENTITY_COLUMNS, ...CANONICAL_TABLES[table].columns, ...HISTORY_COLUMNS];
    const source =
      files.length > 0
        ? `SELECT * FROM read_parquet([${files.map(literal).join(', ')}], union_by_name = true)`
        : `SELECT ${columns.map((column) => `CAST(NULL AS ${DUCKDB_TYPES[column.type]}) AS ${column.name}`).join(', ')} WHERE false`;
    return [
      `CREATE VIEW ${table}_history AS ${source}`,
      `CREATE VIEW ${table} AS SELECT * FROM ${table}_history WHERE is_current`,
    ];
  });
}

/** Runs one SQL statement over the lake's canonical views and formats the result. */
export async function queryLake(options: {
  lakeDir: string;
  sql: string;
  tenantId?: string;
  format: QueryFormat;
}): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const statement of viewStatements(options.lakeDir, options.tenantId))
      await connection.run(statement);
    const reader = await connection.runAndReadAll(options.sql);
    const columns = reader.columnNames();
    const rows = reader.getRowObjectsJson() as Array<Record<string, unknown>>;
    return format(columns, rows, options.format);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function format(columns: string[], rows: Array<Record<string, unknown>>, as: QueryFormat): string {
  if (as === 'json') return JSON.stringify(rows, null, 2);
  const text = (value: unknown) =>
    value === null || value === undefined
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  if (as === 'csv') {
    const escape = (value: unknown) => {
      const cell = text(value);
      return /[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
    };
    return [
      columns.map(escape).join(','),
      ...rows.map((row) => columns.map((column) => escape(row[column])).join(',')),
    ].join('\n');
  }
  const cells = [columns, ...rows.map((row) => columns.map((column) => text(row[column])))];
  const widths = columns.map((_, index) => Math.min(60, Math.max(...cells.map((row) => row[index]!.length))));
  const line = (row: string[]) =>
    row.map((cell, index) => cell.slice(0, 60).padEnd(widths[index]!)).join('  ');
  return [
    line(columns),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.slice(1).map(line),
    `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  ].join('\n');
}
