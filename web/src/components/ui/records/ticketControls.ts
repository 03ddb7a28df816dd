import { useTicketStatus } from '../../../api/queries';
import type { FilterControl } from '../data-table/FilterBar';

/** The tickets' filters, suggesting the statuses, priorities and boards the tenant's open tickets have. */
export function useTicketControls(): FilterControl[] {
  const status = useTicketStatus();
  const values = (rows: Array<Record<string, unknown>> | undefined, key: string) =>
    (rows ?? [])
      .map((row) => row[key])
      .filter((value): value is string => typeof value === 'string' && value !== '');
  return [
    {
      kind: 'select',
      param: 'closed',
      label: 'Open or closed',
      options: [
        { value: 'false', label: 'Open' },
        { value: 'true', label: 'Closed' },
      ],
    },
    { kind: 'text', param: 'status', label: 'Status', suggestions: values(status.data?.byStatus, 'status') },
    {
      kind: 'text',
      param: 'priority',
      label: 'Priority',
      suggestions: values(status.data?.byPriority, 'priority'),
    },
    { kind: 'text', param: 'board', label: 'Board', suggestions: values(status.data?.byBoard, 'board') },
    { kind: 'text', param: 'owner', label: 'Owner' },
    { kind: 'date', param: 'entered_from', label: 'Entered from' },
    { kind: 'date', param: 'entered_to', label: 'Entered before' },
  ];
}
