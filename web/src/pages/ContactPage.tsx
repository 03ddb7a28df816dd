import { Card } from '../components/Card';
import { DescriptionList } from '../components/DescriptionList';
import { ReferenceLink, Timestamp, YesNo } from '../components/ui/data-table/cells';
import { Page } from '../components/ui/layout/Page';
import { TICKET_COLUMNS } from '../components/ui/records/columns';
import { RelatedList } from '../components/ui/records/RelatedList';
import { RecordView } from '../components/ui/records/RecordView';
import { formatValue } from '../lib/format';
import { recordTitle } from '../lib/records';

export default function ContactPage() {
  return (
    <RecordView entity="contacts" what="contact">
      {(contact) => (
        <Page title={recordTitle('contacts', contact)} description={`Contact ${contact.id}`}>
          <Card title="Details">
            <DescriptionList
              items={[
                {
                  label: 'Company',
                  value: (
                    <ReferenceLink
                      row={contact}
                      entity="companies"
                      keyColumn="company_id"
                      label={contact.company_name}
                    />
                  ),
                },
                { label: 'Title', value: formatValue(contact.title) },
                { label: 'Email', value: formatValue(contact.email) },
                { label: 'Phone', value: formatValue(contact.phone) },
                { label: 'Status', value: <YesNo value={contact.inactive} yes="Inactive" no="Active" /> },
                { label: 'Source', value: formatValue(contact.source) },
                { label: 'Updated at the source', value: <Timestamp value={contact.updated_at} /> },
              ]}
            />
          </Card>
          <RelatedList
            title="Tickets"
            entity="tickets"
            noun="tickets"
            columns={TICKET_COLUMNS}
            filters={{ source: String(contact.source), contact_id: String(contact.contact_id) }}
          />
        </Page>
      )}
    </RecordView>
  );
}
