import { EntityTable } from '../components/ui/data-table/EntityTable';
import { useUrlListState } from '../components/ui/data-table/listState';
import { Page } from '../components/ui/layout/Page';
import { COMPANY_COLUMNS, COMPANY_CONTROLS, REFERENCE_CHIPS } from '../components/ui/records/columns';

export default function CompaniesPage() {
  const state = useUrlListState('companies');
  return (
    <Page title="Companies" description="Your customers, from every connected source.">
      <EntityTable
        entity="companies"
        state={state}
        columns={COMPANY_COLUMNS}
        noun="companies"
        controls={COMPANY_CONTROLS}
        chips={REFERENCE_CHIPS}
      />
    </Page>
  );
}
