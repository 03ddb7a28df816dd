import { useEffect, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession, useSessionStore } from '../../../api/context';

/**
 * Renders its children only when signed in. On a fresh load the session is unknown: it is restored silently
 * from the refresh cookie, or the user is sent to the login page, which brings them back here afterwards.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const state = useSession();
  const store = useSessionStore();
  const location = useLocation();
  useEffect(() => {
    // Offline: the store signs out and the login page says why when the user tries.
    if (state.status === 'unknown') store.refresh().catch(() => undefined);
  }, [state.status, store]);
  if (state.status === 'unknown')
    return (
      <p role="status" className="p-8 text-center text-sm text-slate-600">
        Signing you in…
      </p>
    );
  if (state.status === 'signed-out') {
    const search = new URLSearchParams();
    if (state.reason !== 'logged-out') {
      const next = `${location.pathname}${location.search}`;
      if (next !== '/') search.set('next', next);
      if (state.reason === 'expired') search.set('expired', '1');
    }
    const query = search.toString();
    return <Navigate to={query ? `/login?${query}` : '/login'} replace />;
  }
  return children;
}
