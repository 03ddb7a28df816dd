import { Link } from 'react-router';
import { useEntityList } from '../../../api/queries';
import type { EntityName } from '../../../api/types';
import { formatInteger } from '../../../lib/format';
import { listPath } from '../../../lib/records';
import { Card } from '../../Card';
import { Skeleton } from '../../Skeleton';
import type { Column } from '../data-table/DataTable';
import { EntityTable } from '../data-table/EntityTable';
import { useLocalListState } from '../data-table/listState';

interface RelatedListProps {
  title: string;
  entity: EntityName;
  noun: string;
  columns: Column[];
  /** What ties the rows to the record (`{ source, company_id }`). */
  filters: Record<string, string>;
}

/** A record's related rows (a company's tickets), ten at a time, with a link to all of them on their own page. */
export function RelatedList({ title, entity, noun, columns, filters }: RelatedListProps) {
  const state = useLocalListState(entity, filters);
  return (
    <Card
      title={title}
      actions={
        <Link to={listPath(entity, filters)} className="text-sm font-medium text-indigo-700 hover:underline">
          Search and filter all {noun} <span aria-hidden="true">→</span>
        </Link>
      }
    >
      <EntityTable
        entity={entity}
        state={state}
        columns={columns}
        noun={noun}
        filterable={false}
        fixed={Object.keys(filters)}
      />
    </Card>
  );
}

/** How many rows of an entity match some filters (one row fetched; the total is the answer). */
export function RecordCount({
  label,
  entity,
  filters,
}: {
  label: string;
  entity: EntityName;
  filters: Record<string, string>;
}) {
  const list = useEntityList(entity, { limit: 1, offset: 0, filters });
  return (
    <div role="group" aria-label={label} className="rounded-lg border border-slate-200 bg-white px-4 py-3">
      <p className="text-sm text-slate-600">{label}</p>
      <p className="mt-1 h-8 text-2xl font-semibold tabular-nums">
        {list.data ? (
          <data value={list.data.total}>{formatInteger(list.data.total)}</data>
        ) : list.isError ? (
          '—'
        ) : (
          <Skeleton className="h-7 w-16" />
        )}
      </p>
    </div>
  );
}
