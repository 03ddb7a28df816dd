/**
 * One hook per API read, on TanStack Query: cached per tenant session (the cache is cleared when the session
 * ends), lists keep the previous page on screen while the next loads, and 4xx answers are not retried.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ENTITIES } from '../../../api/entities';
import { useApi } from './context';
import type {
  AgingResponse,
  DashboardResponse,
  EntityName,
  EntityRow,
  HistoryResponse,
  ListPage,
  ListParams,
  Period,
  PipelineResponse,
  TechnicianHoursResponse,
  TicketStatusResponse,
  TopCompaniesResponse,
  TrendResponse,
} from './types';

export function useDashboard(period: Period) {
  const api = useApi();
  return useQuery({
    queryKey: ['analytics', 'dashboard', period],
    queryFn: ({ signal }) => api.get<DashboardResponse>('/api/analytics/dashboard', { period }, signal),
    // Changing the period keeps the tiles in place, dimmed, until the new numbers arrive.
    placeholderData: keepPreviousData,
  });
}

export function useTicketStatus() {
  const api = useApi();
  return useQuery({
    queryKey: ['analytics', 'tickets', 'status'],
    queryFn: ({ signal }) => api.get<TicketStatusResponse>('/api/analytics/tickets/status', {}, signal),
  });
}

export type TrendInterval = TrendResponse['interval'];

/** Days for a week or a month, weeks for a quarter, months for a year: a readable number of points. */
export function trendInterval(period: Period): TrendInterval {
  return period === '365d' ? 'month' : period === '90d' ? 'week' : 'day';
}

export function useTicketTrend(period: Period) {
  const api = useApi();
  const interval = trendInterval(period);
  return useQuery({
    queryKey: ['analytics', 'tickets', 'trend', period, interval],
    queryFn: ({ signal }) =>
      api.get<TrendResponse>('/api/analytics/tickets/trend', { period, interval }, signal),
  });
}

export function useTicketAging() {
  const api = useApi();
  return useQuery({
    queryKey: ['analytics', 'tickets', 'aging'],
    queryFn: ({ signal }) => api.get<AgingResponse>('/api/analytics/tickets/aging', {}, signal),
  });
}

export function useTechnicianHours(period: Period) {
  const api = useApi();
  return useQuery({
    queryKey: ['analytics', 'technicians', 'hours', period],
    queryFn: ({ signal }) =>
      api.get<TechnicianHoursResponse>('/api/analytics/technicians/hours', { period }, signal),
  });
}

export function useTopCompanies(period: Period, by: 'tickets' | 'hours', limit = 10) {
  const api = useApi();
  return useQuery({
    queryKey: ['analytics', 'companies', 'top', period, by, limit],
    queryFn: ({ signal }) =>
      api.get<TopCompaniesResponse>('/api/analytics/companies/top', { period, by, limit }, signal),
  });
}

export function useEntityList(entity: EntityName, params: ListParams) {
  const api = useApi();
  const { filters, ...paging } = params;
  return useQuery({
    queryKey: ['entities', entity, 'list', params],
    queryFn: ({ signal }) =>
      api.get<ListPage>(`/api/${ENTITIES[entity].path}`, { ...paging, ...filters }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useEntity(entity: EntityName, id: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['entities', entity, 'one', id],
    queryFn: ({ signal }) =>
      api.get<EntityRow>(`/api/${ENTITIES[entity].path}/${encodeURIComponent(id)}`, {}, signal),
  });
}

export function useTicketHistory(id: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ['entities', 'tickets', 'history', id],
    queryFn: ({ signal }) =>
      api.get<HistoryResponse>(`/api/tickets/${encodeURIComponent(id)}/history`, {}, signal),
    enabled,
  });
}

export function usePipeline(enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ['pipeline'],
    queryFn: ({ signal }) => api.get<PipelineResponse>('/api/pipeline', {}, signal),
    enabled,
    // Freshness is the point of the page: look again every minute while it is open.
    refetchInterval: 60_000,
  });
}
