import type { JobProgress, TableProgress, TenantProgress } from '../../services/progress/readProgress';

/** A terminal without a known width (a pipe, a file) gets the classic 80 columns. */
export const DEFAULT_WIDTH = 80;

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** Cuts text to `width` characters, marking the cut with an ellipsis. */
function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

function bar(done: number, total: number, width: number): string {
  const filled = total === 0 ? width : Math.min(width, Math.round((done / total) * width));
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/**
 * One line per tenant and source: chunks done/total, records, rate, state. Every line fits `width` columns
 * (the bar shrinks first, then the label is cut), so a live view that redraws by moving the cursor up one
 * line per line drawn never wraps and smears.
 */
export function renderProgress(progress: JobProgress, width = DEFAULT_WIDTH): string[] {
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
  const rows = lanes.map((lane) => {
    const until = lane.tenant.completedAt ? Date.parse(lane.tenant.completedAt) : Date.now();
    const rate = lane.records / Math.max(1, (until - Date.parse(progress.jobStartedAt)) / 1000);
    const planning = lane.tables.some((table) => table.chunksTotal === null);
    return {
      lane,
      planning,
      chunks: `${lane.chunksDone}/${lane.chunksTotal}`,
      records: `${formatCount(lane.records)} rec`,
      rate: `${formatCount(Math.round(rate))}/s`,
      status: laneStatus(lane.tenant, lane.tables, planning),
    };
  });
  const column = (pick: (row: (typeof rows)[number]) => string) =>
    Math.max(0, ...rows.map((row) => pick(row).length));
  const widths = {
    chunks: column((row) => row.chunks),
    records: column((row) => row.records),
    rate: column((row) => row.rate),
    status: column((row) => row.status),
  };
  const fixed = widths.chunks + widths.records + widths.rate + widths.status + 5 * 2;
  const labelWanted = Math.max(6, ...lanes.map((lane) => lane.label.length));
  // What is left for the label and the bar; the bar gives way first (down to 8), then the label.
  const room = Math.max(0, width - 1 - fixed);
  const barWidth = Math.max(0, Math.min(20, room - Math.min(labelWanted, room - 8)));
  const labelWidth = Math.max(1, room - barWidth);
  return rows.map((row) =>
    [
      truncate(row.lane.label, labelWidth).padEnd(labelWidth),
      ...(barWidth > 0
        ? [bar(row.lane.chunksDone, row.planning ? row.lane.chunksTotal + 1 : row.lane.chunksTotal, barWidth)]
        : []),
      row.chunks.padStart(widths.chunks),
      row.records.padStart(widths.records),
      row.rate.padStart(widths.rate),
      row.status,
    ]
      .join('  ')
      .slice(0, Math.max(1, width - 1)),
  );
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function laneStatus(tenant: TenantProgress, tables: TenantProgress['tables'], planning: boolean): string {
  if (tables.some((table) => table.status === 'failed')) return 'FAILED';
  if (
    tables.every((table) => table.status === 'synced' || table.status === 'paused') &&
    tables.some((table) => table.status === 'paused')
  )
    return tenant.status === 'running' ? 'compacting' : 'PAUSED';
  if (tables.every((table) => table.status === 'synced'))
    return tenant.status === 'running' ? 'compacting' : 'done';
  return statusLabel(tenant, planning);
}

function statusLabel(tenant: TenantProgress, planning: boolean): string {
  if (tenant.status === 'succeeded') return 'done';
  if (tenant.status === 'failed') return 'FAILED';
  if (tenant.status === 'paused') return 'PAUSED';
  return planning ? 'planning' : 'fetching';
}

interface SummaryColumn {
  header: string;
  value: (tenant: TenantProgress, table: TableProgress) => string;
  numeric?: boolean;
  /** Columns left out, in this order (lowest first), until the table fits the width. */
  dropRank?: number;
}

const SUMMARY_COLUMNS: SummaryColumn[] = [
  { header: 'tenant', value: (tenant) => tenant.tenantId },
  { header: 'source', value: (_tenant, table) => table.source },
  { header: 'table', value: (_tenant, table) => table.table },
  { header: 'status', value: (_tenant, table) => table.status },
  { header: 'records', value: (_tenant, table) => formatCount(table.records), numeric: true },
  {
    header: 'deleted',
    value: (_tenant, table) => formatCount(table.deleted ?? 0),
    numeric: true,
    dropRank: 0,
  },
  {
    // Backfill slices finished of those this job planned (DESIGN §11).
    header: 'backfill',
    value: (_tenant, table) => (table.backfill ? `${table.backfill.finished}/${table.backfill.slices}` : '-'),
    numeric: true,
    dropRank: 0,
  },
  { header: 'files', value: (_tenant, table) => String(table.files), numeric: true, dropRank: 1 },
  { header: 'api calls', value: (_tenant, table) => formatCount(table.apiCalls), numeric: true, dropRank: 2 },
  {
    header: 'canonical',
    value: (_tenant, table) =>
      table.currentRows !== null
        ? formatCount(table.currentRows)
        : table.status === 'synced' && table.canonicalVersions === 0
          ? 'unchanged'
          : '-',
    numeric: true,
    dropRank: 4,
  },
  {
    header: 'quarantined',
    value: (_tenant, table) => formatCount(table.quarantined),
    numeric: true,
    dropRank: 3,
  },
  {
    header: 'watermark',
    value: (_tenant, table) => table.watermark ?? '-',
    dropRank: 5,
  },
];

/**
 * The end-of-run table: per tenant, source and table, records, files, watermark, then the errors. It fits
 * `width` columns: the least needed columns are left out first (files, api calls, quarantined, canonical),
 * the watermark is then shortened to minutes, then left out; error lines are wrapped, never cut, since an
 * error's cause is the part an operator needs.
 */
export function renderSummary(progress: JobProgress, width = DEFAULT_WIDTH): string[] {
  const lines = wrap(`job ${progress.jobId} (window closed at ${progress.jobStartedAt})`, width);
  const pairs = progress.tenants.flatMap((tenant) => tenant.tables.map((table) => ({ tenant, table })));
  let watermarkToMinutes = false;
  const cellsOf = (columns: SummaryColumn[]) => [
    columns.map((column) => column.header),
    ...pairs.map(({ tenant, table }) =>
      columns.map((column) => {
        const value = column.value(tenant, table);
        return column.header === 'watermark' && watermarkToMinutes && value !== '-'
          ? value.slice(0, 16).replace('T', ' ')
          : value;
      }),
    ),
  ];
  const widthOf = (rows: string[][]) =>
    rows[0]!.reduce((total, _, index) => total + Math.max(...rows.map((row) => row[index]!.length)), 0) +
    2 * (rows[0]!.length - 1);
  // The backfill column only in a job that backfills something.
  const shown = pairs.some(({ table }) => table.backfill)
    ? SUMMARY_COLUMNS
    : SUMMARY_COLUMNS.filter((column) => column.header !== 'backfill');
  let columns = [...shown];
  const droppable = shown
    .filter((column) => column.dropRank !== undefined)
    .sort((a, b) => a.dropRank! - b.dropRank!);
  for (const column of droppable) {
    if (widthOf(cellsOf(columns)) <= width - 1) break;
    if (column.header === 'watermark' && !watermarkToMinutes) {
      watermarkToMinutes = true;
      if (widthOf(cellsOf(columns)) <= width - 1) break;
    }
    columns = columns.filter((candidate) => candidate !== column);
  }
  const rows = cellsOf(columns);
  const widths = rows[0]!.map((_, index) => Math.max(...rows.map((row) => row[index]!.length)));
  // Still too wide: the tenant column (first) gives way, its ids cut with an ellipsis.
  const others = widths.slice(1).reduce((total, value) => total + value, 0) + 2 * (widths.length - 1);
  if (others + widths[0]! > width - 1) {
    widths[0] = Math.max(6, width - 1 - others);
    for (const row of rows) row[0] = truncate(row[0]!, widths[0]);
  }
  for (const row of rows)
    lines.push(
      row
        .map((cell, index) =>
          columns[index]!.numeric ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!),
        )
        .join('  ')
        .trimEnd()
        .slice(0, Math.max(1, width - 1)),
    );
  const explain = (paused: boolean) =>
    pairs.flatMap(({ tenant, table }) =>
      table.error && (table.status === 'paused') === paused
        ? [
            `${tenant.tenantId} / ${table.source} / ${table.table}: ${table.error.code}: ${table.error.message}`,
          ]
        : [],
    );
  // A paused table is not an error (the next job resumes it), so its reason is listed on its own.
  for (const [heading, items] of [
    ['paused:', explain(true)],
    ['errors:', explain(false)],
  ] as const) {
    if (items.length === 0) continue;
    lines.push('', heading);
    for (const item of items) lines.push(...wrap(`- ${item}`, width, '  '));
  }
  return lines;
}

/** Wraps text at spaces to lines shorter than `width`, continuing with `indent`; a longer word is broken. */
export function wrap(text: string, width = DEFAULT_WIDTH, indent = ''): string[] {
  const limit = Math.max(10, width - 1);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length <= limit) {
      line = candidate;
      continue;
    }
    line = line === '' ? word : (lines.push(line), `${indent}${word}`);
    while (line.length > limit) {
      lines.push(line.slice(0, limit));
      line = `${indent}${line.slice(limit)}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
