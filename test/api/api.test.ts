import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeContractLake, type ContractLake } from './contractLake';
import { anApiOver, getJson, type ApiWorld } from '../support/apiWorld';
import { unavailableEngine } from '../../api/store/unavailableEngine';

type Page = { data: Array<Record<string, unknown>>; total: number; limit: number; offset: number };

let lake: ContractLake;
let api: ApiWorld;
const TENANT = 'alpha-msp';
const users = [
  { tenantId: TENANT, email: 'ada@alpha.test', role: 'admin' as const },
  { tenantId: TENANT, email: 'ana@alpha.test', role: 'analyst' as const },
  { tenantId: TENANT, email: 'vic@alpha.test', role: 'viewer' as const },
  { tenantId: 'beta-it', email: 'bo@beta.test', role: 'admin' as const },
];

beforeAll(async () => {
  lake = await writeContractLake();
  api = await anApiOver(lake.lakeDir, users);
});

afterAll(async () => {
  await api?.close();
  await lake?.remove();
});

const as = (email: string, tenantId = TENANT) => api.bearer(tenantId, email);
const currentTickets = () => lake.history[TENANT]!.tickets.filter((row) => row.is_current);

describe('the analytics API', () => {
  it('answers /health without a token, and /api only with one', async () => {
    expect((await getJson(api.app, '/health', {})).body).toEqual({ status: 'ok' });
    const anonymous = await getJson<{ message: string }>(api.app, '/api/tickets', {});
    expect(anonymous.status).toBe(401);
    const forged = await getJson(api.app, '/api/tickets', { authorization: 'Bearer not.a.token' });
    expect(forged.status).toBe(401);
    // Authentication comes before validation: no token, no word on the parameters.
    expect((await getJson(api.app, '/api/tickets?limit=9999', {})).status).toBe(401);
  });

  it("lists the tenant's current tickets a page at a time, sorted, with the total, ids {source}:{key}", async () => {
    const headers = await as('vic@alpha.test');
    const expected = currentTickets();
    const seen = new Set<string>();
    let offset = 0;
    for (;;) {
      const page = await getJson<Page>(
        api.app,
        `/api/tickets?limit=70&offset=${offset}&sort=date_entered&order=desc`,
        headers,
      );
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(expected.length);
      for (const row of page.body.data) {
        expect(row.tenant_id).toBe(TENANT);
        expect(row.id).toBe(`${row.source}:${row.ticket_id}`);
        seen.add(String(row.id));
      }
      const dates = page.body.data.map((row) => row.date_entered as string | null);
      const present = dates.filter((date): date is string => date !== null);
      expect([...present].sort().reverse()).toEqual(present);
      offset += 70;
      if (offset >= page.body.total) break;
    }
    expect(seen.size).toBe(expected.length);
  });

  it('filters and searches on the server', async () => {
    const headers = await as('vic@alpha.test');
    const open = await getJson<Page>(
      api.app,
      '/api/tickets?closed=false&source=servicenow&limit=500',
      headers,
    );
    const expected = currentTickets().filter((row) => row.source === 'servicenow' && row.closed !== true);
    expect(open.body.total).toBe(expected.length);
    expect(open.body.data.every((row) => row.source === 'servicenow' && row.closed !== true)).toBe(true);
    const term = String(currentTickets().find((row) => typeof row.summary === 'string')!.summary).slice(2, 7);
    const found = await getJson<Page>(
      api.app,
      `/api/tickets?search=${encodeURIComponent(term.toUpperCase())}`,
      headers,
    );
    expect(found.body.total).toBeGreaterThan(0);
    for (const row of found.body.data)
      expect(
        ['summary', 'ticket_id', 'company_name', 'owner'].some((column) =>
          String(row[column] ?? '')
            .toLowerCase()
            .includes(term.toLowerCase()),
        ),
      ).toBe(true);
  });

  it.each([
    ['/api/tickets?limit=0', 'limit'],
    ['/api/tickets?limit=501', 'limit'],
    ['/api/tickets?offset=-1', 'offset'],
    ['/api/tickets?sort=password', 'sort'],
    ['/api/tickets?order=sideways', 'order'],
    ['/api/tickets?closed=maybe', 'closed'],
    ['/api/tickets?entered_from=yesterday', 'entered_from'],
    ['/api/tickets/not-an-id', 'id'],
    ['/api/analytics/dashboard?period=12d', 'period'],
    ['/api/analytics/dashboard?from=2025-01-01', 'from'],
    ['/api/analytics/dashboard?from=2025-03-01&to=2025-01-01', 'from'],
    ['/api/analytics/companies/top?by=revenue', 'by'],
  ])('GET %s is a 400 naming %s', async (url, parameter) => {
    const response = await getJson<{ error: string; issues: Array<{ parameter: string }> }>(
      api.app,
      url,
      await as('vic@alpha.test'),
    );
    expect(response.status).toBe(400);
    expect(response.body.issues.map((issue) => issue.parameter)).toContain(parameter);
  });

  it('returns a record by id, and 404 for an id the tenant does not have', async () => {
    const headers = await as('vic@alpha.test');
    const ticket = currentTickets()[0]!;
    const found = await getJson<Record<string, unknown>>(
      api.app,
      `/api/tickets/${ticket.source}:${ticket.ticket_id}`,
      headers,
    );
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      tenant_id: TENANT,
      ticket_id: ticket.ticket_id,
      summary: ticket.summary,
    });
    expect(Object.keys(found.body)).not.toContain('record_hash');
    const missing = await getJson(api.app, `/api/tickets/${ticket.source}:no-such-ticket`, headers);
    expect(missing.status).toBe(404);
  });

  it("serves a ticket's change history to analysts, not to viewers", async () => {
    const byId = new Map<string, number>();
    for (const row of lake.history[TENANT]!.tickets) {
      const key = `${row.source}:${row.ticket_id}`;
      byId.set(key, (byId.get(key) ?? 0) + 1);
    }
    const [id, versions] = [...byId].find(([, count]) => count > 1)!;
    const viewer = await getJson(api.app, `/api/tickets/${id}/history`, await as('vic@alpha.test'));
    expect(viewer.status).toBe(403);
    const analyst = await getJson<{
      versions: Array<{ valid_from: string; changes: Array<{ field: string }> }>;
    }>(api.app, `/api/tickets/${id}/history`, await as('ana@alpha.test'));
    expect(analyst.status).toBe(200);
    expect(analyst.body.versions).toHaveLength(versions);
    expect(analyst.body.versions[0]!.changes).toEqual([]);
    expect(analyst.body.versions.slice(1).every((version) => version.changes.length > 0)).toBe(true);
  });

  it('answers the dashboard for a named period ending today, with the previous period beside it', async () => {
    const response = await getJson<{
      period: { from: string; to: string };
      previousPeriod: { from: string; to: string };
      kpis: Record<string, { value: number | null; previous: number | null; unit: string }>;
    }>(api.app, '/api/analytics/dashboard?period=90d', await as('vic@alpha.test'));
    expect(response.status).toBe(200);
    // "now" is 2025-04-01T00:00Z: 90 days up to and including that day.
    expect(response.body.period).toEqual({
      from: '2025-01-02T00:00:00.000Z',
      to: '2025-04-02T00:00:00.000Z',
    });
    expect(response.body.previousPeriod.to).toBe(response.body.period.from);
    const created = currentTickets().filter(
      (row) =>
        row.date_entered instanceof Date &&
        row.date_entered >= new Date(response.body.period.from) &&
        row.date_entered < new Date(response.body.period.to),
    ).length;
    expect(response.body.kpis.created).toEqual(expect.objectContaining({ value: created, unit: 'count' }));
    for (const path of [
      'tickets/status',
      'tickets/trend?interval=week',
      'tickets/aging',
      'technicians/hours',
      'companies/top?by=hours',
    ])
      expect((await getJson(api.app, `/api/analytics/${path}`, await as('vic@alpha.test'))).status).toBe(200);
  });

  it('answers 304 to a client holding the current ETag, without a body', async () => {
    const headers = await as('vic@alpha.test');
    const first = await getJson(api.app, '/api/analytics/dashboard', headers);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const again = await api.app.inject({
      method: 'GET',
      url: '/api/analytics/dashboard',
      headers: { ...headers, 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // Another user's tag is another role's or tenant's answer: never a 304 for it.
    const other = await api.app.inject({
      method: 'GET',
      url: '/api/analytics/dashboard',
      headers: { ...(await as('bo@beta.test', 'beta-it')), 'if-none-match': etag },
    });
    expect(other.statusCode).toBe(200);
  });

  it('compresses large answers, sends security headers, and no CORS headers by default', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/api/tickets?limit=200',
      headers: { ...(await as('vic@alpha.test')), 'accept-encoding': 'gzip', origin: 'https://evil.example' },
    });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(response.rawPayload).toString()).data).toHaveLength(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('publishes an OpenAPI document of every route', async () => {
    const document = await getJson<{ openapi: string; paths: Record<string, unknown> }>(
      api.app,
      '/api/openapi.json',
      {},
    );
    expect(document.status).toBe(200);
    expect(document.body.openapi).toMatch(/^3\./);
    for (const path of [
      '/auth/login',
      '/api/companies',
      '/api/contacts/{id}',
      '/api/time-entries',
      '/api/tickets/{id}/history',
      '/api/analytics/dashboard',
      '/api/analytics/companies/top',
      '/api/pipeline',
    ])
      expect(Object.keys(document.body.paths)).toContain(path);
  });

  it('shows the pipeline page to admins of the caller tenant only', async () => {
    expect((await getJson(api.app, '/api/pipeline', await as('vic@alpha.test'))).status).toBe(403);
    const admin = await getJson<{ tenantId: string }>(api.app, '/api/pipeline', await as('ada@alpha.test'));
    expect(admin.status).toBe(200);
    expect(admin.body.tenantId).toBe(TENANT);
    expect(api.pipeline.asked).toEqual([TENANT]);
  });

  it('limits requests per tenant after authentication, leaving other tenants alone', async () => {
    const limited = await anApiOver(lake.lakeDir, users, { api: { tenantRequestsPerMinute: 3 } });
    try {
      const alpha = await limited.bearer(TENANT, 'vic@alpha.test');
      const codes = [];
      for (let index = 0; index < 4; index += 1)
        codes.push((await getJson(limited.app, '/api/analytics/tickets/status', alpha)).status);
      expect(codes).toEqual([200, 200, 200, 429]);
      // Another user of the same tenant shares its limit; another tenant has its own.
      expect(
        (await getJson(limited.app, '/api/companies', await limited.bearer(TENANT, 'ana@alpha.test'))).status,
      ).toBe(429);
      expect(
        (await getJson(limited.app, '/api/companies', await limited.bearer('beta-it', 'bo@beta.test')))
          .status,
      ).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('an API without its analytics store', () => {
  it('signs in and answers /health, and every data request is a 503 saying what is missing', async () => {
    const reason = 'this stage has no analytics store: deploy with clickhouseUrl';
    const bare = await anApiOver(lake.lakeDir, users, { engine: unavailableEngine(reason) });
    try {
      expect((await getJson(bare.app, '/health', {})).status).toBe(200);
      const headers = await bare.bearer(TENANT, 'ada@alpha.test');
      const tickets = await getJson<{ error: string; message: string }>(bare.app, '/api/tickets', headers);
      expect(tickets.status).toBe(503);
      expect(tickets.body).toEqual({ error: 'store_unavailable', message: reason });
      const health = await getJson<{ status: string }>(bare.app, '/health/detailed', headers);
      expect(health.body.status).toBe('degraded');
    } finally {
      await bare.close();
    }
  });
});

describe('the dashboard served beside the API', () => {
  it('serves hashed assets immutable, index.html not cached, client routes as index.html, unknown API paths as 404', async () => {
    const web = await mkdtemp(join(tmpdir(), 'avesa-web-'));
    try {
      await mkdir(join(web, 'assets'));
      await writeFile(join(web, 'index.html'), '<!doctype html><title>avesa</title>');
      await writeFile(join(web, 'assets', 'index-abc123.js'), 'console.log(1)');
      const served = await anApiOver(lake.lakeDir, users, { api: { webDirectory: web } });
      try {
        const page = await served.app.inject({ method: 'GET', url: '/tickets/connectwise:1' });
        expect(page.statusCode).toBe(200);
        expect(page.headers['content-type']).toContain('text/html');
        expect(page.headers['cache-control']).toBe('no-cache');
        const asset = await served.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
        expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        // A build made while the server runs is served at once.
        await writeFile(join(web, 'assets', 'index-def456.js'), 'console.log(2)');
        const rebuilt = await served.app.inject({ method: 'GET', url: '/assets/index-def456.js' });
        expect([rebuilt.statusCode, rebuilt.body]).toEqual([200, 'console.log(2)']);
        const unknown = await served.app.inject({ method: 'GET', url: '/api/nope' });
        expect(unknown.statusCode).toBe(404);
        expect(unknown.json()).toMatchObject({ error: 'not_found' });
      } finally {
        await served.close();
      }
    } finally {
      await rm(web, { recursive: true, force: true });
    }
  });
});
