import { startSalesforceSimulator, type SalesforceSimulator } from '../../../simulator';
import { aClock, anOrg, login, sfGet, soql, tokenRequest } from './helpers';

const acme = anOrg({ sessionSeconds: 600, dailyRequestLimit: 5 });
const globex = anOrg({
  name: 'globex',
  clientId: 'globex-client',
  clientSecret: 'globex-secret',
  missingObjects: ['WorkOrder', 'TimeSheetEntry'],
});

describe('Salesforce simulator: OAuth, sessions, limits and errors', () => {
  let clock: ReturnType<typeof aClock>;
  let sim: SalesforceSimulator;
  beforeEach(async () => {
    clock = aClock();
    sim = await startSalesforceSimulator({ orgs: [acme, globex], now: clock.now });
  });
  afterEach(() => sim.stop());

  it('given client credentials, when a token is requested, then the answer has the simulator as instance_url and the org in id', async () => {
    const { status, json } = await tokenRequest(sim, {
      grant_type: 'client_credentials',
      client_id: 'acme-client',
      client_secret: 'acme-secret',
    });
    expect(status).toBe(200);
    expect(json).toEqual({
      access_token: expect.stringMatching(/^00D[0-9A-Za-z]{12}!/),
      signature: expect.any(String),
      scope: 'api',
      instance_url: sim.instanceUrl,
      id: expect.stringMatching(new RegExp(`^${sim.instanceUrl}/id/00D[0-9A-Za-z]{15}/005[0-9A-Za-z]{15}$`)),
      token_type: 'Bearer',
      issued_at: String(Date.parse('2026-01-02T03:04:05Z')),
    });
    expect(sim.requests('acme').map((request) => [request.org, request.path])).toEqual([
      ['acme', '/services/oauth2/token'],
    ]);
  });

  it('given a wrong secret, an unknown client or another grant, when a token is requested, then 400 with an OAuth error', async () => {
    const bad = (form: Record<string, string>) =>
      tokenRequest(sim, form).then((r) => [r.status, r.json.error]);
    expect(
      await bad({ grant_type: 'client_credentials', client_id: 'acme-client', client_secret: 'x' }),
    ).toEqual([400, 'invalid_client']);
    expect(await bad({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' })).toEqual([
      400,
      'invalid_client_id',
    ]);
    expect(
      await bad({ grant_type: 'password', client_id: 'acme-client', client_secret: 'acme-secret' }),
    ).toEqual([400, 'unsupported_grant_type']);
  });

  it('given no token, an expired session or expireSessions, when querying, then 401 INVALID_SESSION_ID', async () => {
    const expected = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
    const none = await sfGet(sim, '/services/data/v62.0/limits', undefined);
    expect([none.status, none.json]).toEqual([401, expected]);
    const token = await login(sim, acme);
    clock.advance(601);
    const expired = await sfGet(sim, '/services/data/v62.0/limits', token);
    expect([expired.status, expired.json]).toEqual([401, expected]);
    const fresh = await login(sim, acme);
    expect((await sfGet(sim, '/services/data/v62.0/limits', fresh)).status).toBe(200);
    const other = await login(sim, globex);
    sim.expireSessions('acme');
    expect((await sfGet(sim, '/services/data/v62.0/limits', fresh)).status).toBe(401);
    expect((await sfGet(sim, '/services/data/v62.0/limits', other)).status).toBe(200);
  });

  it('given a daily allocation of 5, when 6 requests are made, then Sforce-Limit-Info counts up, /limits agrees and the 6th is 403 REQUEST_LIMIT_EXCEEDED', async () => {
    const token = await login(sim, acme);
    const usage: (string | null)[] = [];
    for (let i = 0; i < 4; i++)
      usage.push((await soql(sim, token, 'SELECT Id FROM Account LIMIT 1')).headers.get('sforce-limit-info'));
    const limits = await sfGet(sim, '/services/data/v62.0/limits', token);
    expect(usage).toEqual(['api-usage=1/5', 'api-usage=2/5', 'api-usage=3/5', 'api-usage=4/5']);
    expect(limits.headers.get('sforce-limit-info')).toBe('api-usage=5/5');
    expect(limits.json).toEqual({ DailyApiRequests: { Max: 5, Remaining: 0 } });
    const denied = await soql(sim, token, 'SELECT Id FROM Account');
    expect(denied.status).toBe(403);
    expect(denied.json).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    expect(denied.headers.get('sforce-limit-info')).toBe('api-usage=5/5');
    expect(sim.apiUsage('acme')).toEqual({ used: 5, max: 5 });
    clock.advance(86_401);
    expect(sim.apiUsage('acme')).toEqual({ used: 0, max: 5 });
    expect((await soql(sim, await login(sim, acme), 'SELECT Id FROM Account LIMIT 1')).status).toBe(200);
  });

  it('given an org without Field Service, when WorkOrder is queried or its deletes read, then INVALID_TYPE and NOT_FOUND', async () => {
    const token = await login(sim, globex);
    const response = await soql(sim, token, 'SELECT Id FROM WorkOrder');
    expect([response.status, response.json]).toEqual([
      400,
      [{ message: "sObject type 'WorkOrder' is not supported.", errorCode: 'INVALID_TYPE' }],
    ]);
    const relationship = await soql(sim, token, 'SELECT Id, WorkOrder.Subject FROM TimeSheetEntry');
    expect(relationship.json![0].errorCode).toBe('INVALID_TYPE');
    const deleted = await sfGet(
      sim,
      '/services/data/v62.0/sobjects/WorkOrder/deleted/?start=2026-01-01T00:00:00Z&end=2026-01-02T00:00:00Z',
      token,
    );
    expect([deleted.status, deleted.json![0].errorCode]).toEqual([404, 'NOT_FOUND']);
  });

  it('given malformed SOQL or an unknown field, when queried, then 400 MALFORMED_QUERY or INVALID_FIELD naming the problem', async () => {
    const token = await login(sim, globex);
    const malformed = await soql(sim, token, 'SELECT Id FROM Case WHERE Status = ');
    expect(malformed.status).toBe(400);
    expect(malformed.json![0]).toEqual({
      message: expect.stringContaining("unexpected token: '<EOF>'"),
      errorCode: 'MALFORMED_QUERY',
    });
    const missing = await sfGet(sim, '/services/data/v62.0/query', token);
    expect(missing.json![0]).toEqual({
      message: 'A query string has to be specified',
      errorCode: 'MALFORMED_QUERY',
    });
    const field = await soql(sim, token, 'SELECT Id, Color__c FROM Case');
    expect(field.json![0]).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining("No such column 'Color__c'"),
    });
    const offset = await soql(sim, token, 'SELECT Id FROM Case OFFSET 2001');
    expect(offset.json![0].errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
  });

  it('given another org’s locator, when fetched, then INVALID_QUERY_LOCATOR; the request log names each org', async () => {
    const first = await soql(sim, await login(sim, globex), 'SELECT Id FROM Case', { batchSize: 200 });
    const foreign = await sfGet(sim, first.json!.nextRecordsUrl, await login(sim, acme));
    expect(foreign.json![0].errorCode).toBe('INVALID_QUERY_LOCATOR');
    expect(sim.requests('globex').map((request) => [request.org, request.status, request.records])).toEqual([
      ['globex', 200, 0],
      ['globex', 200, 200],
    ]);
    expect(sim.requests().map((request) => request.org)).toEqual(['globex', 'globex', 'acme', 'acme']);
  });

  it('given an unknown path or a POST, when requested, then NOT_FOUND or METHOD_NOT_ALLOWED as a JSON array', async () => {
    const token = await login(sim, globex);
    const unknown = await sfGet(sim, '/services/data/v62.0/sobjects/Case/describe', token);
    expect([unknown.status, unknown.json]).toEqual([
      404,
      [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }],
    ]);
    const post = await fetch(`${sim.instanceUrl}/services/data/v62.0/query?q=SELECT+Id+FROM+Case`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(post.status).toBe(405);
  });
});
