import type { Period } from '../../../api/types';

export const PERIOD_LABELS: Record<Period, string> = {
  '7d': '7 days',
  '30d': '30 days',
  '90d': '90 days',
  '365d': '12 months',
};

/** The period of the KPIs and charts: a group of radio buttons (arrow keys move between them). */
export function PeriodPicker({ value, onChange }: { value: Period; onChange(period: Period): void }) {
  return (
    <fieldset className="flex flex-wrap items-center gap-2">
      <legend className="sr-only">Period</legend>
      <span aria-hidden="true" className="text-sm font-medium text-slate-700">
        Period
      </span>
      <div className="inline-flex rounded-md bg-white shadow-sm ring-1 ring-slate-300">
        {(Object.keys(PERIOD_LABELS) as Period[]).map((period) => (
          <label
            key={period}
            className="cursor-pointer border-l border-slate-300 px-3 py-1.5 text-sm font-medium first:rounded-l-md first:border-l-0 last:rounded-r-md has-checked:bg-indigo-600 has-checked:text-white has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-indigo-600"
          >
            <input
              type="radio"
              name="period"
              value={period}
              checked={value === period}
              onChange={() => onChange(period)}
              className="sr-only"
            />
            {PERIOD_LABELS[period]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
