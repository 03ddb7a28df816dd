import type { EntityRow, HistoryResponse } from '../../../api/types';
import { formatInteger, formatValue } from '../../../lib/format';
import { Badge } from '../../Badge';
import { Timestamp } from '../data-table/cells';

type Version = HistoryResponse['versions'][number];

const FIELD_LABELS: Record<string, string> = {
  date_entered: 'Entered',
  required_date: 'Due',
  closed_date: 'Closed on',
  closed: 'Closed',
  owner: 'Owner',
  actual_hours: 'Actual hours',
  budget_hours: 'Budget hours',
  updated_at: 'Updated at the source',
  is_in_sla: 'In SLA',
  sla_status: 'SLA status',
};

/** `closed_date` → "Closed on", `company_name` → "Company name". */
export function fieldLabel(field: string): string {
  const label = FIELD_LABELS[field] ?? field.replace(/_/g, ' ');
  return label.charAt(0).toUpperCase() + label.slice(1);
}

function ChangeValue({ value }: { value: unknown }) {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return <Timestamp value={value} />;
  return <>{formatValue(value)}</>;
}

/**
 * A ticket's every version (SCD2), newest first: when each became current, and for each field that changed
 * what it was before and what it became.
 */
export function HistoryTimeline({ history }: { history: HistoryResponse }) {
  const versions = [...history.versions].sort((a, b) => b.valid_from.localeCompare(a.valid_from));
  const count = versions.length;
  return (
    <div>
      <p className="mb-3 text-sm text-slate-600">
        {count === 1
          ? 'One version: nothing has changed since the ticket was first synced.'
          : `${formatInteger(count)} versions, newest first.`}
      </p>
      <ol className="space-y-4 border-l-2 border-slate-200 pl-4" aria-label="Versions, newest first">
        {versions.map((version, index) => (
          <VersionItem key={version.valid_from} version={version} number={count - index} />
        ))}
      </ol>
    </div>
  );
}

function VersionItem({ version, number }: { version: Version; number: number }) {
  const first = number === 1;
  // The contract types a version's record by its id only; its columns are the ticket's.
  const record = version.record as EntityRow;
  return (
    <li className="relative" data-testid="history-version">
      <span
        aria-hidden="true"
        className="absolute top-1.5 -left-[1.4rem] h-3 w-3 rounded-full border-2 border-white bg-indigo-600"
      />
      <h3 className="flex flex-wrap items-center gap-2 text-sm font-semibold text-slate-900">
        Version {number}
        {version.is_current && <Badge tone="info">current</Badge>}
        {first && <Badge>first seen</Badge>}
        {version.deleted_at && <Badge tone="warn">deleted at the source</Badge>}
      </h3>
      <p className="text-xs text-slate-600">
        From <Timestamp value={version.valid_from} />
        {version.deleted_at ? (
          <>
            {' '}
            until it was deleted at the source, <Timestamp value={version.deleted_at} />
          </>
        ) : version.valid_to ? (
          <>
            {' '}
            until <Timestamp value={version.valid_to} />
          </>
        ) : (
          ' until now'
        )}
      </p>
      {first ? (
        <p className="mt-1 text-sm text-slate-700">
          First seen with status {formatValue(record.status)}, priority {formatValue(record.priority)}
          {record.owner ? `, owned by ${formatValue(record.owner)}` : ''}.
        </p>
      ) : version.changes.length === 0 ? (
        <p className="mt-1 text-sm text-slate-700">No field that is shown here changed.</p>
      ) : (
        <table className="mt-2 w-full max-w-3xl text-sm">
          <caption className="sr-only">Changes in version {number}</caption>
          <thead>
            <tr className="text-left text-xs text-slate-500 uppercase">
              <th scope="col" className="py-1 pr-4 font-medium">
                Field
              </th>
              <th scope="col" className="py-1 pr-4 font-medium">
                Before
              </th>
              <th scope="col" className="py-1 font-medium">
                After
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {version.changes.map((change) => (
              <tr key={change.field} data-field={change.field}>
                <th scope="row" className="py-1 pr-4 text-left font-medium text-slate-800">
                  {fieldLabel(change.field)}
                </th>
                <td className="py-1 pr-4 text-slate-600">
                  <del className="decoration-rose-400">
                    <ChangeValue value={change.from} />
                  </del>
                </td>
                <td className="py-1 text-slate-900">
                  <ins className="no-underline">
                    <span aria-hidden="true">→ </span>
                    <ChangeValue value={change.to} />
                  </ins>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}
