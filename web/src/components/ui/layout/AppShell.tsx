import { Suspense, useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useSessionStore, useUser } from '../../../api/context';
import { Badge } from '../../Badge';
import { Button } from '../../Button';
import { Skeleton } from '../../Skeleton';
import { tenantName } from './Page';

const NAVIGATION = [
  { to: '/', label: 'Overview', end: true },
  { to: '/companies', label: 'Companies' },
  { to: '/contacts', label: 'Contacts' },
  { to: '/tickets', label: 'Tickets' },
  { to: '/time-entries', label: 'Time entries' },
];

/** Every signed-in page: the tenant's name, the navigation, who is signed in, and a way out. */
export function AppShell() {
  const user = useUser();
  const store = useSessionStore();
  const navigate = useNavigate();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(location.pathname);
  useEffect(() => {
    // After a client-side navigation, screen readers and keyboards start at the new page, as on a page load.
    if (shownPath.current === location.pathname) return;
    shownPath.current = location.pathname;
    main.current?.focus({ preventScroll: true });
  }, [location.pathname]);
  const navigation =
    user.role === 'admin' ? [...NAVIGATION, { to: '/pipeline', label: 'Pipeline' }] : NAVIGATION;
  const logout = async () => {
    await store.logout();
    navigate('/login', { replace: true });
  };
  return (
    <div className="min-h-screen bg-slate-50 text-slate-900">
      <a
        href="#main"
        className="sr-only rounded bg-white px-3 py-2 text-sm font-medium text-indigo-700 focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-10"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3">
          <div className="flex min-w-0 items-baseline gap-3">
            <span className="text-lg font-bold tracking-tight text-indigo-700">avesa</span>
            <span className="truncate text-base font-semibold text-slate-900" data-testid="tenant-name">
              {tenantName(user)}
            </span>
          </div>
          <div className="flex items-center gap-2 text-sm">
            <span className="hidden text-slate-600 sm:inline">{user.email}</span>
            <Badge tone="info">{user.role}</Badge>
            <Button variant="ghost" onClick={logout}>
              Log out
            </Button>
          </div>
        </div>
        <nav aria-label="Main" className="mx-auto max-w-7xl overflow-x-auto px-2">
          <ul className="flex gap-1">
            {navigation.map((item) => (
              <li key={item.to}>
                <NavLink
                  to={item.to}
                  end={item.end ?? false}
                  className={({ isActive }) =>
                    `block border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap focus-visible:outline-2 focus-visible:outline-indigo-600 ${
                      isActive
                        ? 'border-indigo-600 text-indigo-700'
                        : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900'
                    }`
                  }
                >
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none">
        <Suspense fallback={<PageSkeleton />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

function PageSkeleton() {
  return (
    <div role="status" aria-label="Loading the page">
      <Skeleton className="mb-4 h-8 w-48" />
      <Skeleton className="h-64 w-full" />
    </div>
  );
}
