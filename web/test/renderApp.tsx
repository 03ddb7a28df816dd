import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { ApiClient } from '../src/api/client';
import { ApiProvider } from '../src/api/context';
import { SessionStore } from '../src/api/session';
import { fakeFetch } from './fakeApi';

type Routes = Parameters<typeof fakeFetch>[0];

const sessions: SessionStore[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.dispose();
});

/** Renders a page at a URL with the app's providers over a fake API. */
export function renderPage(
  element: ReactNode,
  { routes, url = '/', path = '*' }: { routes: Routes; url?: string; path?: string },
) {
  const api = fakeFetch(routes);
  const session = new SessionStore({ fetch: api.fetch, withLock: (run) => run(), channel: null });
  sessions.push(session);
  const client = new ApiClient(session, api.fetch);
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <ApiProvider session={session} api={client}>
      <QueryClientProvider client={queries}>
        <MemoryRouter initialEntries={[url]}>
          <Routes>
            <Route path={path} element={element} />
            <Route path="/" element={<p>home page</p>} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </ApiProvider>,
  );
  return { ...view, session, calls: api.calls };
}
