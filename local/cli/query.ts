import { DuckDBInstance } from '@duckdb/node-api';
import { createCanonicalViews } from '../../shared/lake/canonicalViews';

export type QueryFormat = 'table' | 'json' | 'csv';

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
    await createCanonicalViews(connection, options.lakeDir, options.tenantId);
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
