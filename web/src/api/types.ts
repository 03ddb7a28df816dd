/**
 * The API's shapes as the dashboard reads them. Everything comes from the server's own contract
 * (api/contract.ts, api/entities.ts) as types only, so nothing of zod reaches the bundle.
 */
import type { PERIODS } from '../../../api/contract';
import type { ENTITIES } from '../../../api/entities';

export type {
  AgingResponse,
  DashboardResponse,
  HistoryResponse,
  PipelineResponse,
  TechnicianHoursResponse,
  TicketStatusResponse,
  TopCompaniesResponse,
  TrendResponse,
} from '../../../api/contract';

export type Period = keyof typeof PERIODS;
export type EntityName = keyof typeof ENTITIES;

/** A record: its canonical columns by name, and `id` = `{source}:{key at the source}`. */
export type EntityRow = { id: string } & Record<string, unknown>;

export interface ListPage {
  data: EntityRow[];
  total: number;
  limit: number;
  offset: number;
}

export type SortOrder = 'asc' | 'desc';

export interface ListParams {
  limit: number;
  offset: number;
  search?: string;
  sort?: string;
  order?: SortOrder;
  /** The entity's filters by query parameter (`status`, `company_id`, `entered_from`, …). */
  filters: Record<string, string>;
}
