/**
 * The state of a list (search, filters, sort, page) in one place: in the URL for a page of its own (links and
 * the back button keep it), in memory for a list embedded in a record's page. Changing what is shown goes
 * back to the first page.
 */
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ENTITIES } from '../../../../../api/entities';
import type { EntityName, ListParams, SortOrder } from '../../../api/types';

export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 25;

export interface ListState {
  params: ListParams;
  /** The sort in effect: the chosen one, or the entity's default. */
  sort: { column: string; order: SortOrder };
  setSearch(search: string): void;
  setFilter(param: string, value: string | undefined): void;
  setSort(column: string, order: SortOrder): void;
  setOffset(offset: number): void;
  setLimit(limit: number): void;
  /** No search and no filters (but the fixed ones of an embedded list). */
  clear(): void;
}

interface Values {
  search?: string;
  sort?: string;
  order?: SortOrder;
  offset: number;
  limit: number;
  filters: Record<string, string>;
}

function filterParams(entity: EntityName): string[] {
  return ENTITIES[entity].filters.map((filter) => filter.param);
}

function readUrl(entity: EntityName, search: URLSearchParams): Values {
  const limit = Number(search.get('limit'));
  const offset = Number(search.get('offset'));
  const order = search.get('order');
  const filters: Record<string, string> = {};
  for (const param of filterParams(entity)) {
    const value = search.get(param);
    if (value) filters[param] = value;
  }
  return {
    ...(search.get('search') ? { search: search.get('search')! } : {}),
    ...(search.get('sort') ? { sort: search.get('sort')! } : {}),
    ...(order === 'asc' || order === 'desc' ? { order } : {}),
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
    limit: (PAGE_SIZES as readonly number[]).includes(limit) ? limit : DEFAULT_PAGE_SIZE,
    filters,
  };
}

function toParams(values: Values, fixedFilters: Record<string, string>): ListParams {
  return {
    limit: values.limit,
    offset: values.offset,
    ...(values.search ? { search: values.search } : {}),
    ...(values.sort ? { sort: values.sort } : {}),
    ...(values.order ? { order: values.order } : {}),
    filters: { ...values.filters, ...fixedFilters },
  };
}

function transitions(values: Values, update: (next: Values, push: boolean) => void) {
  const firstPage = { ...values, offset: 0 };
  return {
    setSearch: (search: string) => {
      const { search: _old, ...rest } = firstPage;
      update(search ? { ...rest, search } : rest, false);
    },
    setFilter: (param: string, value: string | undefined) => {
      const filters = { ...values.filters };
      if (value) filters[param] = value;
      else delete filters[param];
      update({ ...firstPage, filters }, true);
    },
    setSort: (sort: string, order: SortOrder) => update({ ...firstPage, sort, order }, true),
    setOffset: (offset: number) => update({ ...values, offset }, true),
    setLimit: (limit: number) => update({ ...firstPage, limit }, true),
    clear: () => {
      const { search: _search, ...rest } = firstPage;
      update({ ...rest, filters: {} }, true);
    },
  };
}

function sortInEffect(entity: EntityName, values: Values) {
  const fallback = ENTITIES[entity].defaultSort;
  return {
    column: values.sort ?? fallback.column,
    order: values.order ?? (values.sort ? 'asc' : fallback.order),
  };
}

/** A list whose state is the page's URL: `/tickets?status=New&sort=priority&order=asc&offset=50`. */
export function useUrlListState(entity: EntityName): ListState {
  const [search, setSearch] = useSearchParams();
  const key = search.toString();
  return useMemo(() => {
    const values = readUrl(entity, new URLSearchParams(key));
    const update = (next: Values, push: boolean) => {
      const params = new URLSearchParams();
      if (next.search) params.set('search', next.search);
      for (const [name, value] of Object.entries(next.filters)) params.set(name, value);
      if (next.sort) params.set('sort', next.sort);
      if (next.order) params.set('order', next.order);
      if (next.limit !== DEFAULT_PAGE_SIZE) params.set('limit', String(next.limit));
      if (next.offset > 0) params.set('offset', String(next.offset));
      // Typing a search replaces the history entry; paging, sorting and filtering add one.
      setSearch(params, { replace: !push });
    };
    return {
      params: toParams(values, {}),
      sort: sortInEffect(entity, values),
      ...transitions(values, update),
    };
  }, [entity, key, setSearch]);
}

/** A list inside a record's page (a company's tickets): always within `fixedFilters`, its state in memory. */
export function useLocalListState(
  entity: EntityName,
  fixedFilters: Record<string, string>,
  limit = 10,
): ListState {
  const [values, setValues] = useState<Values>({ offset: 0, limit, filters: {} });
  const fixedKey = JSON.stringify(fixedFilters);
  return useMemo(() => {
    const fixed = JSON.parse(fixedKey) as Record<string, string>;
    return {
      params: toParams(values, fixed),
      sort: sortInEffect(entity, values),
      ...transitions(values, (next) => setValues(next)),
    };
  }, [entity, values, fixedKey]);
}
