/**
 * @jest-environment jsdom
 */
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { KpiTile } from '../src/components/ui/overview/KpiTile';
import { Pagination } from '../src/components/ui/data-table/Pagination';
import { HistoryTimeline } from '../src/components/ui/history/HistoryTimeline';
import LoginPage from '../src/pages/LoginPage';
import TicketPage from '../src/pages/TicketPage';
import { tokens } from './fakeApi';
import { renderPage } from './renderApp';

describe('the login page', () => {
  it('given a wrong password, when signing in, then a clear alert says so and the password is cleared', async () => {
    renderPage(<LoginPage />, {
      url: '/login',
      path: '/login',
      routes: {
        'POST /auth/login': () => ({
          status: 401,
          body: { error: 'unauthorized', message: 'wrong tenant, email or password' },
        }),
      },
    });
    fireEvent.change(screen.getByLabelText('Tenant'), { target: { value: 'contoso-it' } });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'admin@contoso.test' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope' } });

    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      expect.stringContaining('Wrong tenant, email or password.'),
    );
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
  });

  it('given too many attempts, when signing in, then the alert says how long to wait', async () => {
    renderPage(<LoginPage />, {
      url: '/login',
      path: '/login',
      routes: {
        'POST /auth/login': () => ({
          status: 429,
          body: { error: 'rate_limited', message: 'too many' },
          headers: { 'retry-after': '42' },
        }),
      },
    });
    fireEvent.change(screen.getByLabelText('Tenant'), { target: { value: 'contoso-it' } });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'admin@contoso.test' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });

    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByRole('alert')).textContent).toContain('Try again in 42 seconds');
  });

  it('given the right credentials, when signing in, then the user lands on the page they asked for', async () => {
    renderPage(<LoginPage />, {
      url: '/login?next=/',
      path: '/login',
      routes: { 'POST /auth/login': () => tokens('access') },
    });
    fireEvent.change(screen.getByLabelText('Tenant'), { target: { value: 'contoso-it' } });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'admin@contoso.test' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });

    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('home page')).toBeTruthy();
  });
});

describe('a KPI tile', () => {
  it('given a value and the previous one, then both show, with the change in words and not only colour', () => {
    render(<KpiTile name="open_backlog" kpi={{ value: 1173, previous: 1000, unit: 'count' }} />);

    const tile = screen.getByRole('group', { name: 'Open backlog' });
    expect(within(tile).getByText('1.2k').getAttribute('value')).toBe('1173');
    expect(tile.textContent).toContain('▲ +17% worse');
    expect(tile.textContent).toContain('previous 1k');
  });

  it('given no data in the period, then the tile says so instead of 0', () => {
    render(<KpiTile name="kill_rate" kpi={{ value: null, previous: null, unit: 'ratio' }} />);

    expect(screen.getByRole('group', { name: 'Kill rate' }).textContent).toContain(
      '— (no data in this period)',
    );
  });
});

describe('pagination', () => {
  it('given the second page of 60 rows, then it tells the range and only Previous and Next move', () => {
    const moves: number[] = [];
    render(
      <Pagination
        offset={25}
        limit={25}
        total={60}
        noun="tickets"
        onOffset={(offset) => moves.push(offset)}
      />,
    );

    expect(screen.getByTestId('range').textContent).toBe('26–50 of 60 tickets');
    fireEvent.click(screen.getByRole('button', { name: /Next/ }));
    fireEvent.click(screen.getByRole('button', { name: /Previous/ }));
    expect(moves).toEqual([50, 0]);
  });

  it('given the last page, then Next is disabled', () => {
    render(<Pagination offset={50} limit={25} total={60} noun="tickets" onOffset={() => undefined} />);

    expect((screen.getByRole('button', { name: /Next/ }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('the change history', () => {
  it('given two versions, then the newest is first with each change from before to after', () => {
    render(
      <HistoryTimeline
        history={{
          id: 'connectwise:7',
          versions: [
            {
              valid_from: '2026-11-01T10:00:00.000Z',
              valid_to: '2026-11-02T09:30:00.000Z',
              is_current: false,
              deleted_at: null,
              changes: [],
              record: { id: 'connectwise:7', status: 'New', priority: 'High' } as never,
            },
            {
              valid_from: '2026-11-02T09:30:00.000Z',
              valid_to: null,
              is_current: true,
              deleted_at: null,
              changes: [
                { field: 'status', from: 'New', to: 'In Progress' },
                { field: 'owner', from: null, to: 'Ada' },
              ],
              record: { id: 'connectwise:7', status: 'In Progress', priority: 'High' } as never,
            },
          ],
        }}
      />,
    );

    const versions = screen.getAllByTestId('history-version');
    expect(versions).toHaveLength(2);
    expect(versions[0]!.textContent).toContain('Version 2current');
    const status = within(versions[0]!).getByRole('row', { name: /Status/ });
    expect(status.textContent).toBe('StatusNew→ In Progress');
    expect(within(versions[0]!).getByRole('row', { name: /Owner/ }).textContent).toBe('Owner—→ Ada');
    expect(versions[1]!.textContent).toContain('First seen with status New, priority High');
  });
});

describe('the change history of a deleted ticket', () => {
  it('given a ticket deleted at the source, then its last version says so and none is current', () => {
    render(
      <HistoryTimeline
        history={{
          id: 'salesforce:500000000000001AAA',
          versions: [
            {
              valid_from: '2026-11-01T10:00:00.000Z',
              valid_to: '2026-11-03T08:00:00.000Z',
              is_current: false,
              deleted_at: '2026-11-03T08:00:00.000Z',
              changes: [],
              record: { id: 'salesforce:500000000000001AAA', status: 'New', priority: 'High' } as never,
            },
          ],
        }}
      />,
    );

    const [version] = screen.getAllByTestId('history-version');
    expect(version!.textContent).toContain('deleted at the source');
    expect(version!.textContent).toContain('until it was deleted at the source');
    expect(version!.textContent).not.toContain('current');
  });
});

describe('the ticket page', () => {
  const ticket = {
    id: 'connectwise:7',
    source: 'connectwise',
    ticket_id: '7',
    summary: 'Printer on fire',
    closed: false,
    company_id: '250',
    company_name: 'Acme',
  };
  const routes = (role: 'viewer' | 'analyst') => ({
    'POST /auth/refresh': () => tokens('access', role),
    'GET /api/tickets/connectwise%3A7': () => ({ status: 200, body: ticket }),
    'GET /api/time-entries': () => ({ status: 200, body: { data: [], total: 0, limit: 10, offset: 0 } }),
    'GET /api/tickets/connectwise%3A7/history': () => ({
      status: 200,
      body: {
        id: ticket.id,
        versions: [
          {
            valid_from: '2026-11-01T10:00:00Z',
            valid_to: null,
            is_current: true,
            changes: [],
            record: ticket,
          },
        ],
      },
    }),
  });

  it('given a viewer, then the history says it is for analysts and admins, without asking the API', async () => {
    const page = renderPage(<TicketPage />, {
      url: '/tickets/connectwise:7',
      path: '/tickets/:id',
      routes: routes('viewer'),
    });
    await act(() => page.session.refresh());

    expect(await screen.findByText('Analysts and admins only')).toBeTruthy();
    expect(page.calls.some((call) => call.url.includes('/history'))).toBe(false);
  });

  it('given an analyst, then the history is shown', async () => {
    const page = renderPage(<TicketPage />, {
      url: '/tickets/connectwise:7',
      path: '/tickets/:id',
      routes: routes('analyst'),
    });
    await act(() => page.session.refresh());

    expect(await screen.findByText(/One version: nothing has changed/)).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('#7 Printer on fire');
    expect(screen.getByRole('link', { name: 'Acme' }).getAttribute('href')).toBe(
      '/companies/connectwise:250',
    );
  });
});
