import { useUser } from '../api/context';
import { useTicketHistory } from '../api/queries';
import type { EntityRow } from '../api/types';
import { Alert } from '../components/Alert';
import { Card } from '../components/Card';
import { DescriptionList } from '../components/DescriptionList';
import { QueryError } from '../components/QueryError';
import { Skeleton } from '../components/Skeleton';
import { NumberValue, ReferenceLink, Timestamp, YesNo } from '../components/ui/data-table/cells';
import { HistoryTimeline } from '../components/ui/history/HistoryTimeline';
import { Page } from '../components/ui/layout/Page';
import { OpenClosed, TIME_ENTRY_COLUMNS } from '../components/ui/records/columns';
import { RelatedList } from '../components/ui/records/RelatedList';
import { RecordView } from '../components/ui/records/RecordView';
import { ForbiddenError } from '../api/errors';
import { formatValue } from '../lib/format';

export default function TicketPage() {
  return (
    <RecordView entity="tickets" what="ticket">
      {(ticket) => (
        <Page
          title={`#${String(ticket.ticket_id ?? ticket.id)} ${formatValue(ticket.summary)}`}
          description={`Ticket ${ticket.id}`}
        >
          <Card title="Details" actions={<OpenClosed closed={ticket.closed} />}>
            <DescriptionList
              items={[
                {
                  label: 'Company',
                  value: (
                    <ReferenceLink
                      row={ticket}
                      entity="companies"
                      keyColumn="company_id"
                      label={ticket.company_name}
                    />
                  ),
                },
                {
                  label: 'Contact',
                  value: (
                    <ReferenceLink
                      row={ticket}
                      entity="contacts"
                      keyColumn="contact_id"
                      label={ticket.contact_name}
                    />
                  ),
                },
                { label: 'Status', value: formatValue(ticket.status) },
                { label: 'Priority', value: formatValue(ticket.priority) },
                { label: 'Board', value: formatValue(ticket.board) },
                { label: 'Type', value: formatValue(ticket.type) },
                { label: 'Owner', value: formatValue(ticket.owner) },
                { label: 'Entered', value: <Timestamp value={ticket.date_entered} /> },
                { label: 'Due', value: <Timestamp value={ticket.required_date} /> },
                { label: 'Closed on', value: <Timestamp value={ticket.closed_date} /> },
                { label: 'Actual hours', value: <NumberValue value={ticket.actual_hours} /> },
                { label: 'Budget hours', value: <NumberValue value={ticket.budget_hours} /> },
                { label: 'In SLA', value: <YesNo value={ticket.is_in_sla} /> },
                { label: 'Source', value: formatValue(ticket.source) },
              ]}
            />
          </Card>
          <RelatedList
            title="Time entries"
            entity="time_entries"
            noun="time entries"
            columns={TIME_ENTRY_COLUMNS}
            filters={{ source: String(ticket.source), ticket_id: String(ticket.ticket_id) }}
          />
          <Card
            title="Change history"
            description="Every version of this ticket: what changed, when, from what to what."
          >
            <TicketHistory ticket={ticket} />
          </Card>
        </Page>
      )}
    </RecordView>
  );
}

const HISTORY_ROLES = new Set(['analyst', 'admin']);

function TicketHistory({ ticket }: { ticket: EntityRow }) {
  const user = useUser();
  const allowed = HISTORY_ROLES.has(user.role);
  const history = useTicketHistory(ticket.id, allowed);
  if (!allowed || history.error instanceof ForbiddenError)
    return (
      <Alert tone="info" title="Analysts and admins only">
        <p>
          The change history is shown to analysts and admins only. Ask an admin of your tenant for access.
        </p>
      </Alert>
    );
  if (history.isError) return <QueryError error={history.error} what="the history" />;
  if (!history.data)
    return (
      <div role="status" aria-label="Loading the history">
        <Skeleton className="h-24 w-full" />
      </div>
    );
  return <HistoryTimeline history={history.data} />;
}
