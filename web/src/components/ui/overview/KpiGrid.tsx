import type { DashboardResponse } from '../../../api/types';
import { KPI_GROUPS } from '../../../lib/kpis';
import { KpiTile } from './KpiTile';

/** The KPI tiles in their groups; while loading, tiles of the same size hold their places. */
export function KpiGrid({ dashboard, stale }: { dashboard: DashboardResponse | undefined; stale: boolean }) {
  return (
    <div className={`space-y-4 ${stale ? 'opacity-60' : ''}`} aria-busy={!dashboard || stale}>
      {KPI_GROUPS.map((group) => (
        <section key={group.title} aria-label={group.title}>
          <h2 className="mb-2 text-sm font-semibold tracking-wide text-slate-500 uppercase">{group.title}</h2>
          <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-6">
            {group.kpis.map((name) => (
              <KpiTile key={name} name={name} kpi={dashboard?.kpis[name]} />
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}
