import { EntityTable } from '../components/ui/data-table/EntityTable';
import { useUrlListState } from '../components/ui/data-table/listState';
import { Page } from '../components/ui/layout/Page';
import { REFERENCE_CHIPS, TICKET_COLUMNS } from '../components/ui/records/columns';
import { useTicketControls } from '../components/ui/records/ticketControls';

export default function TicketsPage() {
  const state = useUrlListState('tickets');
  const controls = useTicketControls();
  return (
    <Page title="Tickets" description="Every ticket as it is now; open one for its full change history.">
      <EntityTable
        entity="tickets"
        state={state}
        columns={TICKET_COLUMNS}
        noun="tickets"
        controls={controls}
        chips={REFERENCE_CHIPS}
      />
    </Page>
  );
}
