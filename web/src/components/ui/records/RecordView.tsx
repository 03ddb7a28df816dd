import type { ReactNode } from 'react';
import { useParams } from 'react-router';
import { useEntity } from '../../../api/queries';
import type { EntityName, EntityRow } from '../../../api/types';
import { Card } from '../../Card';
import { QueryError } from '../../QueryError';
import { Skeleton } from '../../Skeleton';
import { Page } from '../layout/Page';

/**
 * A record's page: loads `/:id` of the entity, then renders it; "not found" for an id the tenant does not
 * have (another tenant's URL reads exactly like a wrong one).
 */
export function RecordView({
  entity,
  what,
  children,
}: {
  entity: EntityName;
  /** "ticket": for the loading and not-found texts. */
  what: string;
  children: (row: EntityRow) => ReactNode;
}) {
  const { id = '' } = useParams();
  const record = useEntity(entity, id);
  if (record.isError)
    return (
      <Page title={`${what.charAt(0).toUpperCase()}${what.slice(1)} not found`}>
        <QueryError error={record.error} what={`this ${what}`} />
      </Page>
    );
  if (!record.data)
    return (
      <div role="status" aria-label={`Loading the ${what}`}>
        <Skeleton className="mb-4 h-8 w-72" />
        <Card>
          <Skeleton className="h-32 w-full" />
        </Card>
      </div>
    );
  return <>{children(record.data)}</>;
}
