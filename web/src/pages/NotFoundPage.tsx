import { Link } from 'react-router';
import { Page } from '../components/ui/layout/Page';

export default function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p className="text-sm text-slate-700">
        There is no page at this address.{' '}
        <Link to="/" className="font-medium text-indigo-700 hover:underline">
          Go to the overview
        </Link>
        .
      </p>
    </Page>
  );
}
