/**
 * The dashboard in a real browser (Debian's Chromium, playwright-core) against `avesa serve` over a demo lake:
 * every number a page shows is compared with what the API answers the same user, with the same token.
 * Screenshots of every page go to tmp/browser/screenshots (docs/screenshots with AVESA_WRITE_DOCS=1), and the
 * overview's largest contentful paint is measured and printed (reported, not asserted).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { formatInteger } from '../../web/src/lib/format';
import { formatKpi, type KpiName } from '../../web/src/lib/kpis';
import { ACCOUNTS, PASSWORD, screenshot, startHarness, type Account, type Harness } from './harness';

jest.setTimeout(60_000);

interface ListPage {
  data: Array<Record<string, unknown> & { id: string }>;
  total: number;
}

let harness: Harness;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  harness = await startHarness();
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await harness?.stop();
});

async function newPage(viewport?: { width: number; height: number }): Promise<Page> {
  const context = await harness.newContext(viewport);
  contexts.push(context);
  return context.newPage();
}

/** Fills the login form and submits; resolves to the access token the API gave the page. */
async function logIn(page: Page, account: Account, password = PASSWORD): Promise<string | undefined> {
  if (!page.url().includes('/login')) await page.goto(`${harness.url}/login`);
  await page.getByLabel('Tenant').fill(account.tenantId);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((answer) => answer.url().endsWith('/auth/login')),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  if (!response.ok()) return undefined;
  const body = (await response.json()) as { accessToken: string };
  return body.accessToken;
}

/** The API, asked from the test with the page's token. */
async function api<T>(token: string, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${harness.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as T };
}

async function apiOk<T>(token: string, path: string): Promise<T> {
  const { status, body } = await api<T>(token, path);
  expect(status).toBe(200);
  return body;
}

/** The ids of the rows a data table shows, once it is not loading. */
async function tableIds(page: Page, region?: string): Promise<string[]> {
  const table = region
    ? page.getByRole('region', { name: region, exact: true }).locator('table')
    : page.locator('table').first();
  await table.locator('tbody tr[data-id]').first().waitFor();
  await page.waitForFunction(
    (element) => element?.getAttribute('aria-busy') === 'false',
    await table.elementHandle(),
  );
  return table
    .locator('tbody tr[data-id]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id') ?? ''));
}

/** The rows of one of a chart's "Show the numbers" tables: its first cell's text, then each number. */
async function numbersTable(page: Page, caption: string): Promise<Array<[string, ...number[]]>> {
  return page
    .locator('table', { has: page.locator('caption', { hasText: caption }) })
    .first()
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => [
        row.querySelector('th')?.textContent ?? '',
        ...Array.from(row.querySelectorAll('data'), (data: { getAttribute(name: string): string | null }) =>
          Number(data.getAttribute('value')),
        ),
      ]),
    ) as Promise<Array<[string, ...number[]]>>;
}

/** The total a list's range line shows ("26–50 of 3,900 tickets"). */
async function shownTotal(page: Page): Promise<number> {
  const total = page.getByTestId('range').first().locator('data');
  await total.waitFor();
  return Number(await total.getAttribute('value'));
}

describe('the dashboard in Chromium', () => {
  let admin: Page;
  let adminToken: string;

  it('sends a visitor to the login page, and refuses a wrong password with a clear message', async () => {
    const page = await newPage();
    await page.goto(`${harness.url}/tickets`);
    await page.waitForURL('**/login?next=%2Ftickets');
    await screenshot(page, 'login');

    const token = await logIn(page, ACCOUNTS.viewer, 'not-the-password');

    expect(token).toBeUndefined();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'Wrong tenant, email or password.',
    );
    await expect(page.getByLabel('Password').inputValue()).resolves.toBe('');
    await screenshot(page, 'login-wrong-password');
  });

  it("logs an admin in to the overview, whose KPI tiles are the API's, with the tenant's name", async () => {
    admin = await newPage();
    await admin.goto(`${harness.url}/`);
    await admin.waitForURL('**/login');
    adminToken = (await logIn(admin, ACCOUNTS.admin))!;
    await admin.waitForURL(`${harness.url}/`);
    await admin.locator('[data-kpi="open_backlog"] [data-role="value"]').waitFor();

    const dashboard = await apiOk<{
      kpis: Record<KpiName, { value: number | null; previous: number | null }>;
    }>(adminToken, '/api/analytics/dashboard?period=30d');
    const tiles = await admin.locator('[data-kpi]').evaluateAll((elements) =>
      elements.map((tile) => {
        const part = (role: string) => tile.querySelector(`[data-role="${role}"]`);
        return {
          name: tile.getAttribute('data-kpi') ?? '',
          value: part('value')?.getAttribute('value') ?? '',
          valueText: part('value')?.textContent ?? '',
          previous: part('previous')?.getAttribute('value') ?? '',
          previousText: part('previous')?.textContent ?? '',
        };
      }),
    );
    expect(tiles.map((tile) => tile.name).sort()).toEqual(Object.keys(dashboard.kpis).sort());
    for (const tile of tiles) {
      const kpi = dashboard.kpis[tile.name as KpiName];
      expect({ name: tile.name, value: tile.value, previous: tile.previous }).toEqual({
        name: tile.name,
        value: kpi.value === null ? '' : String(kpi.value),
        previous: kpi.previous === null ? '' : String(kpi.previous),
      });
      expect(tile.valueText).toBe(formatKpi(tile.name as KpiName, kpi.value));
      expect(tile.previousText).toBe(formatKpi(tile.name as KpiName, kpi.previous));
    }
    await expect(admin.getByTestId('tenant-name').textContent()).resolves.toBe('Contoso IT');
  });

  it("draws the overview's charts from the API's numbers", async () => {
    await admin.locator('.recharts-surface').nth(5).waitFor();
    const [status, aging, top, trend, hours] = await Promise.all([
      apiOk<{ open: number; byPriority: Array<{ priority: string | null; tickets: number }> }>(
        adminToken,
        '/api/analytics/tickets/status',
      ),
      apiOk<{ buckets: Array<{ label: string; tickets: number; overdue: number }> }>(
        adminToken,
        '/api/analytics/tickets/aging',
      ),
      apiOk<{ companies: Array<{ name: string | null; id: string; tickets: number; hours: number }> }>(
        adminToken,
        '/api/analytics/companies/top?period=30d&by=tickets&limit=10',
      ),
      apiOk<{ points: Array<{ bucket: string; created: number; closed: number }> }>(
        adminToken,
        '/api/analytics/tickets/trend?period=30d&interval=day',
      ),
      apiOk<{ technicians: Array<{ member: string; hours: number; billableHours: number }> }>(
        adminToken,
        '/api/analytics/technicians/hours?period=30d',
      ),
    ]);

    await expect(
      admin.getByText(`${formatInteger(status.open)} open tickets now, by priority.`).count(),
    ).resolves.toBe(1);
    expect(await numbersTable(admin, 'Open tickets by priority')).toEqual(
      status.byPriority.map((row) => [row.priority ?? '(none)', row.tickets]),
    );
    expect(await numbersTable(admin, 'Open tickets by age')).toEqual(
      aging.buckets.map((bucket) => [bucket.label, bucket.tickets, bucket.overdue]),
    );
    expect(await numbersTable(admin, 'Top companies')).toEqual(
      top.companies.map((company) => [company.name ?? company.id, company.tickets, company.hours]),
    );
    expect((await numbersTable(admin, 'Tickets created and closed')).map((row) => row.slice(1))).toEqual(
      trend.points.map((point) => [point.created, point.closed]),
    );
    expect(await numbersTable(admin, 'Hours by technician')).toEqual(
      hours.technicians.map((technician) => [technician.member, technician.hours, technician.billableHours]),
    );
    await screenshot(admin, 'overview', { fullPage: true });
  });

  it('reloads the KPIs for another period from the picker', async () => {
    const answered = admin.waitForResponse((response) =>
      response.url().includes('/api/analytics/dashboard?period=7d'),
    );
    await admin.getByText('7 days', { exact: true }).click();
    await answered;
    await admin.waitForURL('**/?period=7d');
    await admin.locator('[aria-busy="false"] [data-kpi="created"]').waitFor();

    const dashboard = await apiOk<{ kpis: Record<KpiName, { value: number | null }> }>(
      adminToken,
      '/api/analytics/dashboard?period=7d',
    );
    await expect(
      admin.locator('[data-kpi="created"] [data-role="value"]').getAttribute('value'),
    ).resolves.toBe(String(dashboard.kpis.created.value ?? ''));
    await screenshot(admin, 'overview-7-days');
  });

  it("measures the overview's largest contentful paint on a fresh load (reported, not asserted)", async () => {
    const page = await admin.context().newPage();
    await page.goto(`${harness.url}/`);
    await page.locator('[data-kpi="open_backlog"] [data-role="value"]').waitFor();
    await page.locator('.recharts-surface').nth(5).waitFor();
    await page.waitForTimeout(500);
    const measured = (await page.evaluate(`new Promise((done) => {
      let shift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) shift += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
      new PerformanceObserver((list) => {
        const entries = list.getEntries();
        const last = entries[entries.length - 1];
        const navigation = performance.getEntriesByType('navigation')[0];
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const resources = performance.getEntriesByType('resource');
        const bundle = resources.filter((entry) => /\\/assets\\/.*\\.(js|css)$/.test(entry.name));
        const timing = (pattern) => {
          const entry = resources.find((candidate) => candidate.name.includes(pattern));
          return entry ? [Math.round(entry.startTime), Math.round(entry.responseEnd)] : null;
        };
        done({
          lcpMs: Math.round(last.startTime),
          element: last.element ? last.element.tagName + ': ' + (last.element.textContent || '').slice(0, 60) : '',
          firstContentfulPaintMs: paint ? Math.round(paint.startTime) : null,
          domContentLoadedMs: Math.round(navigation.domContentLoadedEventEnd),
          cumulativeLayoutShift: Math.round(shift * 1000) / 1000,
          refreshMs: timing('/auth/refresh'),
          dashboardMs: timing('/api/analytics/dashboard'),
          assets: bundle.map((entry) => ({ name: entry.name.split('/').pop(), transferred: entry.encodedBodySize })),
          assetsTransferredBytes: bundle.reduce((sum, entry) => sum + entry.encodedBodySize, 0),
        });
      }).observe({ type: 'largest-contentful-paint', buffered: true });
    })`)) as { lcpMs: number; assetsTransferredBytes: number };
    console.log(`overview LCP on loopback: ${JSON.stringify(measured, null, 2)}`);
    writeFileSync(
      join(__dirname, '..', '..', 'tmp', 'browser', 'lcp.json'),
      `${JSON.stringify(measured, null, 2)}\n`,
    );
    expect(measured.lcpMs).toBeGreaterThan(0);
    await page.close();
  });

  it.each([
    ['companies', 'companies', 'Companies'],
    ['contacts', 'contacts', 'Contacts'],
    ['tickets', 'tickets', 'Tickets'],
    ['time-entries', 'time-entries', 'Time entries'],
  ])("shows the API's first page of %s", async (path, screenshotName, caption) => {
    await admin.goto(`${harness.url}/${path}`);
    const ids = await tableIds(admin, caption);
    const page = await apiOk<ListPage>(adminToken, `/api/${path}?limit=25`);

    expect(ids).toEqual(page.data.map((row) => row.id));
    expect(await shownTotal(admin)).toBe(page.total);
    await screenshot(admin, screenshotName);
  });

  it('searches, filters, sorts and pages tickets on the server', async () => {
    await admin.goto(`${harness.url}/tickets`);
    await tableIds(admin, 'Tickets');
    const first = await apiOk<ListPage>(adminToken, '/api/tickets?limit=1');
    const term = String(first.data[0]!.company_name ?? first.data[0]!.summary).split(/\s+/)[0]!;

    await admin.getByLabel('Search tickets').fill(term);
    await admin.waitForURL(`**/tickets?search=${encodeURIComponent(term).replace(/%20/g, '+')}`);
    const searched = await apiOk<ListPage>(
      adminToken,
      `/api/tickets?limit=25&search=${encodeURIComponent(term)}`,
    );
    expect(await tableIds(admin, 'Tickets')).toEqual(searched.data.map((row) => row.id));
    expect(await shownTotal(admin)).toBe(searched.total);
    await screenshot(admin, 'tickets-search');

    await admin.getByRole('button', { name: 'Clear search and filters' }).click();
    await admin.getByLabel('Open or closed').selectOption('false');
    await admin.waitForURL('**/tickets?closed=false');
    const open = await apiOk<ListPage>(adminToken, '/api/tickets?limit=25&closed=false');
    expect(await tableIds(admin, 'Tickets')).toEqual(open.data.map((row) => row.id));
    expect(await shownTotal(admin)).toBe(open.total);

    await admin.getByRole('button', { name: /^Ticket/ }).click();
    await admin.waitForURL('**/tickets?closed=false&sort=ticket_id&order=asc');
    const sorted = await apiOk<ListPage>(
      adminToken,
      '/api/tickets?limit=25&closed=false&sort=ticket_id&order=asc',
    );
    expect(await tableIds(admin, 'Tickets')).toEqual(sorted.data.map((row) => row.id));
    await expect(admin.locator('th[aria-sort="ascending"]').textContent()).resolves.toContain('Ticket');

    await admin.getByRole('button', { name: /Next/ }).click();
    await admin.waitForURL('**/tickets?closed=false&sort=ticket_id&order=asc&offset=25');
    const second = await apiOk<ListPage>(
      adminToken,
      '/api/tickets?limit=25&offset=25&closed=false&sort=ticket_id&order=asc',
    );
    expect(await tableIds(admin, 'Tickets')).toEqual(second.data.map((row) => row.id));
    await expect(admin.getByTestId('range').textContent()).resolves.toBe(
      `26–${Math.min(50, second.total)} of ${formatInteger(second.total)} tickets`,
    );

    await admin.goBack();
    await admin.waitForURL('**/tickets?closed=false&sort=ticket_id&order=asc');
    expect(await tableIds(admin, 'Tickets')).toEqual(sorted.data.map((row) => row.id));
  });

  it("links a company to its tickets, hours and contacts, each the API's", async () => {
    const companies = await apiOk<ListPage>(adminToken, '/api/companies?limit=1&sort=name&order=asc');
    const company = companies.data[0]!;
    await admin.goto(`${harness.url}/companies`);
    await admin
      .getByRole('link', { name: String(company.name), exact: true })
      .first()
      .click();
    await admin.waitForURL(`**/companies/${company.id}`);
    await admin.getByRole('heading', { level: 1, name: String(company.name), exact: true }).waitFor();

    const scope = `source=${String(company.source)}&company_id=${encodeURIComponent(String(company.company_id))}`;
    const [tickets, entries] = await Promise.all([
      apiOk<ListPage>(adminToken, `/api/tickets?limit=10&${scope}`),
      apiOk<ListPage>(adminToken, `/api/time-entries?limit=10&${scope}`),
    ]);
    const count = (label: string) => admin.getByRole('group', { name: label, exact: true }).locator('data');
    await count('All tickets').waitFor();
    await expect(count('All tickets').getAttribute('value')).resolves.toBe(String(tickets.total));
    await expect(count('Time entries').getAttribute('value')).resolves.toBe(String(entries.total));
    if (tickets.total > 0)
      expect(await tableIds(admin, 'Tickets')).toEqual(tickets.data.map((row) => row.id));
    if (entries.total > 0)
      expect(await tableIds(admin, 'Time entries')).toEqual(entries.data.map((row) => row.id));
    await screenshot(admin, 'company', { fullPage: true });
  });

  it("shows a ticket's time entries", async () => {
    const entries = await apiOk<ListPage>(adminToken, '/api/time-entries?limit=50&source=connectwise');
    const entry = entries.data.find((row) => row.ticket_id)!;
    const ticketId = `${String(entry.source)}:${String(entry.ticket_id)}`;
    await admin.goto(`${harness.url}/tickets/${ticketId}`);

    const own = await apiOk<ListPage>(
      adminToken,
      `/api/time-entries?limit=10&source=${String(entry.source)}&ticket_id=${String(entry.ticket_id)}`,
    );
    expect(await tableIds(admin, 'Time entries')).toEqual(own.data.map((row) => row.id));
  });

  it('lists the pipeline for admins as the API reports it', async () => {
    await admin.goto(`${harness.url}/pipeline`);
    const pipeline = await apiOk<{ tables: Array<{ source: string; table: string; records: number }> }>(
      adminToken,
      '/api/pipeline',
    );
    await admin.locator('tr[data-table]').first().waitFor();
    const rows = await admin
      .locator('tr[data-table]')
      .evaluateAll((elements) =>
        elements.map((row) => [
          row.getAttribute('data-table'),
          Number(row.querySelector('data')?.getAttribute('value')),
        ]),
      );
    expect(rows).toEqual(pipeline.tables.map((table) => [`${table.source}/${table.table}`, table.records]));
    await screenshot(admin, 'pipeline');
  });

  it('is usable from the keyboard, with every control labelled', async () => {
    await admin.goto(`${harness.url}/tickets`);
    await tableIds(admin, 'Tickets');
    await admin.keyboard.press('Tab');
    await expect(admin.evaluate('document.activeElement.textContent')).resolves.toBe('Skip to content');
    await admin.keyboard.press('Enter');
    await expect(admin.evaluate('document.activeElement.id')).resolves.toBe('main');

    const unlabelled =
      await admin.evaluate(`Array.from(document.querySelectorAll('input, select, button, a[href]'))
      .filter((element) => !(element.labels && element.labels.length) && !element.getAttribute('aria-label')
        && !(element.textContent || '').trim())
      .map((element) => element.outerHTML.slice(0, 80))`);
    expect(unlabelled).toEqual([]);
  });

  it('fits a phone: no sideways scrolling of the page', async () => {
    await admin.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [
      ['/', 'phone-overview'],
      ['/tickets', 'phone-tickets'],
    ] as const) {
      await admin.goto(`${harness.url}${path}`);
      await admin
        .locator(path === '/' ? '[data-kpi] [data-role="value"]' : 'tbody tr[data-id]')
        .first()
        .waitFor();
      await expect(admin.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
      await screenshot(admin, name);
    }
    await admin.setViewportSize({ width: 1280, height: 800 });
  });

  it("shows an analyst a ticket's full change history: what changed, when, from what to what", async () => {
    const page = await newPage();
    const token = (await logIn(page, ACCOUNTS.analyst))!;
    const recent = await apiOk<ListPage>(token, '/api/tickets?limit=25&sort=valid_from&order=desc');
    let changed:
      { id: string; versions: Array<{ valid_from: string; changes: Array<{ field: string }> }> } | undefined;
    for (const row of recent.data) {
      const history = await apiOk<NonNullable<typeof changed>>(
        token,
        `/api/tickets/${encodeURIComponent(row.id)}/history`,
      );
      if (history.versions.length > 1) {
        changed = history;
        break;
      }
    }
    expect(changed).toBeDefined();

    await page.goto(`${harness.url}/tickets/${changed!.id}`);
    const versions = page.getByTestId('history-version');
    await versions.first().waitFor();
    await expect(versions.count()).resolves.toBe(changed!.versions.length);
    const newest = [...changed!.versions].sort((a, b) => b.valid_from.localeCompare(a.valid_from))[0]!;
    const fields = await versions
      .first()
      .locator('tr[data-field]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-field')));
    expect(fields).toEqual(newest.changes.map((change) => change.field));
    await expect(versions.first().locator('time').first().getAttribute('datetime')).resolves.toBe(
      newest.valid_from,
    );
    await screenshot(page, 'ticket-history', { fullPage: true });
  });

  it('tells a viewer that the history is for analysts and admins, and hides the pipeline', async () => {
    const page = await newPage();
    const token = (await logIn(page, ACCOUNTS.viewer))!;
    const tickets = await apiOk<ListPage>(token, '/api/tickets?limit=1');
    const asked: string[] = [];
    page.on('request', (request) => asked.push(request.url()));

    await page.goto(`${harness.url}/tickets/${tickets.data[0]!.id}`);

    await page.getByRole('status').filter({ hasText: 'Analysts and admins only' }).waitFor();
    expect(asked.some((url) => url.includes('/history'))).toBe(false);
    await expect(page.getByRole('link', { name: 'Pipeline' }).count()).resolves.toBe(0);
    await page.goto(`${harness.url}/pipeline`);
    await page.getByRole('status').filter({ hasText: 'Admins only' }).waitFor();
    await screenshot(page, 'ticket-viewer');
  });

  it("answers another tenant's URL with not found", async () => {
    const theirs = await apiOk<ListPage>(adminToken, '/api/tickets?limit=1');
    const page = await newPage();
    const token = (await logIn(page, ACCOUNTS.otherTenant))!;
    await page.getByTestId('tenant-name').waitFor();
    await expect(page.getByTestId('tenant-name').textContent()).resolves.toBe('Fabrikam Tech');

    await page.goto(`${harness.url}/tickets/${theirs.data[0]!.id}`);

    await page.getByRole('heading', { name: 'Ticket not found' }).waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Not found');
    expect((await api(token, `/api/tickets/${encodeURIComponent(theirs.data[0]!.id)}`)).status).toBe(404);
    await screenshot(page, 'not-found');
  });

  it('logs out: the session ends, and its refresh cookie is refused', async () => {
    const cookies = await admin.context().cookies();
    const refresh = cookies.find((cookie) => cookie.name === 'avesa_refresh');
    expect(refresh?.httpOnly).toBe(true);

    await admin.getByRole('button', { name: 'Log out' }).click();
    await admin.waitForURL('**/login');
    await admin.goto(`${harness.url}/companies`);
    await admin.waitForURL('**/login?next=%2Fcompanies');

    const reused = await fetch(`${harness.url}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: refresh!.value }),
    });
    expect(reused.status).toBe(401);
  });
});
