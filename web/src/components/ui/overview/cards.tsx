/** The overview's chart cards: each reads its endpoint and hands the numbers to a chart and a table. */
import { lazy, useState } from 'react';
import { Link } from 'react-router';
import {
  useTechnicianHours,
  useTicketAging,
  useTicketStatus,
  useTicketTrend,
  useTopCompanies,
  trendInterval,
} from '../../../api/queries';
import type { Period } from '../../../api/types';
import { formatHours, formatInteger, formatPercent } from '../../../lib/format';
import { recordPath } from '../../../lib/records';
import { ChartCard, NumbersTable } from './ChartCard';

const CreatedClosedChart = lazy(() =>
  import('./charts').then((module) => ({ default: module.CreatedClosedChart })),
);
const HorizontalBars = lazy(() => import('./charts').then((module) => ({ default: module.HorizontalBars })));
const StackedBars = lazy(() => import('./charts').then((module) => ({ default: module.StackedBars })));

const dayLabel = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const monthLabel = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** A trend bucket (its first day, YYYY-MM-DD) as "3 Nov", or "Nov 2026" for months. */
export function bucketLabel(bucket: string, interval: 'day' | 'week' | 'month'): string {
  const date = new Date(`${bucket}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return bucket;
  return interval === 'month' ? monthLabel.format(date) : dayLabel.format(date);
}

const Count = ({ value }: { value: number }) => <data value={value}>{formatInteger(value)}</data>;

export function CreatedClosedCard({ period }: { period: Period }) {
  const trend = useTicketTrend(period);
  const interval = trendInterval(period);
  const points = (trend.data?.points ?? []).map((point) => ({
    label: bucketLabel(point.bucket, interval),
    created: point.created,
    closed: point.closed,
  }));
  const per = { day: 'day', week: 'week', month: 'month' }[interval];
  return (
    <ChartCard
      className="lg:col-span-2"
      title="Created vs closed"
      description={`Tickets entered and closed per ${per}. Closing more than arrives shrinks the backlog.`}
      loading={trend.isPending}
      error={trend.error}
      empty={points.every((point) => point.created === 0 && point.closed === 0)}
      emptyText="No tickets were entered or closed in this period."
      chart={<CreatedClosedChart points={points} />}
      table={
        <NumbersTable
          caption="Tickets created and closed"
          headers={[per.charAt(0).toUpperCase() + per.slice(1), 'Created', 'Closed']}
          rows={(trend.data?.points ?? []).map((point) => ({
            key: point.bucket,
            cells: [
              <time key="bucket" dateTime={point.bucket}>
                {bucketLabel(point.bucket, interval)}
              </time>,
              <Count key="created" value={point.created} />,
              <Count key="closed" value={point.closed} />,
            ],
          }))}
        />
      }
    />
  );
}

/** `[{ priority: 'High', tickets: 4 }]` → `[{ label: 'High', value: 4 }]` (the contract types the key loosely). */
function countsBy(rows: Array<Record<string, unknown>> | undefined, key: string) {
  return (rows ?? []).map((row) => ({
    label: typeof row[key] === 'string' && row[key] ? (row[key] as string) : '(none)',
    value: Number(row.tickets),
  }));
}

export function BacklogCard() {
  const status = useTicketStatus();
  const byPriority = countsBy(status.data?.byPriority, 'priority');
  const byBoard = countsBy(status.data?.byBoard, 'board');
  const open = status.data?.open;
  const common = {
    loading: status.isPending,
    error: status.error,
    empty: open === 0,
    emptyText: 'No open tickets.',
  };
  const table = (caption: string, rows: Array<{ label: string; value: number }>) => (
    <NumbersTable
      caption={caption}
      headers={[caption.split(' by ')[1] ?? 'Group', 'Open tickets']}
      rows={rows.map((row) => ({
        key: row.label,
        cells: [row.label, <Count key="count" value={row.value} />],
      }))}
    />
  );
  return (
    <>
      <ChartCard
        title="Open backlog by priority"
        description={
          open === undefined ? 'Open tickets now.' : `${formatInteger(open)} open tickets now, by priority.`
        }
        {...common}
        chart={<HorizontalBars data={byPriority} name="Open tickets" />}
        table={table('Open tickets by priority', byPriority)}
      />
      <ChartCard
        title="Open backlog by board"
        description="Where the open tickets wait."
        {...common}
        chart={<HorizontalBars data={byBoard.slice(0, 10)} name="Open tickets" />}
        table={table('Open tickets by board', byBoard)}
      />
    </>
  );
}

export function AgingCard() {
  const aging = useTicketAging();
  const buckets = aging.data?.buckets ?? [];
  return (
    <ChartCard
      title="Ticket aging"
      description="Open tickets by age; the hatched red part is past its due date."
      loading={aging.isPending}
      error={aging.error}
      empty={buckets.every((bucket) => bucket.tickets === 0)}
      emptyText="No open tickets."
      chart={
        <StackedBars
          layout="horizontal"
          alertSecond
          names={['On time', 'Overdue']}
          data={buckets.map((bucket) => ({
            label: bucket.label,
            first: bucket.tickets - bucket.overdue,
            second: bucket.overdue,
          }))}
        />
      }
      table={
        <NumbersTable
          caption="Open tickets by age"
          headers={['Age', 'Open', 'Overdue']}
          rows={buckets.map((bucket) => ({
            key: bucket.label,
            cells: [
              bucket.label,
              <Count key="open" value={bucket.tickets} />,
              <Count key="overdue" value={bucket.overdue} />,
            ],
          }))}
        />
      }
    />
  );
}

export function TechnicianHoursCard({ period }: { period: Period }) {
  const hours = useTechnicianHours(period);
  const technicians = hours.data?.technicians ?? [];
  return (
    <ChartCard
      title="Hours by technician"
      description="Billable hours solid, the rest hatched."
      height={280}
      loading={hours.isPending}
      error={hours.error}
      empty={technicians.length === 0}
      emptyText="No time was logged in this period."
      chart={
        <StackedBars
          names={['Billable', 'Not billable']}
          data={technicians.slice(0, 12).map((technician) => ({
            label: technician.member,
            first: Math.round(technician.billableHours * 10) / 10,
            second: Math.round((technician.hours - technician.billableHours) * 10) / 10,
          }))}
        />
      }
      table={
        <NumbersTable
          caption="Hours by technician"
          headers={['Technician', 'Hours', 'Billable', 'Utilization']}
          rows={technicians.map((technician) => ({
            key: technician.member,
            cells: [
              technician.member,
              <data key="hours" value={technician.hours}>
                {formatHours(technician.hours)}
              </data>,
              <data key="billable" value={technician.billableHours}>
                {formatHours(technician.billableHours)}
              </data>,
              formatPercent(technician.utilization),
            ],
          }))}
        />
      }
    />
  );
}

export function TopCompaniesCard({ period }: { period: Period }) {
  const [by, setBy] = useState<'tickets' | 'hours'>('tickets');
  const top = useTopCompanies(period, by);
  const companies = top.data?.companies ?? [];
  return (
    <ChartCard
      className="lg:col-span-2"
      title="Top companies"
      description={
        by === 'tickets' ? 'The companies with the most tickets.' : 'The companies you spent most hours on.'
      }
      height={280}
      loading={top.isPending}
      error={top.error}
      empty={companies.length === 0}
      emptyText="No tickets or hours in this period."
      actions={
        <fieldset className="inline-flex rounded-md ring-1 ring-slate-300">
          <legend className="sr-only">Rank companies by</legend>
          {(['tickets', 'hours'] as const).map((option) => (
            <label
              key={option}
              className="cursor-pointer px-2.5 py-1 text-xs font-medium first:rounded-l-md last:rounded-r-md has-checked:bg-indigo-600 has-checked:text-white has-focus-visible:outline-2 has-focus-visible:outline-indigo-600"
            >
              <input
                type="radio"
                name="top-companies-by"
                value={option}
                checked={by === option}
                onChange={() => setBy(option)}
                className="sr-only"
              />
              By {option}
            </label>
          ))}
        </fieldset>
      }
      chart={
        <HorizontalBars
          name={by === 'tickets' ? 'Tickets' : 'Hours'}
          unit={by === 'hours' ? ' h' : ''}
          data={companies.map((company) => ({
            label: company.name ?? company.id,
            value: by === 'tickets' ? company.tickets : Math.round(company.hours * 10) / 10,
          }))}
        />
      }
      table={
        <NumbersTable
          caption="Top companies"
          headers={['Company', 'Tickets', 'Hours']}
          rows={companies.map((company) => ({
            key: company.id,
            cells: [
              <Link
                key="name"
                to={recordPath('companies', company.id)}
                className="text-indigo-700 hover:underline"
              >
                {company.name ?? company.id}
              </Link>,
              <Count key="tickets" value={company.tickets} />,
              <data key="hours" value={company.hours}>
                {formatHours(company.hours)}
              </data>,
            ],
          }))}
        />
      }
    />
  );
}
