/**
 * The contract's oracle: every TenantAnalytics answer computed in plain TypeScript from the history rows the
 * contract lake was generated from (contractLake.ts), with no engine and no SQL. A bug the two engines share
 * (in api/store/queries.ts, say) makes them agree with each other but not with this.
 *
 * It restates the KPI definitions (reference/analytics-platform.md §4.2, api/store/kpis.ts) with SQL's NULL
 * rules spelt out: a comparison with NULL is not true, sums skip NULL, medians interpolate.
 */
import { CANONICAL_TABLES, IDENTITY_COLUMNS, type CanonicalTableName } from '../../mappings/canonical';
import type { CanonicalValue } from '../../mappings/compile';
import { ENTITIES, type EntityName } from '../../api/entities';
import { AGING_BUCKETS, kpiBounds, type ListRequest, type Period } from '../../api/store/queries';
import { bucketsOf } from '../../api/store/tenantAnalytics';
import type { HistoryRow, TenantHistory } from './contractLake';

type Row = Record<string, unknown>;

const time = (value: CanonicalValue | undefined): number | null =>
  value instanceof Date ? value.getTime() : null;
const num = (value: CanonicalValue | undefined): number | null => (typeof value === 'number' ? value : null);
/** DuckDB's and ClickHouse's date_diff('second'): second boundaries crossed, not elapsed time. */
const secondsBetween = (from: number, to: number) => Math.floor(to / 1000) - Math.floor(from / 1000);
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
/** quantile_cont(…, 0.5): linear interpolation between the middle values; null for none. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) / 2;
  const low = Math.floor(position);
  return sorted[low]! + (sorted[Math.ceil(position)]! - sorted[low]!) * (position - low);
}
const ratio = (numerator: number | null, denominator: number | null) =>
  numerator === null || denominator === null || denominator === 0 ? null : numerator / denominator;
const round = (value: number | null, digits = 4) =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;
/** Byte order of UTF-8, which is how both engines sort text. */
const compareText = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** A value as the API serves it: ISO timestamps, parsed JSON. */
function served(value: CanonicalValue | undefined, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (type === 'json' && typeof value === 'string') return JSON.parse(value);
  return value;
}

function entityRow(entity: EntityName, row: HistoryRow): Row {
  const table = ENTITIES[entity].table;
  const columns = [
    ...IDENTITY_COLUMNS,
    ...CANONICAL_TABLES[table].columns,
    { name: 'valid_from', type: 'timestamp' },
  ];
  const result: Row = {
    id: `${row.source}:${String(row[ENTITIES[entity].idColumn])}`,
  };
  for (const column of columns) result[column.name] = served(row[column.name], column.type);
  return result;
}

function compareValues(a: CanonicalValue | undefined, b: CanonicalValue | undefined): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareText(String(a), String(b));
}

export class AnalyticsOracle {
  constructor(
    private readonly history: TenantHistory,
    private readonly now: Date,
    private readonly capacityHoursPerWeek: number,
  ) {}

  private current(table: CanonicalTableName): HistoryRow[] {
    return this.history[table].filter((row) => row.is_current);
  }

  list(entity: EntityName, request: ListRequest): { data: Row[]; total: number } {
    const definition = ENTITIES[entity];
    let rows = this.current(definition.table);
    for (const filter of definition.filters) {
      const value = request.filters[filter.param];
      if (value === undefined) continue;
      rows = rows.filter((row) => {
        const cell = row[filter.column];
        switch (filter.kind) {
          case 'text':
            return cell !== null && cell !== undefined && String(cell) === String(value);
          case 'boolean':
            return (cell ?? false) === (value === true || value === 'true');
          case 'from':
          case 'to': {
            const at = time(cell);
            const bound = value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
            return at !== null && (filter.kind === 'from' ? at >= bound : at < bound);
          }
        }
      });
    }
    if (request.search) {
      const term = request.search.toLowerCase();
      rows = rows.filter((row) =>
        definition.searchColumns.some((column) => {
          const cell = row[column];
          return typeof cell === 'string' && cell.toLowerCase().includes(term);
        }),
      );
    }
    const direction = request.order === 'desc' ? -1 : 1;
    const sorted = [...rows].sort((a, b) => {
      const x = request.sort === 'valid_from' ? a.valid_from : a[request.sort];
      const y = request.sort === 'valid_from' ? b.valid_from : b[request.sort];
      const xNull = x === null || x === undefined;
      const yNull = y === null || y === undefined;
      if (xNull !== yNull) return xNull ? 1 : -1;
      const byColumn = xNull ? 0 : compareValues(x, y) * direction;
      return (
        byColumn ||
        compareText(a.source, b.source) ||
        compareText(String(a[definition.idColumn]), String(b[definition.idColumn]))
      );
    });
    return {
      data: sorted.slice(request.offset, request.offset + request.limit).map((row) => entityRow(entity, row)),
      total: rows.length,
    };
  }

  get(entity: EntityName, id: string): Row | undefined {
    const definition = ENTITIES[entity];
    const separator = id.indexOf(':');
    const [source, key] = [id.slice(0, separator), id.slice(separator + 1)];
    const row = this.current(definition.table).find(
      (candidate) => candidate.source === source && String(candidate[definition.idColumn]) === key,
    );
    return row ? entityRow(entity, row) : undefined;
  }

  ticketHistory(id: string) {
    const separator = id.indexOf(':');
    const [source, key] = [id.slice(0, separator), id.slice(separator + 1)];
    const versions = this.history.tickets
      .filter((row) => row.source === source && row.ticket_id === key)
      .sort((a, b) => a.valid_from.getTime() - b.valid_from.getTime());
    if (versions.length === 0) return undefined;
    const unchanging = new Set([
      'updated_at',
      'valid_from',
      'valid_to',
      'is_current',
      'record_hash',
      'deleted_at',
    ]);
    const fields = [...IDENTITY_COLUMNS, ...CANONICAL_TABLES.tickets.columns]
      .map((column) => column.name)
      .filter((name) => !unchanging.has(name));
    return {
      id,
      versions: versions.map((row, index) => {
        const record = entityRow('tickets', row);
        const before = index > 0 ? entityRow('tickets', versions[index - 1]!) : undefined;
        return {
          valid_from: row.valid_from.toISOString(),
          valid_to: row.valid_to?.toISOString() ?? null,
          is_current: row.is_current,
          deleted_at: row.deleted_at?.toISOString() ?? null,
          changes: before
            ? fields
                .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(record[field]))
                .map((field) => ({ field, from: before[field], to: record[field] }))
            : [],
          record,
        };
      }),
    };
  }

  dashboard(period: Period) {
    const bounds = kpiBounds(period, this.now);
    const tickets = this.current('tickets');
    const entries = this.current('time_entries');
    const closedFlag = (row: HistoryRow) => row.closed === true;
    const openAt = (row: HistoryRow, instant: number) => {
      const entered = time(row.date_entered);
      const closedAt = time(row.closed_date);
      return (
        entered !== null &&
        entered < instant &&
        (!closedFlag(row) || (closedAt !== null && closedAt >= instant))
      );
    };
    const inRange = (at: number | null, from: Date, to: Date) =>
      at !== null && at >= from.getTime() && at < to.getTime();
    const asOf = bounds.asOf.getTime();
    const start = bounds.period.from.getTime();
    const overdueAt = (row: HistoryRow, instant: number) =>
      openAt(row, instant) && time(row.required_date) !== null && time(row.required_date)! < instant;
    const weeks = (from: Date, to: Date) => (to.getTime() - from.getTime()) / (7 * 86_400_000);

    const ticketFigures = (from: Date, to: Date) => {
      const entered = tickets.filter((row) => inRange(time(row.date_entered), from, to));
      const closed = tickets.filter((row) => closedFlag(row) && inRange(time(row.closed_date), from, to));
      const resolved = closed.filter((row) => row.date_entered !== null);
      const resolveHours = resolved.map(
        (row) => secondsBetween(time(row.date_entered)!, time(row.closed_date)!) / 3600,
      );
      const slaMet = (row: HistoryRow): boolean | null => {
        if (typeof row.is_in_sla === 'boolean') return row.is_in_sla;
        const due = time(row.required_date);
        const closedAt = time(row.closed_date);
        return due === null || closedAt === null ? null : closedAt <= due;
      };
      const respondMinutes = (row: HistoryRow): number | null => {
        const given = num(row.respond_minutes);
        if (given !== null) return given;
        const enteredAt = time(row.date_entered);
        const respondedAt = time(row.date_responded);
        return enteredAt === null || respondedAt === null
          ? null
          : secondsBetween(enteredAt, respondedAt) / 60;
      };
      const responses = entered.map(respondMinutes).filter((value): value is number => value !== null);
      return {
        created: entered.length,
        closed: closed.length,
        resolved: resolved.length,
        resolveHoursTotal: sum(resolveHours),
        resolveHoursMedian: median(resolveHours),
        slaKnown: closed.filter((row) => slaMet(row) !== null).length,
        slaMet: closed.filter((row) => slaMet(row) === true).length,
        responded: responses.length,
        respondTotal: sum(responses),
        respondMedian: median(responses),
        sameDay: resolved.filter((row) => utcDay(time(row.closed_date)!) === utcDay(time(row.date_entered)!))
          .length,
      };
    };
    const reopened = (from: Date, to: Date) => {
      const byTicket = new Map<string, HistoryRow[]>();
      for (const row of this.history.tickets) {
        const key = `${row.source}\u0000${row.ticket_id}`;
        byTicket.set(key, [...(byTicket.get(key) ?? []), row]);
      }
      let count = 0;
      for (const versions of byTicket.values()) {
        versions.sort((a, b) => a.valid_from.getTime() - b.valid_from.getTime());
        versions.forEach((row, index) => {
          const before = versions[index - 1];
          if (before && closedFlag(before) && !closedFlag(row) && inRange(row.valid_from.getTime(), from, to))
            count += 1;
        });
      }
      return count;
    };
    const timeFigures = (from: Date, to: Date) => {
      const inPeriod = entries.filter((row) => inRange(time(row.time_start), from, to));
      const hoursOf = (rows: HistoryRow[]) => sum(rows.map((row) => num(row.actual_hours) ?? 0));
      const priced = inPeriod.filter((row) => num(row.extended_invoice_amount) !== null);
      return {
        hours: hoursOf(inPeriod),
        billable: hoursOf(inPeriod.filter((row) => row.billable_option === 'Billable')),
        noCharge: hoursOf(inPeriod.filter((row) => row.billable_option === 'NoCharge')),
        doNotBill: hoursOf(inPeriod.filter((row) => row.billable_option === 'DoNotBill')),
        revenue: sum(priced.map((row) => num(row.extended_invoice_amount)!)),
        pricedHours: hoursOf(priced),
        technicians: new Set(inPeriod.map((row) => row.member).filter((member) => member !== null)).size,
      };
    };
    const kpis = (from: Date, to: Date, instant: number) => {
      const t = ticketFigures(from, to);
      const h = timeFigures(from, to);
      const capacity = h.technicians * this.capacityHoursPerWeek * weeks(from, to);
      return {
        open_backlog: tickets.filter((row) => openAt(row, instant)).length,
        overdue: tickets.filter((row) => overdueAt(row, instant)).length,
        created: t.created,
        closed: t.closed,
        kill_rate: ratio(t.closed, t.created),
        mean_time_to_resolve_hours: ratio(t.resolveHoursTotal, t.resolved),
        median_time_to_resolve_hours: t.resolveHoursMedian,
        sla_attainment: ratio(t.slaMet, t.slaKnown),
        mean_first_response_minutes: ratio(t.respondTotal, t.responded),
        median_first_response_minutes: t.respondMedian,
        same_day_close_rate: ratio(t.sameDay, t.resolved),
        reopen_rate: ratio(reopened(from, to), t.closed),
        hours_logged: h.hours,
        billable_ratio: ratio(h.billable, h.hours),
        no_charge_hours: h.noCharge,
        do_not_bill_hours: h.doNotBill,
        utilization: ratio(h.hours, capacity),
        billable_utilization: ratio(h.billable, capacity),
        effective_hourly_rate: ratio(h.revenue, h.pricedHours),
      };
    };
    const current = kpis(bounds.period.from, bounds.period.to, asOf);
    const previous = kpis(bounds.previous.from, bounds.previous.to, start);
    return {
      period: { from: bounds.period.from.toISOString(), to: bounds.period.to.toISOString() },
      previousPeriod: { from: bounds.previous.from.toISOString(), to: bounds.previous.to.toISOString() },
      asOf: bounds.asOf.toISOString(),
      kpis: Object.fromEntries(
        Object.entries(current).map(([name, value]) => [
          name,
          {
            value: round(value),
            previous: round(previous[name as keyof typeof previous]),
          },
        ]),
      ),
    };
  }

  ticketStatus() {
    const open = this.current('tickets').filter((row) => row.closed !== true);
    const by = (key: 'status' | 'priority' | 'board') => {
      const counts = new Map<string | null, number>();
      for (const row of open) {
        const value = (row[key] as string | null) ?? null;
        counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      return [...counts]
        .map(([value, tickets]) => ({ [key]: value, tickets }))
        .sort((a, b) => b.tickets - a.tickets || String(a[key]).localeCompare(String(b[key])));
    };
    return { open: open.length, byStatus: by('status'), byPriority: by('priority'), byBoard: by('board') };
  }

  createdVsClosed(period: Period, interval: 'day' | 'week' | 'month') {
    const bucketOf = (ms: number) => {
      const day = new Date(ms);
      const start = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
      if (interval === 'week') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
      if (interval === 'month') start.setUTCDate(1);
      return start.toISOString().slice(0, 10);
    };
    const points = new Map(
      bucketsOf(period, interval).map((bucket) => [bucket, { bucket, created: 0, closed: 0 }]),
    );
    const add = (ms: number, kind: 'created' | 'closed') => {
      const bucket = bucketOf(ms);
      const point = points.get(bucket) ?? { bucket, created: 0, closed: 0 };
      point[kind] += 1;
      points.set(bucket, point);
    };
    const inPeriod = (ms: number | null) =>
      ms !== null && ms >= period.from.getTime() && ms < period.to.getTime();
    for (const row of this.current('tickets')) {
      const entered = time(row.date_entered);
      if (inPeriod(entered)) add(entered!, 'created');
      const closedAt = time(row.closed_date);
      if (row.closed === true && inPeriod(closedAt)) add(closedAt!, 'closed');
    }
    return {
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      interval,
      points: [...points.values()].sort((a, b) => a.bucket.localeCompare(b.bucket)),
    };
  }

  aging() {
    const asOf = this.now.getTime();
    const counts = AGING_BUCKETS.map((bucket) => ({ label: bucket.label, tickets: 0, overdue: 0 }));
    for (const row of this.current('tickets')) {
      const entered = time(row.date_entered);
      const closedAt = time(row.closed_date);
      const open =
        entered !== null &&
        entered < asOf &&
        (row.closed !== true || (closedAt !== null && closedAt >= asOf));
      if (!open) continue;
      const ageDays = secondsBetween(entered, asOf) / 86400;
      const index = AGING_BUCKETS.findIndex((bucket) => ageDays < bucket.maxDays + 1);
      const bucket = counts[index === -1 ? AGING_BUCKETS.length - 1 : index]!;
      bucket.tickets += 1;
      const due = time(row.required_date);
      if (due !== null && due < asOf) bucket.overdue += 1;
    }
    return { asOf: this.now.toISOString(), buckets: counts };
  }

  technicianHours(period: Period) {
    const weeks = (period.to.getTime() - period.from.getTime()) / (7 * 86_400_000);
    const capacity = this.capacityHoursPerWeek * weeks;
    const byMember = new Map<string, { hours: number; billable: number; entries: number }>();
    for (const row of this.current('time_entries')) {
      const start = time(row.time_start);
      if (
        row.member === null ||
        start === null ||
        start < period.from.getTime() ||
        start >= period.to.getTime()
      )
        continue;
      const figures = byMember.get(String(row.member)) ?? { hours: 0, billable: 0, entries: 0 };
      const hours = num(row.actual_hours) ?? 0;
      figures.hours += hours;
      if (row.billable_option === 'Billable') figures.billable += hours;
      figures.entries += 1;
      byMember.set(String(row.member), figures);
    }
    return {
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      technicians: [...byMember]
        .sort(([a, x], [b, y]) => y.hours - x.hours || compareText(a, b))
        .map(([member, figures]) => ({
          member,
          hours: round(figures.hours, 2),
          billableHours: round(figures.billable, 2),
          entries: figures.entries,
          utilization: capacity > 0 ? round(figures.hours / capacity) : null,
        })),
    };
  }

  topCompanies(period: Period, by: 'tickets' | 'hours', limit: number) {
    const inPeriod = (ms: number | null) =>
      ms !== null && ms >= period.from.getTime() && ms < period.to.getTime();
    const activity = new Map<
      string,
      { source: string; company_id: string; tickets: number; hours: number }
    >();
    const entry = (source: string, companyId: string) => {
      const key = `${source}\u0000${companyId}`;
      const found = activity.get(key) ?? { source, company_id: companyId, tickets: 0, hours: 0 };
      activity.set(key, found);
      return found;
    };
    for (const row of this.current('tickets'))
      if (row.company_id !== null && inPeriod(time(row.date_entered)))
        entry(row.source, String(row.company_id)).tickets += 1;
    for (const row of this.current('time_entries'))
      if (row.company_id !== null && inPeriod(time(row.time_start)))
        entry(row.source, String(row.company_id)).hours += num(row.actual_hours) ?? 0;
    const companies = this.current('companies');
    const ranked = [...activity.values()].sort(
      (a, b) =>
        (by === 'tickets'
          ? b.tickets - a.tickets || b.hours - a.hours
          : b.hours - a.hours || b.tickets - a.tickets) ||
        compareText(a.source, b.source) ||
        compareText(a.company_id, b.company_id),
    );
    return {
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      by,
      companies: ranked.slice(0, limit).map((company) => ({
        id: `${company.source}:${company.company_id}`,
        source: company.source,
        company_id: company.company_id,
        name:
          (companies.find((row) => row.source === company.source && row.company_id === company.company_id)
            ?.name as string | null | undefined) ?? null,
        tickets: company.tickets,
        hours: round(company.hours, 2),
      })),
    };
  }
}
