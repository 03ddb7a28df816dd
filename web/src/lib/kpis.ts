/**
 * How the overview shows each KPI of GET /api/analytics/dashboard: its label, how its value is written, and
 * which way is better (so a change can be called an improvement in words and icon, not only in colour).
 */
import type { DashboardResponse } from '../../../api/contract';
import { formatCount, formatDuration, formatHours, formatMinutes, formatPercent, formatRate } from './format';

export type KpiName = keyof DashboardResponse['kpis'];
export type Kpi = DashboardResponse['kpis'][KpiName];

export type KpiFormat = 'count' | 'percent' | 'duration' | 'minutes' | 'hours' | 'rate';

export interface KpiPresentation {
  label: string;
  /** One line for the tile's description (its title attribute and screen readers). */
  hint: string;
  format: KpiFormat;
  /** Whether a higher value is good news; undefined where it is neither (tickets created). */
  higherIsBetter?: boolean;
}

export const KPI_GROUPS: Array<{ title: string; kpis: KpiName[] }> = [
  {
    title: 'Service desk',
    kpis: [
      'open_backlog',
      'overdue',
      'created',
      'closed',
      'kill_rate',
      'sla_attainment',
      'mean_time_to_resolve_hours',
      'median_time_to_resolve_hours',
      'mean_first_response_minutes',
      'median_first_response_minutes',
      'same_day_close_rate',
      'reopen_rate',
    ],
  },
  {
    title: 'Time and billing',
    kpis: [
      'hours_logged',
      'billable_ratio',
      'utilization',
      'billable_utilization',
      'no_charge_hours',
      'do_not_bill_hours',
      'effective_hourly_rate',
    ],
  },
];

export const KPI_PRESENTATION: Record<KpiName, KpiPresentation> = {
  open_backlog: {
    label: 'Open backlog',
    hint: 'Open tickets at the end of the period',
    format: 'count',
    higherIsBetter: false,
  },
  overdue: {
    label: 'Overdue',
    hint: 'Open tickets past their due date',
    format: 'count',
    higherIsBetter: false,
  },
  created: { label: 'Tickets created', hint: 'Tickets entered in the period', format: 'count' },
  closed: {
    label: 'Tickets closed',
    hint: 'Tickets closed in the period',
    format: 'count',
    higherIsBetter: true,
  },
  kill_rate: {
    label: 'Kill rate',
    hint: 'Tickets closed ÷ tickets created',
    format: 'percent',
    higherIsBetter: true,
  },
  sla_attainment: {
    label: 'SLA met',
    hint: 'Closed tickets that met their SLA',
    format: 'percent',
    higherIsBetter: true,
  },
  mean_time_to_resolve_hours: {
    label: 'Mean time to resolve',
    hint: 'Mean time from entry to close',
    format: 'duration',
    higherIsBetter: false,
  },
  median_time_to_resolve_hours: {
    label: 'Median time to resolve',
    hint: 'Median time from entry to close',
    format: 'duration',
    higherIsBetter: false,
  },
  mean_first_response_minutes: {
    label: 'Mean first response',
    hint: 'Mean time to the first response',
    format: 'minutes',
    higherIsBetter: false,
  },
  median_first_response_minutes: {
    label: 'Median first response',
    hint: 'Median time to the first response',
    format: 'minutes',
    higherIsBetter: false,
  },
  same_day_close_rate: {
    label: 'Closed same day',
    hint: 'Closed tickets closed on the day they were entered',
    format: 'percent',
    higherIsBetter: true,
  },
  reopen_rate: {
    label: 'Reopen rate',
    hint: 'Tickets reopened ÷ tickets closed',
    format: 'percent',
    higherIsBetter: false,
  },
  hours_logged: { label: 'Hours logged', hint: 'Hours of time entries in the period', format: 'hours' },
  billable_ratio: {
    label: 'Billable share',
    hint: 'Billable hours ÷ hours logged',
    format: 'percent',
    higherIsBetter: true,
  },
  utilization: {
    label: 'Utilization',
    hint: "Hours logged ÷ the technicians' capacity",
    format: 'percent',
    higherIsBetter: true,
  },
  billable_utilization: {
    label: 'Billable utilization',
    hint: "Billable hours ÷ the technicians' capacity",
    format: 'percent',
    higherIsBetter: true,
  },
  no_charge_hours: {
    label: 'No-charge hours',
    hint: 'Hours marked No Charge',
    format: 'hours',
    higherIsBetter: false,
  },
  do_not_bill_hours: {
    label: 'Do-not-bill hours',
    hint: 'Hours marked Do Not Bill',
    format: 'hours',
    higherIsBetter: false,
  },
  effective_hourly_rate: {
    label: 'Effective hourly rate',
    hint: 'Invoiced amount ÷ hours, where entries carry an amount',
    format: 'rate',
    higherIsBetter: true,
  },
};

const FORMATTERS: Record<KpiFormat, (value: number | null) => string> = {
  count: formatCount,
  percent: formatPercent,
  duration: formatDuration,
  minutes: formatMinutes,
  hours: formatHours,
  rate: formatRate,
};

export function formatKpi(name: KpiName, value: number | null): string {
  return FORMATTERS[KPI_PRESENTATION[name].format](value);
}

export type Trend = 'up' | 'down' | 'flat' | 'unknown';

export interface KpiChange {
  trend: Trend;
  /** "+12%", "−3.1 pts", "no change"; empty when either value is missing. */
  text: string;
  /** good / bad / neutral, from the KPI's direction; neutral when it has none. */
  verdict: 'good' | 'bad' | 'neutral';
}

/** The change from the previous period: percentage points for ratios, a relative change otherwise. */
export function kpiChange(name: KpiName, kpi: Pick<Kpi, 'value' | 'previous'>): KpiChange {
  const { value, previous } = kpi;
  if (value === null || previous === null) return { trend: 'unknown', text: '', verdict: 'neutral' };
  const presentation = KPI_PRESENTATION[name];
  const difference = value - previous;
  let text: string;
  if (presentation.format === 'percent') {
    const points = Math.round(difference * 1000) / 10;
    if (points === 0) return { trend: 'flat', text: 'no change', verdict: 'neutral' };
    text = `${points > 0 ? '+' : '−'}${Math.abs(points)} pts`;
  } else {
    if (difference === 0) return { trend: 'flat', text: 'no change', verdict: 'neutral' };
    if (previous === 0) text = 'new';
    else {
      const percent = Math.round((difference / Math.abs(previous)) * 100);
      if (percent === 0) return { trend: 'flat', text: 'about the same', verdict: 'neutral' };
      text = `${percent > 0 ? '+' : '−'}${Math.abs(percent)}%`;
    }
  }
  const trend: Trend = difference > 0 ? 'up' : 'down';
  const verdict =
    presentation.higherIsBetter === undefined
      ? 'neutral'
      : difference > 0 === presentation.higherIsBetter
        ? 'good'
        : 'bad';
  return { trend, text, verdict };
}
