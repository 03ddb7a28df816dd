import { ForbiddenError, NotFoundError, SessionEndedError } from '../api/errors';
import { Alert } from './Alert';

/** What a failed read tells the user: not found (also another tenant's id), not allowed, or the error itself. */
export function QueryError({ error, what = 'this' }: { error: unknown; what?: string }) {
  if (error instanceof NotFoundError)
    return (
      <Alert title="Not found">
        <p>{error.message || `There is no ${what} with this id in your tenant.`}</p>
      </Alert>
    );
  if (error instanceof ForbiddenError)
    return (
      <Alert tone="info" title="Not available to your role">
        <p>{error.message}</p>
      </Alert>
    );
  if (error instanceof SessionEndedError) return null;
  return (
    <Alert title={`Could not load ${what}`}>
      <p>{error instanceof Error ? error.message : String(error)}</p>
    </Alert>
  );
}
