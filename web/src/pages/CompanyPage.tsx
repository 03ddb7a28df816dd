import { Card } from '../components/Card';
import { DescriptionList } from '../components/DescriptionList';
import { Timestamp } from '../components/ui/data-table/cells';
import { Page } from '../components/ui/layout/Page';
import { CONTACT_COLUMNS, TICKET_COLUMNS, TIME_ENTRY_COLUMNS } from '../components/ui/records/columns';
import { RecordCount, RelatedList } from '../components/ui/records/RelatedList';
import { RecordView } from '../components/ui/records/RecordView';
import { formatValue } from '../lib/format';
import { recordTitle } from '../lib/records';

export default function CompanyPage() {
  return (
    <RecordView entity="companies" what="company">
      {(company) => {
        const scope = { source: String(company.source), company_id: String(company.company_id) };
        return (
          <Page title={recordTitle('companies', company)} description={`Company ${company.id}`}>
            <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
              <RecordCount label="Open tickets" entity="tickets" filters={{ ...scope, closed: 'false' }} />
              <RecordCount label="All tickets" entity="tickets" filters={scope} />
              <RecordCount label="Time entries" entity="time_entries" filters={scope} />
              <RecordCount label="Contacts" entity="contacts" filters={scope} />
            </div>
            <Card title="Details">
              <DescriptionList
                items={[
                  { label: 'Identifier', value: formatValue(company.identifier) },
                  { label: 'Status', value: formatValue(company.status) },
                  { label: 'Phone', value: formatValue(company.phone_number) },
                  { label: 'Website', value: formatValue(company.website) },
                  {
                    label: 'Address',
                    value:
                      [company.city, company.state, company.zip, company.country]
                        .filter(Boolean)
                        .join(', ') || '—',
                  },
                  { label: 'Source', value: formatValue(company.source) },
                  { label: 'Customer since', value: <Timestamp value={company.date_entered} /> },
                  { label: 'Updated at the source', value: <Timestamp value={company.updated_at} /> },
                ]}
              />
            </Card>
            <RelatedList
              title="Tickets"
              entity="tickets"
              noun="tickets"
              columns={TICKET_COLUMNS}
              filters={scope}
            />
            <RelatedList
              title="Hours"
              entity="time_entries"
              noun="time entries"
              columns={TIME_ENTRY_COLUMNS}
              filters={scope}
            />
            <RelatedList
              title="Contacts"
              entity="contacts"
              noun="contacts"
              columns={CONTACT_COLUMNS}
              filters={scope}
            />
          </Page>
        );
      }}
    </RecordView>
  );
}
