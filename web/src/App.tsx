import { lazy } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { AppShell } from './components/ui/layout/AppShell';
import { RequireAuth } from './components/ui/layout/RequireAuth';
import LoginPage from './pages/LoginPage';
import OverviewPage from './pages/OverviewPage';

// Every other page is a chunk of its own, and so are the charts. The login page and the overview (the first
// page after it) are in the main bundle: a lazy first page would suspend, and React shows suspended content
// no sooner than 300 ms after its fallback, which would be most of the overview's largest contentful paint.
const CompaniesPage = lazy(() => import('./pages/CompaniesPage'));
const CompanyPage = lazy(() => import('./pages/CompanyPage'));
const ContactsPage = lazy(() => import('./pages/ContactsPage'));
const ContactPage = lazy(() => import('./pages/ContactPage'));
const TicketsPage = lazy(() => import('./pages/TicketsPage'));
const TicketPage = lazy(() => import('./pages/TicketPage'));
const TimeEntriesPage = lazy(() => import('./pages/TimeEntriesPage'));
const TimeEntryPage = lazy(() => import('./pages/TimeEntryPage'));
const PipelinePage = lazy(() => import('./pages/PipelinePage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireAuth>
              <AppShell />
            </RequireAuth>
          }
        >
          <Route index element={<OverviewPage />} />
          <Route path="companies" element={<CompaniesPage />} />
          <Route path="companies/:id" element={<CompanyPage />} />
          <Route path="contacts" element={<ContactsPage />} />
          <Route path="contacts/:id" element={<ContactPage />} />
          <Route path="tickets" element={<TicketsPage />} />
          <Route path="tickets/:id" element={<TicketPage />} />
          <Route path="time-entries" element={<TimeEntriesPage />} />
          <Route path="time-entries/:id" element={<TimeEntryPage />} />
          <Route path="pipeline" element={<PipelinePage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
