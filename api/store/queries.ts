/**
 * Every query the API runs, written once against a SqlDialect (api/store/port.ts) so the DuckDB and ClickHouse
 * engines answer identically (test/api/analyticsStore.contract.ts). Values are always bound parameters; the only
 * text spliced in is column names from the entity definitions and integers checked here.
 *
 * Aggregates return counts and sums, never ratios: ratios are taken in TypeScript (api/store/kpis.ts), which
 * sidesteps each engine's own rules for division by zero and for averages of nothing.
 */
import { ENTITIES, entityColumns, type EntityName } from '../entities';
import type { ResultKind, SqlDialect, SqlQuery, SqlValue } from './port';

export interface ListRequest {
  limit: number;
  offset: number;
  search?: string;
  sort: string;
  order: 'asc' | 'desc';
  /** Filter values by parameter name (api/entities.ts); absent ones do not filter. */
  filters: Record<string, string | boolean | Date | undefined>;
}

/** A half-open time range [from, to). */
export interface Period {
  from: Date;
  to: Date;
}

const timestamp = (date: Date) => date.toISOString();

function resultKinds(entity: EntityName): Record<string, ResultKind> {
  return Object.fromEntries(entityColumns(entity).map((column) => [column.name, column.type]));
}

function checkedInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

/** A LIKE pattern matching `term` anywhere, with the pattern characters of the term escaped. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

function listConditions(d: SqlDialect, entity: EntityName, request: ListRequest) {
  const definition = ENTITIES[entity];
  const conditions: string[] = [];
  const params: Record<string, SqlValue> = {};
  for (const filter of definition.filters) {
    const value = request.filters[filter.param];
    if (value === undefined) continue;
    const name = `filter_${filter.param}`;
    switch (filter.kind) {
      case 'text':
        conditions.push(`${filter.column} = ${d.param(name, 'string')}`);
        params[name] = String(value);
        break;
      case 'boolean':
        conditions.push(`COALESCE(${filter.column}, false) = ${d.param(name, 'boolean')}`);
        params[name] = value === true || value === 'true';
        break;
      case 'from':
      case 'to':
        conditions.push(
          `${filter.column} ${filter.kind === 'from' ? '>=' : '<'} ${d.param(name, 'timestamp')}`,
        );
        params[name] = value instanceof Date ? timestamp(value) : String(value);
        break;
    }
  }
  if (request.search) {
    params.search = containsPattern(request.search);
    const pattern = d.param('search', 'string');
    conditions.push(
      `(${definition.searchColumns.map((column) => d.containsIgnoringCase(column, pattern)).join(' OR ')})`,
    );
  }
  return { where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/** One page of an entity's current rows, and the number of rows matching. */
export function listQueries(
  d: SqlDialect,
  entity: EntityName,
  request: ListRequest,
): { page: SqlQuery; total: SqlQuery } {
  const definition = ENTITIES[entity];
  const columns = entityColumns(entity).map((column) => column.name);
  if (!columns.includes(request.sort)) throw new Error(`cannot sort ${entity} by ${request.sort}`);
  const { where, params } = listConditions(d, entity, request);
  const relation = d.relation(definition.table);
  const order = request.order === 'desc' ? 'DESC' : 'ASC';
  // The id (and source) break ties, so pages are stable and no row appears on two pages.
  const page = `SELECT ${columns.join(', ')} FROM ${relation} ${where}
    ORDER BY ${request.sort} ${order} NULLS LAST, source ASC, ${definition.idColumn} ASC
    LIMIT ${checkedInteger(request.limit, 'limit')} OFFSET ${checkedInteger(request.offset, 'offset')}`;
  return {
    page: { sql: page, params, columns: resultKinds(entity) },
    total: {
      sql: `SELECT count(*) AS total FROM ${relation} ${where}`,
      params,
      columns: { total: 'integer' },
    },
  };
}

/** One record's current row by its source and key. */
export function getQuery(d: SqlDialect, entity: EntityName, source: string, key: string): SqlQuery {
  const definition = ENTITIES[entity];
  const columns = entityColumns(entity).map((column) => column.name);
  return {
    sql: `SELECT ${columns.join(', ')} FROM ${d.relation(definition.table)}
      WHERE source = ${d.param('source', 'string')} AND ${definition.idColumn} = ${d.param('key', 'string')}
      LIMIT 1`,
    params: { source, key },
    columns: resultKinds(entity),
  };
}

/** Every SCD2 version of one ticket, oldest first. */
export function ticketHistoryQuery(d: SqlDialect, source: string, key: string): SqlQuery {
  const columns = [
    ...entityColumns('tickets').map((column) => column.name),
    'valid_to',
    'is_current',
    'deleted_at',
  ];
  return {
    sql: `SELECT ${columns.join(', ')} FROM ${d.relation('tickets_history')}
      WHERE source = ${d.param('source', 'string')} AND ticket_id = ${d.param('key', 'string')}
      ORDER BY valid_from ASC`,
    params: { source, key },
    columns: {
      ...resultKinds('tickets'),
      valid_to: 'timestamp',
      is_current: 'boolean',
      deleted_at: 'timestamp',
    },
  };
}

/**
 * The bounds every KPI query binds: the period, the one before it (same length, ending where it starts), and
 * the instant "now" stands for (the end of the period when it lies in the past).
 */
export interface KpiBounds {
  period: Period;
  previous: Period;
  asOf: Date;
}

export function kpiBounds(period: Period, now: Date): KpiBounds {
  const length = period.to.getTime() - period.from.getTime();
  return {
    period,
    previous: { from: new Date(period.from.getTime() - length), to: period.from },
    asOf: new Date(Math.min(now.getTime(), period.to.getTime())),
  };
}

function boundParams(bounds: KpiBounds): Record<string, SqlValue> {
  return {
    from: timestamp(bounds.period.from),
    to: timestamp(bounds.period.to),
    prev_from: timestamp(bounds.previous.from),
    as_of: timestamp(bounds.asOf),
  };
}

/** `column` within the period (`current`) or the previous one (`previous`), as SQL. */
function within(d: SqlDialect, column: string, which: 'current' | 'previous'): string {
  return which === 'current'
    ? `${column} >= ${d.param('from', 'timestamp')} AND ${column} < ${d.param('to', 'timestamp')}`
    : `${column} >= ${d.param('prev_from', 'timestamp')} AND ${column} < ${d.param('from', 'timestamp')}`;
}

const count = (condition: string) => `COALESCE(sum(CASE WHEN ${condition} THEN 1 ELSE 0 END), 0)`;
const total = (condition: string, value: string) =>
  `COALESCE(sum(CASE WHEN ${condition} THEN ${value} ELSE 0 END), 0)`;
const closedFlag = 'COALESCE(closed, false)';
const hoursToResolve = `date_diff('second', date_entered, closed_date) / 3600.0`;
// ConnectWise's respondMinutes is the SLA clock (business hours); where a source has only the timestamps, the
// calendar time between them stands in.
const minutesToRespond = `COALESCE(respond_minutes, date_diff('second', date_entered, date_responded) / 60.0)`;
// A source's own SLA verdict (ConnectWise isInSla, ServiceNow made_sla) where it has one; otherwise whether the
// ticket closed by its due date, for tickets that had one.
const slaMet = `COALESCE(is_in_sla, CASE WHEN required_date IS NULL THEN NULL ELSE closed_date <= required_date END)`;

/** Ticket KPIs of the period and the previous one: counts, sums and medians the KPI layer turns into ratios. */
export function ticketKpiQuery(d: SqlDialect, bounds: KpiBounds): SqlQuery {
  const asOf = d.param('as_of', 'timestamp');
  const from = d.param('from', 'timestamp');
  const openAt = (instant: string) =>
    `date_entered < ${instant} AND (NOT ${closedFlag} OR closed_date >= ${instant})`;
  const select: string[] = [
    `${count(openAt(asOf))} AS open_backlog`,
    `${count(openAt(from))} AS open_backlog_previous`,
    `${count(`${openAt(asOf)} AND required_date < ${asOf}`)} AS overdue`,
    `${count(`${openAt(from)} AND required_date < ${from}`)} AS overdue_previous`,
  ];
  const kinds: Record<string, ResultKind> = {
    open_backlog: 'integer',
    open_backlog_previous: 'integer',
    overdue: 'integer',
    overdue_previous: 'integer',
  };
  for (const which of ['current', 'previous'] as const) {
    const suffix = which === 'current' ? '' : '_previous';
    const entered = within(d, 'date_entered', which);
    const closedIn = `${closedFlag} AND ${within(d, 'closed_date', which)}`;
    const resolved = `${closedIn} AND date_entered IS NOT NULL`;
    const columns: Array<[string, string, ResultKind]> = [
      ['created', count(entered), 'integer'],
      // Not `closed`: ClickHouse lets an alias shadow the column of that name in the whole query.
      ['closed_tickets', count(closedIn), 'integer'],
      ['resolved', count(resolved), 'integer'],
      ['resolve_hours_total', total(resolved, hoursToResolve), 'number'],
      ['resolve_hours_median', d.median(`CASE WHEN ${resolved} THEN ${hoursToResolve} END`), 'number'],
      ['sla_known', count(`${closedIn} AND ${slaMet} IS NOT NULL`), 'integer'],
      ['sla_met', count(`${closedIn} AND ${slaMet}`), 'integer'],
      ['responded', count(`${entered} AND ${minutesToRespond} IS NOT NULL`), 'integer'],
      [
        'respond_minutes_total',
        total(`${entered} AND ${minutesToRespond} IS NOT NULL`, minutesToRespond),
        'number',
      ],
      ['respond_minutes_median', d.median(`CASE WHEN ${entered} THEN ${minutesToRespond} END`), 'number'],
      [
        'same_day',
        count(`${resolved} AND CAST(closed_date AS DATE) = CAST(date_entered AS DATE)`),
        'integer',
      ],
    ];
    for (const [name, expression, kind] of columns) {
      select.push(`${expression} AS ${name}${suffix}`);
      kinds[`${name}${suffix}`] = kind;
    }
  }
  return {
    sql: `SELECT ${select.join(',\n  ')} FROM ${d.relation('tickets')}`,
    params: boundParams(bounds),
    columns: kinds,
  };
}

/** Time-entry KPIs of the period and the previous one: hours by billability, revenue, technicians. */
export function timeKpiQuery(d: SqlDialect, bounds: KpiBounds): SqlQuery {
  const select: string[] = [];
  const kinds: Record<string, ResultKind> = {};
  for (const which of ['current', 'previous'] as const) {
    const suffix = which === 'current' ? '' : '_previous';
    const inPeriod = within(d, 'time_start', which);
    const hours = 'COALESCE(actual_hours, 0)';
    const columns: Array<[string, string, ResultKind]> = [
      ['hours', total(inPeriod, hours), 'number'],
      ['billable_hours', total(`${inPeriod} AND billable_option = 'Billable'`, hours), 'number'],
      ['no_charge_hours', total(`${inPeriod} AND billable_option = 'NoCharge'`, hours), 'number'],
      ['do_not_bill_hours', total(`${inPeriod} AND billable_option = 'DoNotBill'`, hours), 'number'],
      [
        'revenue',
        total(`${inPeriod} AND extended_invoice_amount IS NOT NULL`, 'extended_invoice_amount'),
        'number',
      ],
      ['priced_hours', total(`${inPeriod} AND extended_invoice_amount IS NOT NULL`, hours), 'number'],
      ['technicians', `count(DISTINCT CASE WHEN ${inPeriod} THEN member END)`, 'integer'],
    ];
    for (const [name, expression, kind] of columns) {
      select.push(`${expression} AS ${name}${suffix}`);
      kinds[`${name}${suffix}`] = kind;
    }
  }
  return {
    sql: `SELECT ${select.join(',\n  ')} FROM ${d.relation('time_entries')}`,
    params: boundParams(bounds),
    columns: kinds,
  };
}

/**
 * Reopened tickets from the SCD2 history: a version that is open while the version before it was closed,
 * counted in the period it became current. The version before is the one whose valid_to is this one's valid_from
 * (SCD2 chains them so): an equi-join, several times faster than a window over the whole history on a large tenant.
 */
export function reopenQuery(d: SqlDialect, bounds: KpiBounds): SqlQuery {
  const history = d.relation('tickets_history');
  const reopenedIn = (which: 'current' | 'previous') => count(within(d, 'later.valid_from', which));
  return {
    sql: `SELECT ${reopenedIn('current')} AS reopened, ${reopenedIn('previous')} AS reopened_previous
      FROM ${history} AS later
      JOIN ${history} AS earlier
        ON earlier.source = later.source AND earlier.ticket_id = later.ticket_id
        AND earlier.valid_to = later.valid_from
      WHERE COALESCE(earlier.closed, false) AND NOT COALESCE(later.closed, false)`,
    params: boundParams(bounds),
    columns: { reopened: 'integer', reopened_previous: 'integer' },
  };
}

/** Open tickets now, by status, priority and board (the dashboard's backlog charts). */
export function openTicketsBreakdownQuery(d: SqlDialect): SqlQuery {
  return {
    sql: `SELECT status, priority, board, count(*) AS tickets FROM ${d.relation('tickets')}
      WHERE NOT ${closedFlag} GROUP BY status, priority, board`,
    params: {},
    columns: { status: 'string', priority: 'string', board: 'string', tickets: 'integer' },
  };
}

/** Tickets created and closed per day, week or month of the period. */
export function createdClosedQuery(
  d: SqlDialect,
  bounds: KpiBounds,
  interval: 'day' | 'week' | 'month',
): SqlQuery {
  const relation = d.relation('tickets');
  return {
    sql: `SELECT kind, bucket, count(*) AS tickets FROM (
        SELECT 'created' AS kind, ${d.truncate(interval, 'date_entered')} AS bucket FROM ${relation}
          WHERE ${within(d, 'date_entered', 'current')}
        UNION ALL
        SELECT 'closed' AS kind, ${d.truncate(interval, 'closed_date')} AS bucket FROM ${relation}
          WHERE ${closedFlag} AND ${within(d, 'closed_date', 'current')}
      ) AS events GROUP BY kind, bucket`,
    params: boundParams(bounds),
    columns: { kind: 'string', bucket: 'date', tickets: 'integer' },
  };
}

/** The age buckets of open tickets (DESIGN / reference §4.2 KPI 2): upper bounds in days, the last open. */
export const AGING_BUCKETS = [
  { label: '0–2 days', maxDays: 2 },
  { label: '3–7 days', maxDays: 7 },
  { label: '8–30 days', maxDays: 30 },
  { label: '31–90 days', maxDays: 90 },
  { label: 'over 90 days', maxDays: Number.POSITIVE_INFINITY },
] as const;

export function agingQuery(d: SqlDialect, bounds: KpiBounds): SqlQuery {
  const asOf = d.param('as_of', 'timestamp');
  const ageDays = `date_diff('second', date_entered, ${asOf}) / 86400.0`;
  const bucket = `CASE ${AGING_BUCKETS.filter((entry) => Number.isFinite(entry.maxDays))
    .map((entry, index) => `WHEN ${ageDays} < ${entry.maxDays + 1} THEN ${index}`)
    .join(' ')} ELSE ${AGING_BUCKETS.length - 1} END`;
  return {
    sql: `SELECT ${bucket} AS bucket, count(*) AS tickets,
        ${count(`required_date < ${asOf}`)} AS overdue
      FROM ${d.relation('tickets')}
      WHERE date_entered < ${asOf} AND (NOT ${closedFlag} OR closed_date >= ${asOf})
      GROUP BY 1`,
    params: boundParams(bounds),
    columns: { bucket: 'integer', tickets: 'integer', overdue: 'integer' },
  };
}

/** Hours per technician in the period, billable and not. */
export function technicianHoursQuery(d: SqlDialect, bounds: KpiBounds): SqlQuery {
  const hours = 'COALESCE(actual_hours, 0)';
  return {
    sql: `SELECT member, ${total('true', hours)} AS hours,
        ${total(`billable_option = 'Billable'`, hours)} AS billable_hours, count(*) AS entries
      FROM ${d.relation('time_entries')}
      WHERE member IS NOT NULL AND ${within(d, 'time_start', 'current')}
      GROUP BY member ORDER BY hours DESC, member ASC`,
    params: boundParams(bounds),
    columns: { member: 'string', hours: 'number', billable_hours: 'number', entries: 'integer' },
  };
}

/** The companies with the most tickets entered (or hours logged) in the period, with both figures. */
export function topCompaniesQuery(
  d: SqlDialect,
  bounds: KpiBounds,
  by: 'tickets' | 'hours',
  limit: number,
): SqlQuery {
  const order = by === 'tickets' ? 'tickets DESC, hours DESC' : 'hours DESC, tickets DESC';
  return {
    sql: `SELECT activity.source AS source, activity.company_id AS company_id, companies.name AS company_name,
        activity.tickets AS tickets, activity.hours AS hours
      FROM (
        SELECT source, company_id, sum(tickets) AS tickets, sum(hours) AS hours FROM (
          SELECT source, company_id, 1 AS tickets, 0.0 AS hours FROM ${d.relation('tickets')}
            WHERE company_id IS NOT NULL AND ${within(d, 'date_entered', 'current')}
          UNION ALL
          SELECT source, company_id, 0 AS tickets, COALESCE(actual_hours, 0) AS hours
            FROM ${d.relation('time_entries')}
            WHERE company_id IS NOT NULL AND ${within(d, 'time_start', 'current')}
        ) AS events GROUP BY source, company_id
      ) AS activity
      LEFT JOIN ${d.relation('companies')} AS companies
        ON companies.source = activity.source AND companies.company_id = activity.company_id
      ORDER BY ${order}, source ASC, company_id ASC
      LIMIT ${checkedInteger(limit, 'limit')}`,
    params: boundParams(bounds),
    columns: {
      source: 'string',
      company_id: 'string',
      company_name: 'string',
      tickets: 'integer',
      hours: 'number',
    },
  };
}
