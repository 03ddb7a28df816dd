import type { ReactNode } from 'react';
import type { EntityRow, SortOrder } from '../../../api/types';
import { formatValue } from '../../../lib/format';
import { Skeleton } from '../../Skeleton';
import { ColumnHeader } from './ColumnHeader';

export interface Column {
  /** The canonical column: what the cell shows by default and what the API sorts by. */
  key: string;
  label: string;
  sortable?: boolean;
  align?: 'left' | 'right';
  /** The order of a first click: newest or largest first for dates and numbers. */
  firstOrder?: SortOrder;
  render?: (row: EntityRow) => ReactNode;
  /** Left out on a phone's width (the record's own page has it). */
  wide?: boolean;
}

interface DataTableProps {
  caption: string;
  columns: Column[];
  rows: EntityRow[] | undefined;
  sort: { column: string; order: SortOrder };
  onSort?: (column: string, order: SortOrder) => void;
  /** Rows shown while the first page loads, so the table keeps its place. */
  placeholderRows?: number;
  /** A newer page is on its way: the rows shown are the previous page's. */
  stale?: boolean;
  empty: ReactNode;
}

export function DataTable({
  caption,
  columns,
  rows,
  sort,
  onSort,
  placeholderRows = 10,
  stale = false,
  empty,
}: DataTableProps) {
  const hidden = (column: Column) => (column.wide ? 'hidden md:table-cell' : '');
  return (
    <div
      role="region"
      aria-label={caption}
      tabIndex={0}
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-busy={rows === undefined || stale}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            {columns.map((column) => (
              <ColumnHeader
                key={column.key}
                column={column}
                sort={sort}
                onSort={column.sortable === false ? undefined : onSort}
                className={hidden(column)}
              />
            ))}
          </tr>
        </thead>
        <tbody className={`divide-y divide-slate-100 ${stale ? 'opacity-60' : ''}`}>
          {rows === undefined &&
            Array.from({ length: placeholderRows }, (_, index) => (
              <tr key={index} className="h-10">
                {columns.map((column) => (
                  <td key={column.key} className={`px-3 py-2 ${hidden(column)}`}>
                    <Skeleton className="h-4 w-full max-w-40" />
                  </td>
                ))}
              </tr>
            ))}
          {rows?.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="px-3 py-10 text-center text-slate-600">
                {empty}
              </td>
            </tr>
          )}
          {rows?.map((row) => (
            <tr key={row.id} data-id={row.id} className="h-10 hover:bg-slate-50">
              {columns.map((column) => (
                <td
                  key={column.key}
                  data-column={column.key}
                  className={`px-3 py-2 align-top ${column.align === 'right' ? 'text-right tabular-nums' : ''} ${hidden(column)}`}
                >
                  {column.render ? column.render(row) : formatValue(row[column.key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
