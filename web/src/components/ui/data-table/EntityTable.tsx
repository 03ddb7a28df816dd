import type { ReactNode } from 'react';
import { useEntityList } from '../../../api/queries';
import type { EntityName } from '../../../api/types';
import { QueryError } from '../../QueryError';
import { DataTable, type Column } from './DataTable';
import { FilterBar, type FilterControl } from './FilterBar';
import type { ListState } from './listState';
import { Pagination } from './Pagination';

interface EntityTableProps {
  entity: EntityName;
  state: ListState;
  columns: Column[];
  /** "tickets": the rows, for the caption, the search label and the range. */
  noun: string;
  controls?: FilterControl[];
  chips?: Array<{ param: string; label: string }>;
  fixed?: string[];
  /** Search and filter controls; off for short lists inside a record's page. */
  filterable?: boolean;
  footer?: ReactNode;
}

/** A server-side list: the API searches, filters, sorts and pages; the table shows one page. */
export function EntityTable({
  entity,
  state,
  columns,
  noun,
  controls = [],
  chips,
  fixed,
  filterable = true,
  footer,
}: EntityTableProps) {
  const list = useEntityList(entity, state.params);
  const filtered =
    Boolean(state.params.search) || Object.keys(state.params.filters).length > (fixed?.length ?? 0);
  return (
    <div className="space-y-3">
      {filterable && (
        <FilterBar
          entity={entity}
          state={state}
          controls={controls}
          noun={noun}
          {...(chips ? { chips } : {})}
          {...(fixed ? { fixed } : {})}
        />
      )}
      {list.isError && <QueryError error={list.error} what={noun} />}
      <DataTable
        caption={noun.charAt(0).toUpperCase() + noun.slice(1)}
        columns={columns}
        rows={list.isError ? [] : list.data?.data}
        sort={state.sort}
        onSort={state.setSort}
        placeholderRows={Math.min(state.params.limit, 10)}
        stale={list.isPlaceholderData}
        empty={filtered ? `No ${noun} match the search and filters.` : `No ${noun} yet.`}
      />
      <Pagination
        offset={state.params.offset}
        limit={state.params.limit}
        total={list.data?.total}
        noun={noun}
        onOffset={state.setOffset}
        {...(filterable ? { onLimit: state.setLimit } : {})}
      />
      {footer}
    </div>
  );
}
