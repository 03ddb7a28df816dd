import type { JobProgress, TenantProgress } from '../../services/progress/readProgress';

const BAR_WIDTH = 20;

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

function bar(done: number, total: number): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
}

/** One line per tenant: chunks done/total, records, rate, state. */
export function renderProgress(progress: JobProgress): string[] {
  const width = Math.max(...progress.tenants.map((tenant) => tenant.tenantId.length), 6);
  return progress.tenants.map((tenant) => {
    const until = tenant.completedAt ? Date.parse(tenant.completedAt) : Date.now();
    const rate = tenant.records / Math.max(1, (until - Date.parse(progress.jobStartedAt)) / 1000);
    const planning = tenant.tables.some((table) => table.chunksTotal === null);
    return [
      tenant.tenantId.padEnd(width),
      bar(tenant.chunksDone, planning ? tenant.chunksTotal + 1 : tenant.chunksTotal),
      `${String(tenant.chunksDone).padStart(4)}/${String(tenant.chunksTotal).padEnd(4)} chunks`,
      `${formatCount(tenant.records).padStart(10)} records`,
      `${formatCount(Math.round(rate)).padStart(8)} rec/s`,
      statusLabel(tenant, planning),
    ].join('  ');
  });
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
    ['tenant', 'table', 'status', 'records', 'files', 'api calls', 'canonical', 'quarantined', 'watermark'],
  ];
  const errors: string[] = [];
  for (const tenant of progress.tenants) {
    for (const table of tenant.tables) {
      rows.push([
        tenant.tenantId,
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
        errors.push(`${tenant.tenantId} / ${table.table}: ${table.error.code}: ${table.error.message}`);
    }
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    lines.push(
      row
        .map((cell, column) =>
          column >= 3 && column <= 7 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
        )
        .join('  '),
    );
  if (errors.length > 0) lines.push('', 'errors:', ...errors.map((error) => `  ${error}`));
  return lines;
}
