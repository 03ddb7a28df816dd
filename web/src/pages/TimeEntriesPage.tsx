import { EntityTable } from '../components/ui/data-table/EntityTable';
import { useUrlListState } from '../components/ui/data-table/listState';
import { Page } from '../components/ui/layout/Page';
import { REFERENCE_CHIPS, TIME_ENTRY_COLUMNS, TIME_ENTRY_CONTROLS } from '../components/ui/records/columns';

export default function TimeEntriesPage() {
  const state = useUrlListState('time_entries');
  return (
    <Page title="Time entries" description="Hours your technicians logged, billable and not.">
      <EntityTable
        entity="time_entries"
        state={state}
        columns={TIME_ENTRY_COLUMNS}
        noun="time entries"
        controls={TIME_ENTRY_CONTROLS}
        chips={REFERENCE_CHIPS}
      />
    </Page>
  );
}
