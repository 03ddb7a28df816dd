import { EntityTable } from '../components/ui/data-table/EntityTable';
import { useUrlListState } from '../components/ui/data-table/listState';
import { Page } from '../components/ui/layout/Page';
import { CONTACT_COLUMNS, CONTACT_CONTROLS, REFERENCE_CHIPS } from '../components/ui/records/columns';

export default function ContactsPage() {
  const state = useUrlListState('contacts');
  return (
    <Page title="Contacts" description="The people at your customers.">
      <EntityTable
        entity="contacts"
        state={state}
        columns={CONTACT_COLUMNS}
        noun="contacts"
        controls={CONTACT_CONTROLS}
        chips={REFERENCE_CHIPS}
      />
    </Page>
  );
}
