import type { JobProgress, TenantProgress } from '../../services/progress/readProgress';

const BAR_WIDTH = 20;

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

function bar(done: number, total: number): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
}

/** One line per tenant and source: chunks done/total, records, rate, state. */
export function renderProgress(progress: JobProgress): string[] {
  const lanes = progress.tenants.flatMap((tenant) =>
    [...new Set(tenant.tables.map((table) => table.source))].map((source) => {
      const tables = tenant.tables.filter((table) => table.source === source);
      return {
        label: `${tenant.tenantId} ${source}`,
        tenant,
        tables,
        records: sum(tables.map((table) => table.records)),
        chunksDone: sum(tables.map((table) => table.chunksDone)),
        chunksTotal: sum(tables.map((table) => table.chunksTotal ?? 0)),
      };
    }),
  );
  const width = Math.max(...lanes.map((lane) => lane.label.length), 6);
  return lanes.map((lane) => {
    const until = lane.tenant.completedAt ? Date.parse(lane.tenant.completedAt) : Date.now();
    const rate = lane.records / Math.max(1, (until - Date.parse(progress.jobStartedAt)) / 1000);
    const planning = lane.tables.some((table) => table.chunksTotal === null);
    return [
      lane.label.padEnd(width),
      bar(lane.chunksDone, planning ? lane.chunksTotal + 1 : lane.chunksTotal),
      `${String(lane.chunksDone).padStart(4)}/${String(lane.chunksTotal).padEnd(4)} chunks`,
      `${formatCount(lane.records).padStart(10)} records`,
      `${formatCount(Math.round(rate)).padStart(8)} rec/s`,
      laneStatus(lane.tenant, lane.tables, planning),
    ].join('  ');
  });
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function laneStatus(tenant: TenantProgress, tables: TenantProgress['tables'], planning: boolean): string {
  if (tables.some((table) => table.status === 'failed')) return 'FAILED';
  if (tables.every((table) => table.status === 'synced'))
    return tenant.status === 'running' ? 'compacting' : 'done';
  return statusLabel(tenant, planning);
}

function statusLabel(tenant: TenantProgress, planning: boolean): string {
  if (tenant.status === 'succeeded') return 'done';
  if (tenant.status === 'failed') return 'FAILED';
  return planning ? 'planning' : 'fetching';
}

/** The end-of-run table: per tenant and table, records, files, watermark, errors. */
export function renderSummary(progress: JobProgress): string[] {
  const lines = [`job ${progress.jobId} (window closed at ${progress.jobStartedAt})`];
  const rows: string[][] = [
    [
      'tenant',
      'source',
      'table',
      'status',
      'records',
      'files',
      'api calls',
      'canonical',
      'quarantined',
      'watermark',
    ],
  ];
  const errors: string[] = [];
  for (const tenant of progress.tenants) {
    for (const table of tenant.tables) {
      rows.push([
        tenant.tenantId,
        table.source,
        table.table,
        table.status,
        formatCount(table.records),
        String(table.files),
        formatCount(table.apiCalls),
        table.currentRows === null ? '-' : formatCount(table.currentRows),
        formatCount(table.quarantined),
        table.watermark ?? '-',
      ]);
      if (table.error)
        errors.push(
          `${tenant.tenantId} / ${table.source} / ${table.table}: ${table.error.code}: ${table.error.message}`,
        );
    }
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    lines.push(
      row
        .map((cell, column) =>
          column >= 4 && column <= 8 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
        )
        .join('  '),
    );
  if (errors.length > 0) lines.push('', 'errors:', ...errors.map((error) => `  ${error}`));
  return lines;
}
