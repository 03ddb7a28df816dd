/** The columns and filters of each entity's list, shared by its own page and the lists embedded elsewhere. */
import { Badge } from '../../Badge';
import { MaybeId, NumberValue, RecordLink, ReferenceLink, Timestamp, YesNo } from '../data-table/cells';
import type { Column } from '../data-table/DataTable';
import type { FilterControl } from '../data-table/FilterBar';
import { NO_VALUE, shortId } from '../../../lib/format';
import type { EntityRow } from '../../../api/types';

const text = (row: EntityRow, name: string) => (typeof row[name] === 'string' ? (row[name] as string) : '');

export function OpenClosed({ closed }: { closed: unknown }) {
  if (typeof closed !== 'boolean') return <>{NO_VALUE}</>;
  return closed ? (
    <Badge tone="neutral">
      <span aria-hidden="true">✓</span> Closed
    </Badge>
  ) : (
    <Badge tone="info">
      <span aria-hidden="true">○</span> Open
    </Badge>
  );
}

export const COMPANY_COLUMNS: Column[] = [
  {
    key: 'name',
    label: 'Name',
    render: (row) => (
      <RecordLink entity="companies" row={row}>
        {text(row, 'name') || row.id}
      </RecordLink>
    ),
  },
  { key: 'identifier', label: 'Identifier' },
  { key: 'status', label: 'Status' },
  { key: 'city', label: 'City', wide: true },
  { key: 'state', label: 'State', wide: true },
  { key: 'phone_number', label: 'Phone', wide: true, sortable: false },
  { key: 'source', label: 'Source', wide: true },
];

export const CONTACT_COLUMNS: Column[] = [
  {
    key: 'last_name',
    label: 'Name',
    render: (row) => (
      <RecordLink entity="contacts" row={row}>
        {[text(row, 'first_name'), text(row, 'last_name')].filter(Boolean).join(' ') || row.id}
      </RecordLink>
    ),
  },
  {
    key: 'company_name',
    label: 'Company',
    render: (row) => (
      <ReferenceLink row={row} entity="companies" keyColumn="company_id" label={row.company_name} />
    ),
  },
  { key: 'title', label: 'Title', wide: true },
  { key: 'email', label: 'Email' },
  { key: 'phone', label: 'Phone', wide: true, sortable: false },
  {
    key: 'inactive',
    label: 'Status',
    render: (row) => <YesNo value={row.inactive} yes="Inactive" no="Active" />,
  },
];

export const TICKET_COLUMNS: Column[] = [
  {
    key: 'ticket_id',
    label: 'Ticket',
    render: (row) => (
      <RecordLink entity="tickets" row={row}>
        #{shortId(String(row.ticket_id ?? row.id))}
      </RecordLink>
    ),
  },
  {
    key: 'summary',
    label: 'Summary',
    render: (row) => <span className="line-clamp-2 min-w-48">{text(row, 'summary') || NO_VALUE}</span>,
  },
  {
    key: 'company_name',
    label: 'Company',
    render: (row) => (
      <ReferenceLink row={row} entity="companies" keyColumn="company_id" label={row.company_name} />
    ),
  },
  { key: 'status', label: 'Status' },
  { key: 'priority', label: 'Priority', wide: true },
  { key: 'owner', label: 'Owner', wide: true, render: (row) => <MaybeId value={row.owner} /> },
  {
    key: 'date_entered',
    label: 'Entered (UTC)',
    firstOrder: 'desc',
    render: (row) => <Timestamp value={row.date_entered} zone={false} />,
    wide: true,
  },
  { key: 'closed', label: 'Open?', render: (row) => <OpenClosed closed={row.closed} /> },
];

export const TIME_ENTRY_COLUMNS: Column[] = [
  {
    key: 'time_start',
    label: 'Started (UTC)',
    firstOrder: 'desc',
    render: (row) => (
      <RecordLink entity="time_entries" row={row}>
        <Timestamp value={row.time_start} zone={false} />
      </RecordLink>
    ),
  },
  { key: 'member', label: 'Technician', render: (row) => <MaybeId value={row.member} /> },
  {
    key: 'company_name',
    label: 'Company',
    render: (row) => (
      <ReferenceLink row={row} entity="companies" keyColumn="company_id" label={row.company_name} />
    ),
    wide: true,
  },
  {
    key: 'ticket_id',
    label: 'Ticket',
    render: (row) =>
      row.ticket_id ? (
        <ReferenceLink
          row={row}
          entity="tickets"
          keyColumn="ticket_id"
          label={`#${shortId(String(row.ticket_id))}`}
        />
      ) : (
        NO_VALUE
      ),
  },
  {
    key: 'actual_hours',
    label: 'Hours',
    align: 'right',
    firstOrder: 'desc',
    render: (row) => <NumberValue value={row.actual_hours} />,
  },
  { key: 'billable_option', label: 'Billing' },
  { key: 'work_type', label: 'Work type', wide: true },
  {
    key: 'notes',
    label: 'Notes',
    wide: true,
    sortable: false,
    render: (row) => <span className="line-clamp-1 max-w-56">{text(row, 'notes') || NO_VALUE}</span>,
  },
];

export const BILLING_OPTIONS = [
  { value: 'Billable', label: 'Billable' },
  { value: 'DoNotBill', label: 'Do not bill' },
  { value: 'NoCharge', label: 'No charge' },
  { value: 'NoDefault', label: 'No default' },
];

export const TIME_ENTRY_CONTROLS: FilterControl[] = [
  { kind: 'text', param: 'member', label: 'Technician' },
  { kind: 'select', param: 'billable_option', label: 'Billing', options: BILLING_OPTIONS },
  { kind: 'date', param: 'start_from', label: 'Started from' },
  { kind: 'date', param: 'start_to', label: 'Started before' },
];

export const COMPANY_CONTROLS: FilterControl[] = [
  { kind: 'text', param: 'status', label: 'Status' },
  { kind: 'text', param: 'state', label: 'State or region' },
];

export const CONTACT_CONTROLS: FilterControl[] = [
  {
    kind: 'select',
    param: 'inactive',
    label: 'Status',
    options: [
      { value: 'false', label: 'Active' },
      { value: 'true', label: 'Inactive' },
    ],
  },
];

/** Filters a link can set (a company's tickets) that have no control of their own. */
export const REFERENCE_CHIPS = [
  { param: 'source', label: 'Source' },
  { param: 'company_id', label: 'Company' },
  { param: 'contact_id', label: 'Contact' },
  { param: 'ticket_id', label: 'Ticket' },
];
