import { Card } from '../components/Card';
import { DescriptionList } from '../components/DescriptionList';
import { NumberValue, ReferenceLink, Timestamp } from '../components/ui/data-table/cells';
import { Page } from '../components/ui/layout/Page';
import { RecordView } from '../components/ui/records/RecordView';
import { formatValue } from '../lib/format';
import { recordTitle } from '../lib/records';

export default function TimeEntryPage() {
  return (
    <RecordView entity="time_entries" what="time entry">
      {(entry) => (
        <Page title={recordTitle('time_entries', entry)} description={`Time entry ${entry.id}`}>
          <Card title="Details">
            <DescriptionList
              items={[
                { label: 'Technician', value: formatValue(entry.member) },
                {
                  label: 'Company',
                  value: (
                    <ReferenceLink
                      row={entry}
                      entity="companies"
                      keyColumn="company_id"
                      label={entry.company_name}
                    />
                  ),
                },
                {
                  label: 'Ticket',
                  value: entry.ticket_id ? (
                    <ReferenceLink
                      row={entry}
                      entity="tickets"
                      keyColumn="ticket_id"
                      label={`#${String(entry.ticket_id)}`}
                    />
                  ) : (
                    '—'
                  ),
                },
                { label: 'Started', value: <Timestamp value={entry.time_start} /> },
                { label: 'Ended', value: <Timestamp value={entry.time_end} /> },
                { label: 'Hours', value: <NumberValue value={entry.actual_hours} /> },
                { label: 'Billed hours', value: <NumberValue value={entry.billed_hours} /> },
                { label: 'Billing', value: formatValue(entry.billable_option) },
                { label: 'Work type', value: formatValue(entry.work_type) },
                { label: 'Status', value: formatValue(entry.status) },
                { label: 'Source', value: formatValue(entry.source) },
              ]}
            />
          </Card>
          <Card title="Notes">
            <p className="text-sm whitespace-pre-wrap text-slate-800">{formatValue(entry.notes)}</p>
          </Card>
        </Page>
      )}
    </RecordView>
  );
}
