import { InProcessRequestBudget } from '../../shared/budget/inProcessRequestBudget';
import type { SourceReader } from '../../shared/sources/connector';
import { salesforce } from '../../sources/salesforce';
import { clearSalesforceSessions } from '../../sources/salesforce/client';
import type { SalesforceSettings } from '../../sources/salesforce/settings';
import { afterCondition, windowCondition } from '../../sources/salesforce/soql';
import {
  startSalesforceSimulator,
  type SalesforceRecordedRequest,
  type SalesforceSimulator,
  type SimulatedOrg,
} from '../../simulator';

const org = (overrides: Partial<SimulatedOrg> = {}): SimulatedOrg => ({
  name: 'acme',
  clientId: 'acme-app',
  clientSecret: 'acme-secret',
  sizes: { Account: 30, Case: 700 },
  ...overrides,
});

const window = { from: null, to: '2026-06-01T00:00:00.000Z' };

describe('Salesforce connector', () => {
  let simulator: SalesforceSimulator | undefined;
  let log: SalesforceRecordedRequest[];

  async function readerFor(
    orgOverrides: Partial<SimulatedOrg> = {},
    settings: Record<string, unknown> = {},
    credentials = { clientId: 'acme-app', clientSecret: 'acme-secret' },
  ): Promise<SourceReader> {
    simulator = await startSalesforceSimulator({ orgs: [org(orgOverrides)] });
    log = [];
    simulator.onRequest((request) => log.push(request));
    return salesforce.connect({
      tenantId: 'acme',
      settings: salesforce.settingsSchema.parse({
        loginUrl: simulator.instanceUrl,
        ...settings,
      }) as SalesforceSettings,
      credentials,
      budget: new InProcessRequestBudget(),
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
  }

  beforeEach(() => clearSalesforceSessions());
  afterEach(async () => {
    await simulator?.stop();
    simulator = undefined;
  });

  it('given client credentials, when a window is surveyed and paged, then one token serves every call, queries go to queryAll with the batch size, and pages follow nextRecordsUrl to the end', async () => {
    const reader = await readerFor({}, { pageSize: 300 });

    const survey = await reader.survey('tickets', window);
    const pages = [];
    let cursor: string | null = null;
    do {
      const page = await reader.fetchPage({ table: 'tickets', window, range: { kind: 'all' }, cursor });
      pages.push(page.records.map((record) => record.id));
      cursor = page.next;
    } while (cursor !== null);

    expect(survey).toEqual({
      count: 700,
      bounds: { kind: 'time', from: expect.any(String), to: expect.any(String) },
    });
    expect(pages.map((page) => page.length)).toEqual([300, 300, 100]);
    expect(pages.flat().sort()).toEqual(simulator!.ids('acme', 'Case'));
    expect(log.filter((request) => request.path === '/services/oauth2/token')).toHaveLength(1);
    expect(log.map((request) => request.path.replace(/query\/\w+-/, 'query/LOCATOR-'))).toEqual([
      '/services/oauth2/token',
      '/services/data/v62.0/queryAll',
      '/services/data/v62.0/queryAll',
      '/services/data/v62.0/queryAll',
      '/services/data/v62.0/queryAll',
      '/services/data/v62.0/query/LOCATOR-300',
      '/services/data/v62.0/query/LOCATOR-600',
    ]);
    expect(log[1]!.query.q).toBe('SELECT COUNT() FROM Case WHERE SystemModstamp <= 2026-06-01T00:00:00.000Z');
    expect(log[4]!.query.q).toMatch(
      /^SELECT Id, IsDeleted, SystemModstamp, CreatedDate, LastModifiedDate, .* FROM Case WHERE SystemModstamp <= 2026-06-01T00:00:00\.000Z ORDER BY SystemModstamp ASC, Id ASC$/,
    );
    expect(reader.apiCalls).toBe(7);
  });

  it('given a window that fits one batch, when surveyed, then the count alone plans it', async () => {
    const reader = await readerFor();

    expect(await reader.survey('companies', window)).toEqual({ count: 30, bounds: { kind: 'all' } });
    expect(log.map((request) => request.path)).toEqual([
      '/services/oauth2/token',
      '/services/data/v62.0/queryAll',
    ]);
  });

  it('given an expired session, when a page is asked for, then the session is renewed once and the page comes', async () => {
    const reader = await readerFor();
    await reader.survey('companies', window);
    simulator!.expireSessions();

    const page = await reader.fetchPage({ table: 'companies', window, range: { kind: 'all' }, cursor: null });

    expect(page.records).toHaveLength(30);
    expect(log.map((request) => [request.path.replace('/services/', ''), request.status])).toEqual([
      ['oauth2/token', 200],
      ['data/v62.0/queryAll', 200],
      ['data/v62.0/queryAll', 401],
      ['oauth2/token', 200],
      ['data/v62.0/queryAll', 200],
    ]);
  });

  it('given wrong client credentials, when surveyed, then an authentication error names tenant, source, table and what to check', async () => {
    const reader = await readerFor({}, {}, { clientId: 'acme-app', clientSecret: 'wrong' });

    await expect(reader.survey('tickets', window)).rejects.toThrow(
      /^tenant acme, source salesforce, table tickets: Salesforce refused the OAuth client credentials \(400\) at http:\/\/127\.0\.0\.1:\d+: check clientId and clientSecret of this tenant.*Salesforce says: "invalid_client": "invalid client credentials"$/,
    );
  });

  it("given the org at the tenant's share of its daily allocation, when more is asked, then a QuotaExhaustedError says so and no request is sent", async () => {
    const reader = await readerFor({ dailyRequestLimit: 10 }, { dailyQuotaShare: 0.2 });
    await reader.survey('companies', window);
    await reader.survey('tickets', window); // two counts: 2 of 10 used, 20%
    const sent = log.length;

    const asked = reader.fetchPage({ table: 'tickets', window, range: { kind: 'all' }, cursor: null });

    await expect(asked).rejects.toMatchObject({
      code: 'QuotaExhausted',
      retryable: true,
      message:
        "tenant acme, source salesforce, table tickets: paused: the org has used 2 of its 10 daily API requests, and this sync stops at 20% (dailyQuotaShare 0.2) to keep the rest for the tenant's own users; the next job resumes where this one stopped",
    });
    expect(log.length).toBe(sent);
  });

  it('given the daily allocation used up by others, when queried, then REQUEST_LIMIT_EXCEEDED pauses instead of failing', async () => {
    const reader = await readerFor({ dailyRequestLimit: 0 });

    await expect(reader.survey('tickets', window)).rejects.toMatchObject({
      code: 'QuotaExhausted',
      message: expect.stringMatching(
        /^tenant acme, source salesforce, table tickets: paused: the org's daily API allocation is used up \(REQUEST_LIMIT_EXCEEDED\).*TotalRequests Limit exceeded/,
      ),
    });
  });

  it('given a cursor whose locator expired, when the page is asked for, then the query restarts strictly after the last record written', async () => {
    simulator = undefined;
    const reader = await readerFor({}, { pageSize: 200 });
    const first = await reader.fetchPage({ table: 'tickets', window, range: { kind: 'all' }, cursor: null });
    const stale = JSON.stringify({
      ...JSON.parse(first.next!),
      locator: '/services/data/v62.0/query/01gXXXXXXXXXXXXXXX-200',
    });

    const second = await reader.fetchPage({
      table: 'tickets',
      window,
      range: { kind: 'all' },
      cursor: stale,
    });

    const last = JSON.parse(first.next!).after as { stamp: string; id: string };
    expect(log.slice(-2).map((request) => request.status)).toEqual([400, 200]);
    expect(log[log.length - 1]!.query.q).toContain(
      `(SystemModstamp > ${last.stamp} OR (SystemModstamp = ${last.stamp} AND Id > '${last.id}'))`,
    );
    const reference = await reader.fetchPage({
      table: 'tickets',
      window,
      range: { kind: 'all' },
      cursor: first.next,
    });
    expect(second.records.map((record) => record.id)).toEqual(reference.records.map((record) => record.id));
  });

  it('given settings, when validated, then the defaults are filled and limits Salesforce has are enforced', () => {
    const parsed = salesforce.settingsSchema.parse({ loginUrl: 'https://acme.my.salesforce.com/' });
    expect(parsed).toMatchObject({
      loginUrl: 'https://acme.my.salesforce.com',
      apiVersion: '62.0',
      dailyQuotaShare: 0.8,
      maxConcurrentRequests: 4,
      tables: ['companies', 'contacts', 'tickets', 'time_entries'],
    });
    const problems = (input: Record<string, unknown>) =>
      salesforce.settingsSchema
        .safeParse({ loginUrl: 'https://acme.my.salesforce.com', ...input })
        .error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(problems({ maxConcurrentRequests: 26 })).toEqual([
      'maxConcurrentRequests: Too big: expected number to be <=25',
    ]);
    expect(problems({ dailyQuotaShare: 0 })).toEqual([
      'dailyQuotaShare: Too small: expected number to be >0',
    ]);
    expect(problems({ apiVersion: '62' })).toEqual(['apiVersion: a REST API version such as 62.0']);
    expect(problems({ instanceUrl: 'https://x' })).toEqual([': Unrecognized key: "instanceUrl"']);
  });

  it('given SOQL built from a window and a position, then literals are ISO instants and a malformed Id is refused', () => {
    expect(windowCondition({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' })).toBe(
      'SystemModstamp >= 2026-01-01T00:00:00.000Z AND SystemModstamp <= 2026-01-02T00:00:00.000Z',
    );
    expect(() => afterCondition({ stamp: '2026-01-01T00:00:00Z', id: "001' OR Name != '" })).toThrow(
      /not a Salesforce Id/,
    );
  });
});
