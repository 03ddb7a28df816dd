import { useSearchParams } from 'react-router';
import { useDashboard } from '../api/queries';
import type { Period } from '../api/types';
import { QueryError } from '../components/QueryError';
import { Page } from '../components/ui/layout/Page';
import {
  AgingCard,
  BacklogCard,
  CreatedClosedCard,
  TechnicianHoursCard,
  TopCompaniesCard,
} from '../components/ui/overview/cards';
import { KpiGrid } from '../components/ui/overview/KpiGrid';
import { PERIOD_LABELS, PeriodPicker } from '../components/ui/overview/PeriodPicker';
import { formatDate, formatDateTime } from '../lib/format';

function isPeriod(value: string | null): value is Period {
  return value !== null && value in PERIOD_LABELS;
}

export default function OverviewPage() {
  const [params, setParams] = useSearchParams();
  const requested = params.get('period');
  const period: Period = isPeriod(requested) ? requested : '30d';
  const dashboard = useDashboard(period);
  const data = dashboard.data;
  return (
    <Page
      title="Overview"
      description={`Your service desk and billable time over the last ${PERIOD_LABELS[period]}, each beside the ${PERIOD_LABELS[period]} before.`}
      actions={
        <PeriodPicker
          value={period}
          onChange={(next) => setParams(next === '30d' ? {} : { period: next }, { replace: true })}
        />
      }
    >
      {/* Filled in when the numbers arrive, in a line of its own size: nothing below it moves. */}
      <p className="h-4 text-xs text-slate-500" data-testid="as-of">
        {data &&
          `${formatDate(data.period.from)} to ${formatDate(new Date(Date.parse(data.period.to) - 1).toISOString())}; data as of ${formatDateTime(data.asOf)}.`}
      </p>
      {dashboard.isError && <QueryError error={dashboard.error} what="the KPIs" />}
      <KpiGrid dashboard={data} stale={dashboard.isPlaceholderData} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <CreatedClosedCard period={period} />
        <BacklogCard />
        <AgingCard />
        <TechnicianHoursCard period={period} />
        <TopCompaniesCard period={period} />
      </div>
    </Page>
  );
}
