/**
 * The dashboard's KPIs (reference/analytics-platform.md §4.2) from the aggregates of api/store/queries.ts:
 * every ratio is taken here, with `null` where its denominator is zero (no tickets closed, no hours logged),
 * never 0 or NaN, so "no data" and "zero" stay apart on the dashboard.
 */
import type { Row } from './port';
import type { KpiBounds } from './queries';

export type KpiUnit = 'count' | 'ratio' | 'hours' | 'minutes' | 'currency_per_hour';

export interface Kpi {
  value: number | null;
  /** The same KPI over the previous period of the same length. */
  previous: number | null;
  unit: KpiUnit;
}

/** The KPI names, in the order the dashboard shows them, with what each one measures. */
export const KPI_DEFINITIONS = {
  open_backlog: { unit: 'count', description: 'open tickets at the end of the period' },
  overdue: { unit: 'count', description: 'open tickets past their due date at the end of the period' },
  created: { unit: 'count', description: 'tickets entered in the period' },
  closed: { unit: 'count', description: 'tickets closed in the period' },
  kill_rate: { unit: 'ratio', description: 'tickets closed ÷ tickets entered' },
  mean_time_to_resolve_hours: { unit: 'hours', description: 'mean calendar time from entry to close' },
  median_time_to_resolve_hours: { unit: 'hours', description: 'median calendar time from entry to close' },
  sla_attainment: {
    unit: 'ratio',
    description: "closed tickets within SLA (the source's verdict, else closed by the due date)",
  },
  mean_first_response_minutes: { unit: 'minutes', description: 'mean time to first response' },
  median_first_response_minutes: { unit: 'minutes', description: 'median time to first response' },
  same_day_close_rate: { unit: 'ratio', description: 'closed tickets closed on the day they were entered' },
  reopen_rate: { unit: 'ratio', description: 'tickets reopened (from the change history) ÷ tickets closed' },
  hours_logged: { unit: 'hours', description: 'hours of time entries started in the period' },
  billable_ratio: { unit: 'ratio', description: 'billable hours ÷ hours logged' },
  no_charge_hours: { unit: 'hours', description: 'hours marked No Charge' },
  do_not_bill_hours: { unit: 'hours', description: 'hours marked Do Not Bill' },
  utilization: { unit: 'ratio', description: "hours logged ÷ the technicians' capacity in the period" },
  billable_utilization: { unit: 'ratio', description: "billable hours ÷ the technicians' capacity" },
  effective_hourly_rate: {
    unit: 'currency_per_hour',
    description: 'invoiced amount ÷ hours, over time entries that carry an amount',
  },
} as const satisfies Record<string, { unit: KpiUnit; description: string }>;

export type KpiName = keyof typeof KPI_DEFINITIONS;

export interface KpiInputs {
  tickets: Row;
  time: Row;
  reopens: Row;
}

const number = (row: Row, name: string): number | null => {
  const value = row[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};
const ratio = (numerator: number | null, denominator: number | null) =>
  numerator === null || denominator === null || denominator === 0 ? null : numerator / denominator;

/** Rounds for people and for equal answers across engines (their float sums differ in the last bits). */
export function rounded(value: number | null, digits = 4): number | null {
  if (value === null) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function computeKpis(
  inputs: KpiInputs,
  bounds: KpiBounds,
  capacityHoursPerWeek: number,
): Record<KpiName, Kpi> {
  const { tickets, time, reopens } = inputs;
  const periodWeeks = (period: { from: Date; to: Date }) =>
    (period.to.getTime() - period.from.getTime()) / (7 * 24 * 3600 * 1000);
  const values = (suffix: '' | '_previous'): Record<KpiName, number | null> => {
    const t = (name: string) => number(tickets, `${name}${suffix}`);
    const h = (name: string) => number(time, `${name}${suffix}`);
    const weeks = periodWeeks(suffix === '' ? bounds.period : bounds.previous);
    const technicians = h('technicians');
    const capacity = technicians === null ? null : technicians * capacityHoursPerWeek * weeks;
    return {
      open_backlog: t('open_backlog'),
      overdue: t('overdue'),
      created: t('created'),
      closed: t('closed_tickets'),
      kill_rate: ratio(t('closed_tickets'), t('created')),
      mean_time_to_resolve_hours: ratio(t('resolve_hours_total'), t('resolved')),
      median_time_to_resolve_hours: t('resolve_hours_median'),
      sla_attainment: ratio(t('sla_met'), t('sla_known')),
      mean_first_response_minutes: ratio(t('respond_minutes_total'), t('responded')),
      median_first_response_minutes: t('respond_minutes_median'),
      same_day_close_rate: ratio(t('same_day'), t('resolved')),
      reopen_rate: ratio(number(reopens, `reopened${suffix}`), t('closed_tickets')),
      hours_logged: h('hours'),
      billable_ratio: ratio(h('billable_hours'), h('hours')),
      no_charge_hours: h('no_charge_hours'),
      do_not_bill_hours: h('do_not_bill_hours'),
      utilization: ratio(h('hours'), capacity),
      billable_utilization: ratio(h('billable_hours'), capacity),
      effective_hourly_rate: ratio(h('revenue'), h('priced_hours')),
    };
  };
  const current = values('');
  const previous = values('_previous');
  return Object.fromEntries(
    (Object.keys(KPI_DEFINITIONS) as KpiName[]).map((name) => [
      name,
      {
        value: rounded(current[name]),
        previous: rounded(previous[name]),
        unit: KPI_DEFINITIONS[name].unit,
      },
    ]),
  ) as Record<KpiName, Kpi>;
}
