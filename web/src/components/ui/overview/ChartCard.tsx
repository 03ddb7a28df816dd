import { Suspense, type ReactNode } from 'react';
import { Card } from '../../Card';
import { EmptyState } from '../../EmptyState';
import { QueryError } from '../../QueryError';
import { Skeleton } from '../../Skeleton';

interface ChartCardProps {
  title: string;
  description: string;
  /** The chart's own height: loading, empty and error states take the same, so nothing moves. */
  height?: number;
  loading: boolean;
  error: unknown;
  empty: boolean;
  emptyText: string;
  actions?: ReactNode;
  chart: ReactNode;
  /** The same numbers as a table, for screen readers and for anyone who wants them exact. */
  table?: ReactNode;
  className?: string;
}

export function ChartCard({
  title,
  description,
  height = 240,
  loading,
  error,
  empty,
  emptyText,
  actions,
  chart,
  table,
  className = '',
}: ChartCardProps) {
  const placeholder = <Skeleton className="h-full w-full" />;
  return (
    <Card title={title} description={description} actions={actions} className={className}>
      <div style={{ height }} className="relative" aria-busy={loading}>
        {error ? (
          <div className="flex h-full items-center">
            <QueryError error={error} what={title.toLowerCase()} />
          </div>
        ) : loading ? (
          placeholder
        ) : empty ? (
          <EmptyState title={emptyText} className="h-full rounded border border-dashed border-slate-200" />
        ) : (
          // The chart library is loaded on its own; its box is already the right size.
          <Suspense fallback={placeholder}>
            <div
              role="img"
              aria-label={`${title}: chart (the numbers are in the table below it)`}
              className="h-full"
            >
              {chart}
            </div>
          </Suspense>
        )}
      </div>
      {table && !loading && !error && !empty && (
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer text-indigo-700 hover:underline">Show the numbers</summary>
          <div className="mt-2 max-h-64 overflow-auto">{table}</div>
        </details>
      )}
    </Card>
  );
}

/** A plain table of a chart's data. */
export function NumbersTable({
  caption,
  headers,
  rows,
}: {
  caption: string;
  headers: string[];
  rows: Array<{ key: string; cells: ReactNode[] }>;
}) {
  return (
    <table className="w-full text-sm tabular-nums">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr className="text-left text-xs text-slate-500 uppercase">
          {headers.map((header, index) => (
            <th key={header} scope="col" className={`py-1 pr-3 font-medium ${index > 0 ? 'text-right' : ''}`}>
              {header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((row) => (
          <tr key={row.key}>
            {row.cells.map((cell, index) =>
              index === 0 ? (
                <th key={index} scope="row" className="py-1 pr-3 text-left font-normal">
                  {cell}
                </th>
              ) : (
                <td key={index} className="py-1 pr-3 text-right">
                  {cell}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
