import type { SortOrder } from '../../../api/types';
import type { Column } from './DataTable';

/** A column's header; a sortable one is a button, and aria-sort says the order to screen readers. */
export function ColumnHeader({
  column,
  sort,
  onSort,
  className = '',
}: {
  column: Column;
  sort: { column: string; order: SortOrder };
  onSort: ((column: string, order: SortOrder) => void) | undefined;
  className?: string;
}) {
  const active = sort.column === column.key;
  const align = column.align === 'right' ? 'text-right' : 'text-left';
  const base = `px-3 py-2 font-semibold whitespace-nowrap text-slate-700 ${align} ${className}`;
  if (!onSort)
    return (
      <th scope="col" className={base}>
        {column.label}
      </th>
    );
  const next: SortOrder = active ? (sort.order === 'asc' ? 'desc' : 'asc') : (column.firstOrder ?? 'asc');
  return (
    <th
      scope="col"
      className={base}
      aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button
        type="button"
        onClick={() => onSort(column.key, next)}
        className="inline-flex items-center gap-1 rounded hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
        title={`Sort by ${column.label.toLowerCase()}, ${next === 'asc' ? 'ascending' : 'descending'}`}
      >
        {column.label}
        <span aria-hidden="true" className={active ? 'text-indigo-700' : 'text-slate-400'}>
          {active ? (sort.order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}
