/**
 * One tenant's analytics, as the routes see them (DESIGN §12): constructed over a tenant-scoped engine, so no
 * method can name another tenant. Every answer is cached under the tenant's data version.
 */
import type {
  AgingResponse,
  DashboardResponse,
  HistoryResponse,
  TechnicianHoursResponse,
  TicketStatusResponse,
  TopCompaniesResponse,
  TrendResponse,
} from '../contract';
import { ENTITIES, apiId, entityColumns, parseApiId, type EntityName } from '../entities';
import type { ResultCache } from './cache';
import { computeKpis, rounded } from './kpis';
import type { Row, TenantSqlEngine } from './port';
import {
  AGING_BUCKETS,
  agingQuery,
  createdClosedQuery,
  getQuery,
  kpiBounds,
  listQueries,
  openTicketsBreakdownQuery,
  reopenQuery,
  technicianHoursQuery,
  ticketHistoryQuery,
  ticketKpiQuery,
  timeKpiQuery,
  topCompaniesQuery,
  type KpiBounds,
  type ListRequest,
  type Period,
} from './queries';

export interface AnalyticsOptions {
  /** Hours a technician can work per week: the denominator of utilization (ConnectWise's own is often 0). */
  capacityHoursPerWeek: number;
  now: () => Date;
}

/** Columns that change with every version and say nothing a person would call a change. */
const UNCHANGING_FOR_HISTORY = new Set([
  'updated_at',
  'valid_from',
  'valid_to',
  'is_current',
  'record_hash',
  'deleted_at',
]);

export class TenantAnalytics {
  constructor(
    private readonly engine: TenantSqlEngine,
    private readonly cache: ResultCache,
    private readonly options: AnalyticsOptions,
  ) {}

  get tenantId(): string {
    return this.engine.tenantId;
  }

  /** The tenant's data version: an ETag that needs no query changes exactly when this does. */
  dataVersion(): Promise<string> {
    return this.engine.dataVersion();
  }

  async list(entity: EntityName, request: ListRequest): Promise<{ data: Row[]; total: number }> {
    return this.cached(`list:${entity}`, request, async () => {
      const queries = listQueries(this.engine.dialect, entity, request);
      const [rows, totals] = await Promise.all([
        this.engine.rows(queries.page),
        this.engine.rows(queries.total),
      ]);
      return { data: rows.map((row) => withId(entity, row)), total: Number(totals[0]?.total ?? 0) };
    });
  }

  /** A record by its API id, or undefined when the tenant has none (another tenant's id included). */
  async get(entity: EntityName, id: string): Promise<Row | undefined> {
    const parsed = parseApiId(id);
    if (!parsed) return undefined;
    return this.cached(`get:${entity}`, id, async () => {
      const rows = await this.engine.rows(getQuery(this.engine.dialect, entity, parsed.source, parsed.key));
      return rows[0] ? withId(entity, rows[0]) : undefined;
    });
  }

  /** Every version of a ticket, each with what changed from the one before; undefined for an unknown id. */
  async ticketHistory(id: string): Promise<HistoryResponse | undefined> {
    const parsed = parseApiId(id);
    if (!parsed) return undefined;
    return this.cached('history', id, async () => {
      const rows = await this.engine.rows(ticketHistoryQuery(this.engine.dialect, parsed.source, parsed.key));
      if (rows.length === 0) return undefined;
      const fields = entityColumns('tickets')
        .map((column) => column.name)
        .filter((name) => !UNCHANGING_FOR_HISTORY.has(name));
      return {
        id,
        versions: rows.map((row, index) => {
          const before = index > 0 ? rows[index - 1] : undefined;
          const changes = before
            ? fields
                .filter(
                  (field) => JSON.stringify(before[field] ?? null) !== JSON.stringify(row[field] ?? null),
                )
                .map((field) => ({ field, from: before[field] ?? null, to: row[field] ?? null }))
            : [];
          const { valid_to, is_current, deleted_at, ...record } = row;
          return {
            valid_from: String(row.valid_from),
            valid_to: (valid_to as string | null) ?? null,
            is_current: Boolean(is_current),
            deleted_at: (deleted_at as string | null) ?? null,
            changes,
            record: withId('tickets', record) as HistoryResponse['versions'][number]['record'],
          };
        }),
      };
    });
  }

  async dashboard(period: Period): Promise<DashboardResponse> {
    return this.cached('dashboard', period, async () => {
      const bounds = this.bounds(period);
      const d = this.engine.dialect;
      const [tickets, time, reopens] = await Promise.all([
        this.engine.rows(ticketKpiQuery(d, bounds)),
        this.engine.rows(timeKpiQuery(d, bounds)),
        this.engine.rows(reopenQuery(d, bounds)),
      ]);
      return {
        ...periods(bounds),
        kpis: computeKpis(
          { tickets: tickets[0] ?? {}, time: time[0] ?? {}, reopens: reopens[0] ?? {} },
          bounds,
          this.options.capacityHoursPerWeek,
        ),
      };
    });
  }

  async ticketStatus(): Promise<TicketStatusResponse> {
    return this.cached('ticket-status', null, async () => {
      const rows = await this.engine.rows(openTicketsBreakdownQuery(this.engine.dialect));
      const by = <K extends 'status' | 'priority' | 'board'>(key: K) => {
        const counts = new Map<string | null, number>();
        for (const row of rows) {
          const value = (row[key] as string | null) ?? null;
          counts.set(value, (counts.get(value) ?? 0) + Number(row.tickets));
        }
        return [...counts]
          .map(([value, tickets]) => ({ [key]: value, tickets }))
          .sort((a, b) => b.tickets - a.tickets || String(a[key]).localeCompare(String(b[key])));
      };
      return {
        open: rows.reduce((sum, row) => sum + Number(row.tickets), 0),
        byStatus: by('status'),
        byPriority: by('priority'),
        byBoard: by('board'),
      } as TicketStatusResponse;
    });
  }

  async createdVsClosed(period: Period, interval: 'day' | 'week' | 'month'): Promise<TrendResponse> {
    return this.cached(`trend:${interval}`, period, async () => {
      const bounds = this.bounds(period);
      const rows = await this.engine.rows(createdClosedQuery(this.engine.dialect, bounds, interval));
      const points = new Map<string, { bucket: string; created: number; closed: number }>();
      for (const bucket of bucketsOf(period, interval)) points.set(bucket, { bucket, created: 0, closed: 0 });
      for (const row of rows) {
        const bucket = String(row.bucket);
        const point = points.get(bucket) ?? { bucket, created: 0, closed: 0 };
        point[row.kind === 'created' ? 'created' : 'closed'] = Number(row.tickets);
        points.set(bucket, point);
      }
      return {
        period: periods(bounds).period,
        interval,
        points: [...points.values()].sort((a, b) => a.bucket.localeCompare(b.bucket)),
      };
    });
  }

  async aging(): Promise<AgingResponse> {
    return this.cached('aging', null, async () => {
      const now = this.options.now();
      const bounds = this.bounds({ from: now, to: now });
      const rows = await this.engine.rows(agingQuery(this.engine.dialect, bounds));
      return {
        asOf: bounds.asOf.toISOString(),
        buckets: AGING_BUCKETS.map((bucket, index) => {
          const row = rows.find((candidate) => Number(candidate.bucket) === index);
          return {
            label: bucket.label,
            tickets: Number(row?.tickets ?? 0),
            overdue: Number(row?.overdue ?? 0),
          };
        }),
      };
    });
  }

  async technicianHours(period: Period): Promise<TechnicianHoursResponse> {
    return this.cached('technicians', period, async () => {
      const bounds = this.bounds(period);
      const rows = await this.engine.rows(technicianHoursQuery(this.engine.dialect, bounds));
      const weeks = (period.to.getTime() - period.from.getTime()) / (7 * 86400_000);
      const capacity = this.options.capacityHoursPerWeek * weeks;
      return {
        period: periods(bounds).period,
        technicians: rows.map((row) => ({
          member: String(row.member),
          hours: rounded(Number(row.hours), 2) ?? 0,
          billableHours: rounded(Number(row.billable_hours), 2) ?? 0,
          entries: Number(row.entries),
          utilization: capacity > 0 ? rounded(Number(row.hours) / capacity) : null,
        })),
      };
    });
  }

  async topCompanies(period: Period, by: 'tickets' | 'hours', limit: number): Promise<TopCompaniesResponse> {
    return this.cached(`top-companies:${by}:${limit}`, period, async () => {
      const bounds = this.bounds(period);
      const rows = await this.engine.rows(topCompaniesQuery(this.engine.dialect, bounds, by, limit));
      return {
        period: periods(bounds).period,
        by,
        companies: rows.map((row) => ({
          id: apiId(String(row.source), String(row.company_id)),
          source: String(row.source),
          company_id: String(row.company_id),
          name: (row.company_name as string | null) ?? null,
          tickets: Number(row.tickets),
          hours: rounded(Number(row.hours), 2) ?? 0,
        })),
      };
    });
  }

  private bounds(period: Period): KpiBounds {
    return kpiBounds(period, this.options.now());
  }

  /**
   * The answer under (tenant, data version, question). "Now" is not part of the key: answers that depend on it
   * (the backlog at the end of today's period) are as old as the cache's TTL at most.
   */
  private async cached<T>(question: string, parameters: unknown, compute: () => Promise<T>): Promise<T> {
    const version = await this.engine.dataVersion();
    const key = JSON.stringify([this.engine.tenantId, version, question, parameters]);
    return this.cache.get(key, compute);
  }
}

function withId(entity: EntityName, row: Row): Row {
  const key = row[ENTITIES[entity].idColumn];
  return { id: apiId(String(row.source), String(key)), ...row };
}

function periods(bounds: KpiBounds) {
  return {
    period: { from: bounds.period.from.toISOString(), to: bounds.period.to.toISOString() },
    previousPeriod: { from: bounds.previous.from.toISOString(), to: bounds.previous.to.toISOString() },
    asOf: bounds.asOf.toISOString(),
  };
}

/** The bucket labels (YYYY-MM-DD of the bucket's first day, UTC) a period spans, so empty days show as 0. */
export function bucketsOf(period: Period, interval: 'day' | 'week' | 'month'): string[] {
  const start = (date: Date) => {
    const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
    if (interval === 'week') day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
    if (interval === 'month') day.setUTCDate(1);
    return day;
  };
  const buckets: string[] = [];
  for (
    let bucket = start(period.from);
    bucket < period.to && buckets.length < 4000;
    interval === 'month'
      ? bucket.setUTCMonth(bucket.getUTCMonth() + 1)
      : bucket.setUTCDate(bucket.getUTCDate() + (interval === 'week' ? 7 : 1))
  )
    buckets.push(bucket.toISOString().slice(0, 10));
  return buckets;
}
