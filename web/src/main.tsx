import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ApiClient } from './api/client';
import { ApiProvider } from './api/context';
import { isTransient } from './api/errors';
import { SessionStore } from './api/session';
import './app.css';

const session = new SessionStore();
const api = new ApiClient(session);
const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // The data changes when a sync lands, not from second to second.
      staleTime: 60_000,
      refetchOnWindowFocus: false,
      retry: (failures, error) => failures < 2 && isTransient(error),
    },
  },
});
// Nothing of one session's data outlives it (the next user may be someone else).
session.subscribe(() => {
  if (session.getState().status === 'signed-out') queryClient.clear();
});

// A reload restores the session from its cookie at once, while React renders its first frame.
if (!window.location.pathname.startsWith('/login')) session.refresh().catch(() => undefined);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiProvider session={session} api={api}>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </ApiProvider>
  </StrictMode>,
);
