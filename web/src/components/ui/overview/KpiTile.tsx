import { useId } from 'react';
import { formatKpi, KPI_PRESENTATION, kpiChange, type Kpi, type KpiName } from '../../../lib/kpis';
import { Skeleton } from '../../Skeleton';

const VERDICT_STYLES = { good: 'text-emerald-700', bad: 'text-rose-700', neutral: 'text-slate-600' };
const VERDICT_WORDS = { good: 'better', bad: 'worse', neutral: '' };
const ARROWS = { up: '▲', down: '▼', flat: '=', unknown: '' };

/**
 * One KPI: its value in the period, and beside it the previous period's with the change. Direction is told by
 * an arrow and a sign, and whether that is good news by a word; colour only repeats both.
 */
export function KpiTile({ name, kpi }: { name: KpiName; kpi: Kpi | undefined }) {
  const id = useId();
  const presentation = KPI_PRESENTATION[name];
  const change = kpi ? kpiChange(name, kpi) : undefined;
  return (
    <div
      role="group"
      aria-labelledby={id}
      data-kpi={name}
      className="flex h-32 flex-col justify-between rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm"
    >
      <p id={id} className="truncate text-sm font-medium text-slate-600" title={presentation.hint}>
        {presentation.label}
      </p>
      {kpi ? (
        <>
          <p className="text-2xl font-semibold text-slate-900 tabular-nums">
            <data value={kpi.value ?? ''} data-role="value">
              {formatKpi(name, kpi.value)}
            </data>
            {kpi.value === null && <span className="sr-only"> (no data in this period)</span>}
          </p>
          <div className="text-xs text-slate-600 tabular-nums">
            <p className="h-4 truncate">
              {change && change.text && (
                <span className={`font-medium ${VERDICT_STYLES[change.verdict]}`}>
                  <span aria-hidden="true">{ARROWS[change.trend]} </span>
                  {change.text}
                  {change.verdict !== 'neutral' && ` ${VERDICT_WORDS[change.verdict]}`}
                </span>
              )}
            </p>
            <p className="truncate">
              previous{' '}
              <data value={kpi.previous ?? ''} data-role="previous">
                {formatKpi(name, kpi.previous)}
              </data>
            </p>
          </div>
        </>
      ) : (
        <>
          <Skeleton className="h-8 w-24" />
          <Skeleton className="h-8 w-32" />
        </>
      )}
    </div>
  );
}
