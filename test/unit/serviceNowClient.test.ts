import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InProcessRequestBudget } from '../../shared/budget/inProcessRequestBudget';
import {
  AuthenticationError,
  ClientRequestError,
  MalformedResponseError,
  PermissionError,
  RateLimitedError,
  TransientServerError,
} from '../../shared/errors';
import type { SyncWindow } from '../../shared/events/schemas';
import type { SourceReader } from '../../shared/sources/connector';
import { serviceNow } from '../../sources/servicenow';
import { ServiceNowClient } from '../../sources/servicenow/client';
import { clearServiceNowTokens } from '../../sources/servicenow/oauthToken';
import { serviceNowCredentialsSchema, type ServiceNowCredentials } from '../../sources/servicenow/settings';

type Reply = { status: number; body: string; headers?: Record<string, string> };
type Received = { method: string; url: string; headers: IncomingHttpHeaders; body: string };

/**
 * A scripted HTTP server: answers with the queued replies in order, else with `fallback` (a fake table
 * for the paging tests), recording every request it was sent.
 */
class ScriptedServer {
  readonly requests: Received[] = [];
  fallback: ((request: Received) => Reply) | undefined;
  private replies: Reply[] = [];
  private server: Server | undefined;
  instanceUrl = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const received = {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body,
        };
        this.requests.push(received);
        const reply = this.replies.shift() ??
          this.fallback?.(received) ?? { status: 200, body: '{"result":[]}' };
        response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        response.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.instanceUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  reply(...replies: Reply[]): void {
    this.replies.push(...replies);
  }

  reset(): void {
    this.requests.length = 0;
    this.replies = [];
    this.fallback = undefined;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const BASIC: ServiceNowCredentials = { username: 'avesa.integration', password: 'pa55-S3CRET' };
const OAUTH: ServiceNowCredentials = { clientId: 'client-7f3a', clientSecret: 'oauth-S3CRET' };
const WINDOW: SyncWindow = { from: '2026-03-01T10:15:30.250Z', to: '2026-03-02T08:00:00.000Z' };
const FULL_WINDOW: SyncWindow = { from: null, to: '2026-03-02T08:00:00Z' };
const RANGE = {
  kind: 'string' as const,
  from: '00000000000000000000000000000000',
  to: 'ffffffffffffffffffffffffffffffff',
};

/** A sys_id from a number: 32 lower-case hex digits, in the same order as the number. */
const sysId = (n: number) => n.toString(16).padStart(32, '0');
const page = (records: object[]) => JSON.stringify({ result: records });
const token = (accessToken: string, expiresIn = 1799) =>
  JSON.stringify({
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: expiresIn,
    scope: 'useraccount',
  });
const ERROR_ENVELOPE = (message: string, detail: string) =>
  JSON.stringify({ error: { message, detail }, status: 'failure' });

/** A request's path and its query parameters, decoded. */
function sent(request: Received): { path: string; query: Record<string, string> } {
  const url = new URL(request.url, 'http://x');
  return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
}

/**
 * A fake Table API table for the paging tests: evaluates the encoded queries the connector sends (AND of
 * `field op value`, ORDERBY / ORDERBYDESC), honours sysparm_limit and sysparm_fields, and counts.
 */
function fakeTable(records: Array<Record<string, string>>): (request: Received) => Reply {
  return (request) => {
    const { path, query } = sent(request);
    let rows = records;
    let order: { field: string; descending: boolean } | undefined;
    for (const part of (query.sysparm_query ?? '').split('^').filter(Boolean)) {
      const ordering = /^ORDERBY(DESC)?(\w+)$/.exec(part);
      if (ordering) {
        order = { field: ordering[2]!, descending: ordering[1] !== undefined };
        continue;
      }
      const [, field, op, value] = /^(\w+)(>=|<=|>|<|=)(.*)$/.exec(part)!;
      rows = rows.filter((row) => {
        const actual = row[field!]!;
        if (op === '>=') return actual >= value!;
        if (op === '<=') return actual <= value!;
        if (op === '>') return actual > value!;
        if (op === '<') return actual < value!;
        return actual === value;
      });
    }
    if (path.startsWith('/api/now/v2/stats/'))
      return { status: 200, body: JSON.stringify({ result: { stats: { count: String(rows.length) } } }) };
    if (order) {
      const { field, descending } = order;
      rows = [...rows].sort(
        (a, b) => (a[field]! < b[field]! ? -1 : a[field]! > b[field]! ? 1 : 0) * (descending ? -1 : 1),
      );
    }
    rows = rows.slice(0, Number(query.sysparm_limit ?? 10000));
    const fields = query.sysparm_fields?.split(',');
    if (fields) rows = rows.map((row) => Object.fromEntries(fields.map((field) => [field, row[field]!])));
    return { status: 200, body: page(rows) };
  };
}

describe('ServiceNow connector client', () => {
  const server = new ScriptedServer();
  const sleeps: number[] = [];
  const settings = (tableMap?: Record<string, string>) =>
    serviceNow.settingsSchema.parse({
      instanceUrl: `${server.instanceUrl}/`,
      ...(tableMap ? { tableMap } : {}),
    });
  const reader = (
    credentials: ServiceNowCredentials = BASIC,
    extra: { tableMap?: Record<string, string>; maxRateLimitWaitSeconds?: number } = {},
  ): SourceReader =>
    serviceNow.connect({
      tenantId: 'acme',
      settings: settings(extra.tableMap) as never,
      credentials,
      budget: new InProcessRequestBudget(),
      requestTimeoutMs: 2000,
      ...(extra.maxRateLimitWaitSeconds !== undefined
        ? { maxRateLimitWaitSeconds: extra.maxRateLimitWaitSeconds }
        : {}),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    });
  const firstPage = (source: SourceReader, cursor: string | null = null) =>
    source.fetchPage({ table: 'tickets', window: WINDOW, range: RANGE, cursor });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );

  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    server.reset();
    sleeps.length = 0;
    clearServiceNowTokens();
  });

  describe('authentication', () => {
    it('given Basic credentials, when a page is fetched, then the request carries Basic auth and asks for JSON', async () => {
      // Prepare
      server.reply({ status: 200, body: page([]) });
      // Act
      await firstPage(reader(BASIC));
      // Assess
      const [request] = server.requests;
      expect(request!.headers.authorization).toBe(
        `Basic ${Buffer.from('avesa.integration:pa55-S3CRET').toString('base64')}`,
      );
      expect(request!.headers.accept).toBe('application/json');
    });

    it('given OAuth client credentials, when two readers of the tenant fetch pages, then one token is requested with the client credentials grant and used by both', async () => {
      server.reply(
        { status: 200, body: token('tok-1') },
        { status: 200, body: page([]) },
        { status: 200, body: page([]) },
      );

      await firstPage(reader(OAUTH));
      await firstPage(reader(OAUTH));

      const [tokenRequest, first, second] = server.requests;
      expect(tokenRequest!.method).toBe('POST');
      expect(tokenRequest!.url).toBe('/oauth_token.do');
      expect(tokenRequest!.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(Object.fromEntries(new URLSearchParams(tokenRequest!.body))).toEqual({
        grant_type: 'client_credentials',
        client_id: 'client-7f3a',
        client_secret: 'oauth-S3CRET',
      });
      expect(first!.headers.authorization).toBe('Bearer tok-1');
      expect(second!.headers.authorization).toBe('Bearer tok-1');
      expect(server.requests).toHaveLength(3);
    });

    it('given concurrent first requests of one tenant, when sent, then they wait for a single token request', async () => {
      server.fallback = (request) =>
        request.url === '/oauth_token.do'
          ? { status: 200, body: token('tok-1') }
          : { status: 200, body: page([]) };

      await Promise.all([firstPage(reader(OAUTH)), firstPage(reader(OAUTH)), firstPage(reader(OAUTH))]);

      expect(server.requests.filter((request) => request.url === '/oauth_token.do')).toHaveLength(1);
    });

    it('given a cached token, when the clock nears its expiry (within the 60 s margin), then a new one is requested before the next call', async () => {
      let now = Date.parse('2026-03-02T08:00:00Z');
      const client = new ServiceNowClient({
        tenantId: 'acme',
        instanceUrl: server.instanceUrl,
        credentials: OAUTH,
        limits: { requestsPerMinute: 1000, maxConcurrentRequests: 1 },
        budget: new InProcessRequestBudget(),
        now: () => now,
      });
      const ref = { table: 'tickets' as const, sourceTable: 'incident' };
      server.reply(
        { status: 200, body: token('tok-1', 1800) },
        { status: 200, body: page([]) },
        { status: 200, body: page([]) },
        { status: 200, body: token('tok-2', 1800) },
        { status: 200, body: page([]) },
      );

      await client.listPage(ref, 'active=true');
      now += 1739_000; // 61 s before expiry: still fresh
      await client.listPage(ref, 'active=true');
      now += 2_000; // 59 s before expiry: renewed first
      await client.listPage(ref, 'active=true');

      expect(server.requests.map((request) => request.headers.authorization ?? request.url)).toEqual([
        '/oauth_token.do',
        'Bearer tok-1',
        'Bearer tok-1',
        '/oauth_token.do',
        'Bearer tok-2',
      ]);
    });

    it('given a token the instance rejects with 401, when a page is fetched, then a new token is fetched once and the request sent again', async () => {
      server.reply(
        { status: 200, body: token('tok-revoked') },
        {
          status: 401,
          body: ERROR_ENVELOPE('User Not Authenticated', 'Required to provide Auth information'),
        },
        { status: 200, body: token('tok-2') },
        { status: 200, body: page([{ sys_id: sysId(1), sys_updated_on: '2026-03-01 12:00:00' }]) },
      );

      const result = await firstPage(reader(OAUTH));

      expect(result.records.map((record) => record.id)).toEqual([sysId(1)]);
      expect(server.requests.map((request) => request.headers.authorization ?? request.url)).toEqual([
        '/oauth_token.do',
        'Bearer tok-revoked',
        '/oauth_token.do',
        'Bearer tok-2',
      ]);
    });

    it('given a new token that is rejected too, when a page is fetched, then it fails with AuthenticationError after one renewal', async () => {
      const unauthorized = {
        status: 401,
        body: ERROR_ENVELOPE('User Not Authenticated', 'Required to provide Auth information'),
      };
      server.reply(
        { status: 200, body: token('tok-1') },
        unauthorized,
        { status: 200, body: token('tok-2') },
        unauthorized,
      );

      const error = await failure(firstPage(reader(OAUTH)));

      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error!.message).toMatch(/^tenant acme, source servicenow, table tickets: /);
      expect(error!.message).toContain(
        'ServiceNow says: "User Not Authenticated" ("Required to provide Auth information")',
      );
      expect(server.requests).toHaveLength(4);
    });

    it('given client credentials the token endpoint refuses, when a page is fetched, then AuthenticationError says to check them and never quotes the secret', async () => {
      server.reply({
        status: 401,
        body: JSON.stringify({ error: 'access_denied', error_description: 'Invalid client credentials' }),
      });

      const error = await failure(firstPage(reader(OAUTH)));

      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error!.message).toMatch(/check clientId and clientSecret/);
      expect(error!.message).toContain('ServiceNow says: "access_denied": "Invalid client credentials"');
      expect(error!.message).not.toContain('S3CRET');
      expect(server.requests).toHaveLength(1);
    });

    it('given Basic credentials the instance rejects, when a page is fetched, then AuthenticationError says to check username and password, without them', async () => {
      server.reply({
        status: 401,
        body: ERROR_ENVELOPE('User Not Authenticated', 'Required to provide Auth information'),
      });

      const error = await failure(firstPage(reader(BASIC)));

      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error!.message).toMatch(
        /^tenant acme, source servicenow, table tickets: .*table incident.*check username and password/,
      );
      expect(error!.message).not.toContain('S3CRET');
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('errors', () => {
    it('given a 429 with Retry-After, when requested, then RateLimitedError carries the delay and quotes the error envelope, without sleeping', async () => {
      server.reply({
        status: 429,
        headers: { 'retry-after': '17', 'x-ratelimit-limit': '100', 'x-ratelimit-reset': '1772438400' },
        body: ERROR_ENVELOPE(
          'Rate limit exceeded',
          'Rate limit of 100 requests per hour for Table API exceeded',
        ),
      });

      const error = await failure(reader().survey('tickets', WINDOW));

      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).retryAfterSeconds).toBe(17);
      expect(error!.message).toBe(
        'tenant acme, source servicenow, table tickets: rate limited by ServiceNow on table incident (429), retry after 17 s. ServiceNow says: "Rate limit exceeded" ("Rate limit of 100 requests per hour for Table API exceeded")',
      );
      expect(sleeps).toEqual([]);
    });

    it('given a 429 without Retry-After, when requested, then the delay is X-RateLimit-Reset minus now', async () => {
      const now = Date.parse('2026-03-02T08:00:00Z');
      const client = new ServiceNowClient({
        tenantId: 'acme',
        instanceUrl: server.instanceUrl,
        credentials: BASIC,
        limits: { requestsPerMinute: 1000, maxConcurrentRequests: 1 },
        budget: new InProcessRequestBudget(),
        now: () => now,
      });
      server.reply({ status: 429, headers: { 'x-ratelimit-reset': String(now / 1000 + 1234) }, body: '{}' });

      const error = await failure(client.count({ table: 'tickets', sourceTable: 'incident' }, 'active=true'));

      expect((error as RateLimitedError).retryAfterSeconds).toBe(1234);
    });

    it('given a short Retry-After and a reader allowed to wait it out, when requested, then it sleeps that long and succeeds', async () => {
      server.reply(
        { status: 429, headers: { 'retry-after': '2' }, body: '{}' },
        { status: 200, body: JSON.stringify({ result: { stats: { count: '0' } } }) },
      );

      await expect(reader(BASIC, { maxRateLimitWaitSeconds: 5 }).survey('tickets', WINDOW)).resolves.toEqual({
        count: 0,
        bounds: null,
      });
      expect(sleeps).toEqual([2000]);
    });

    it('given a 403, when a table is read, then PermissionError names the ServiceNow table and the ACL or role it needs', async () => {
      server.reply({
        status: 403,
        body: ERROR_ENVELOPE(
          'Insufficient rights to query records',
          'Fields present in the query do not have permission to be read',
        ),
      });

      const error = await failure(firstPage(reader()));

      expect(error).toBeInstanceOf(PermissionError);
      expect(error!.message).toMatch(
        /^tenant acme, source servicenow, table tickets: ServiceNow denied reading table incident \(403\)/,
      );
      expect(error!.message).toMatch(/ACL, or a role/);
      expect(error!.message).toContain('ServiceNow says: "Insufficient rights to query records"');
    });

    it('given a tableMap naming a table the instance does not have, when it is surveyed, then ClientRequestError names that table', async () => {
      server.reply({ status: 404, body: ERROR_ENVELOPE('Invalid table sn_customerservice_case', '') });

      const error = await failure(
        reader(BASIC, { tableMap: { tickets: 'sn_customerservice_case' } }).survey('tickets', WINDOW),
      );

      expect(error).toBeInstanceOf(ClientRequestError);
      expect((error as ClientRequestError).status).toBe(404);
      expect(error!.message).toMatch(
        /table tickets: ServiceNow has no table sn_customerservice_case \(404\): check the tenant's tableMap/,
      );
      expect(error!.message).toContain('ServiceNow says: "Invalid table sn_customerservice_case"');
      expect(sent(server.requests[0]!).path).toBe('/api/now/v2/stats/sn_customerservice_case');
    });

    it('given 5xx answers, when requested, then they are retried with backoff, and one that persists is a TransientServerError', async () => {
      server.reply(
        { status: 503, body: '<html>Instance hibernating</html>' },
        { status: 200, body: page([]) },
      );
      await expect(firstPage(reader())).resolves.toEqual({ records: [], next: null });
      expect(sleeps).toEqual([125]);

      server.reply(
        ...Array.from({ length: 4 }, () => ({
          status: 500,
          body: ERROR_ENVELOPE('Transaction cancelled', 'maximum execution time exceeded'),
        })),
      );
      const error = await failure(firstPage(reader()));
      expect(error).toBeInstanceOf(TransientServerError);
      expect(error!.message).toContain(
        'ServiceNow answered 500 for table incident. ServiceNow says: "Transaction cancelled"',
      );
    });

    it.each([
      ['a result that is an object', '{"result":{"sys_id":"abc"}}', /expected a JSON array of records/],
      ['an error envelope', ERROR_ENVELOPE('oops', 'x'), /expected the records in member result/],
      ['not JSON', '<html>login</html>', /expected a JSON object around the records/],
      ['a record without sys_id', page([{ number: 'INC1' }]), /record #0 of the page has no text key sys_id/],
    ])(
      'given a 200 page that is %s on every attempt, when fetched, then MalformedResponseError says what is wrong',
      async (_case, body, reason) => {
        server.reply(...Array.from({ length: 4 }, () => ({ status: 200, body })));

        const error = await failure(firstPage(reader()));

        expect(error).toBeInstanceOf(MalformedResponseError);
        expect(error!.message).toMatch(
          /^tenant acme, source servicenow, table tickets: table incident answered 200 with a body that is not \{"result": \[records with sys_id\]\}: /,
        );
        expect(error!.message).toMatch(reason);
        expect(server.requests).toHaveLength(4);
      },
    );

    it.each([
      ['a count that is not a number', '{"result":{"stats":{"count":"many"}}}'],
      ['no stats', '{"result":[]}'],
      ['not JSON', 'Service Unavailable'],
    ])(
      'given an Aggregate API answer with %s on every attempt, when surveyed, then MalformedResponseError',
      async (_case, body) => {
        server.reply(...Array.from({ length: 4 }, () => ({ status: 200, body })));
        await expect(reader().survey('tickets', WINDOW)).rejects.toBeInstanceOf(MalformedResponseError);
        expect(server.requests).toHaveLength(4);
      },
    );

    it('given a page and a count cut short once (a reset connection, a proxy), when read, then each is fetched again and returned', async () => {
      // Prepare
      const records = [
        { sys_id: sysId(7), sys_updated_on: '2026-03-01 12:00:00', short_description: 'Zürich' },
      ];
      server.reply(
        { status: 200, body: page(records).slice(0, 40) },
        { status: 200, body: page(records) },
        { status: 200, body: '{"result":{"stats":{"cou' },
        { status: 200, body: JSON.stringify({ result: { stats: { count: '1001' } } }) },
        { status: 200, body: page([{ sys_id: sysId(7) }]) },
        { status: 200, body: page([{ sys_id: sysId(7) }]) },
      );
      const source = reader();

      // Act
      const fetched = await firstPage(source);
      const survey = await source.survey('tickets', WINDOW);

      // Assess
      expect(fetched.records.map((record) => new TextDecoder().decode(record.json))).toEqual([
        JSON.stringify(records[0]),
      ]);
      expect(survey).toEqual({ count: 1001, bounds: { kind: 'string', from: sysId(7), to: sysId(7) } });
      expect(server.requests.map((request) => sent(request).path)).toEqual([
        '/api/now/v2/table/incident',
        '/api/now/v2/table/incident',
        '/api/now/v2/stats/incident',
        '/api/now/v2/stats/incident',
        '/api/now/v2/table/incident',
        '/api/now/v2/table/incident',
      ]);
    });
  });

  describe('survey', () => {
    it('given a window, when surveyed, then it counts with the Aggregate API and asks both sys_id bounds together, in UTC literals', async () => {
      server.reply({ status: 200, body: JSON.stringify({ result: { stats: { count: '5600' } } }) });
      server.fallback = (request) => ({
        status: 200,
        body: page([
          {
            sys_id: sent(request).query.sysparm_query!.endsWith('ORDERBYDESCsys_id') ? sysId(999) : sysId(3),
          },
        ]),
      });

      const survey = await reader().survey('tickets', WINDOW);

      expect(survey).toEqual({ count: 5600, bounds: { kind: 'string', from: sysId(3), to: sysId(999) } });
      const window = 'sys_updated_on>2026-03-01 10:15:30^sys_updated_on<=2026-03-02 08:00:00';
      expect(server.requests.map(sent)).toEqual([
        { path: '/api/now/v2/stats/incident', query: { sysparm_count: 'true', sysparm_query: window } },
        {
          path: '/api/now/v2/table/incident',
          query: {
            sysparm_query: `${window}^ORDERBYsys_id`,
            sysparm_limit: '1',
            sysparm_fields: 'sys_id',
            sysparm_no_count: 'true',
          },
        },
        {
          path: '/api/now/v2/table/incident',
          query: {
            sysparm_query: `${window}^ORDERBYDESCsys_id`,
            sysparm_limit: '1',
            sysparm_fields: 'sys_id',
            sysparm_no_count: 'true',
          },
        },
      ]);
      // Percent-encoded throughout: `^` as %5E and the literal's space as %20, never `+`.
      expect(server.requests[0]!.url).toBe(
        '/api/now/v2/stats/incident?sysparm_count=true&sysparm_query=sys_updated_on%3E2026-03-01%2010%3A15%3A30%5Esys_updated_on%3C%3D2026-03-02%2008%3A00%3A00',
      );
    });

    it('given a first full sync, when surveyed, then the window has only its upper bound', async () => {
      server.reply({ status: 200, body: JSON.stringify({ result: { stats: { count: '0' } } }) });

      await expect(reader().survey('time_entries', FULL_WINDOW)).resolves.toEqual({ count: 0, bounds: null });

      expect(server.requests.map(sent)).toEqual([
        {
          path: '/api/now/v2/stats/task_time_worked',
          query: { sysparm_count: 'true', sysparm_query: 'sys_updated_on<=2026-03-02 08:00:00' },
        },
      ]);
    });

    it('given records deleted between the count and the bounds, when surveyed, then the window is empty', async () => {
      server.reply({ status: 200, body: JSON.stringify({ result: { stats: { count: '2000' } } }) });

      await expect(reader().survey('companies', WINDOW)).resolves.toEqual({ count: 0, bounds: null });
    });

    it('given a window that fits in one page, when surveyed, then only the count is asked and one chunk covers the window', async () => {
      server.reply({ status: 200, body: JSON.stringify({ result: { stats: { count: '560' } } }) });

      const survey = await reader().survey('tickets', WINDOW);

      expect(survey).toEqual({ count: 560, bounds: { kind: 'all' } });
      expect(server.requests.map((request) => sent(request).path)).toEqual(['/api/now/v2/stats/incident']);
    });
  });

  describe('fetchPage', () => {
    const records = (from: number, count: number) =>
      Array.from({ length: count }, (_, index) => ({
        sys_id: sysId(from + index),
        sys_updated_on: '2026-03-01 12:00:00',
      }));

    it('given a chunk and a cursor, when a page is fetched, then the keyset query stays in the window and the chunk, after the cursor, with whole records', async () => {
      server.reply({ status: 200, body: page(records(11, 2)) });
      const range = { kind: 'string' as const, from: sysId(1), to: sysId(5000) };

      const result = await reader().fetchPage({ table: 'tickets', window: WINDOW, range, cursor: sysId(10) });

      expect(result.next).toBeNull();
      expect(result.records.map((record) => [record.id, record.lastUpdated])).toEqual([
        [sysId(11), new Date('2026-03-01T12:00:00Z')],
        [sysId(12), new Date('2026-03-01T12:00:00Z')],
      ]);
      expect(sent(server.requests[0]!)).toEqual({
        path: '/api/now/v2/table/incident',
        query: {
          sysparm_query: `sys_updated_on>2026-03-01 10:15:30^sys_updated_on<=2026-03-02 08:00:00^sys_id>=${sysId(1)}^sys_id<=${sysId(5000)}^sys_id>${sysId(10)}^ORDERBYsys_id`,
          sysparm_limit: '1000',
          sysparm_display_value: 'false',
          sysparm_exclude_reference_link: 'true',
          sysparm_no_count: 'true',
        },
      });
    });

    it('given a whole-window chunk, when a page is fetched, then the query has the window and the cursor only', async () => {
      server.reply({ status: 200, body: page(records(11, 2)) });

      const result = await reader().fetchPage({
        table: 'tickets',
        window: WINDOW,
        range: { kind: 'all' },
        cursor: sysId(10),
      });

      expect(result.next).toBeNull();
      expect(sent(server.requests[0]!).query.sysparm_query).toBe(
        `sys_updated_on>2026-03-01 10:15:30^sys_updated_on<=2026-03-02 08:00:00^sys_id>${sysId(10)}^ORDERBYsys_id`,
      );
    });

    it('given a full page inside the chunk, when fetched, then next is its last sys_id', async () => {
      server.reply({ status: 200, body: page(records(1, 1000)) });
      await expect(firstPage(reader()).then((result) => result.next)).resolves.toBe(sysId(1000));
    });

    it('given a full page that reaches the chunk end, when fetched, then the chunk is done without another request', async () => {
      server.reply({ status: 200, body: page(records(1, 1000)) });
      const range = { kind: 'string' as const, from: sysId(1), to: sysId(1000) };

      const result = await reader().fetchPage({ table: 'tickets', window: WINDOW, range, cursor: null });

      expect(result.next).toBeNull();
      expect(server.requests).toHaveLength(1);
    });

    it('given a server that ignores the cursor, when the next page is fetched, then it is refused as not advancing', async () => {
      server.reply(
        { status: 200, body: page(records(1, 1000)) },
        { status: 200, body: page(records(1, 1000)) },
      );
      const source = reader();
      const { next } = await firstPage(source);

      const error = await failure(firstPage(source, next));

      expect(error).toBeInstanceOf(MalformedResponseError);
      expect(error!.message).toMatch(
        /table tickets \(ServiceNow table incident\): keyset paging did not advance/,
      );
    });

    it('given 2,500 records sharing one sys_updated_on second, when the chunk is paged to its end, then every record in the window is fetched once', async () => {
      // Prepare: the tie spans two page boundaries; two records fall outside the window.
      const tied = Array.from({ length: 2500 }, (_, index) => ({
        sys_id: sysId(7919 * (index + 1)),
        sys_updated_on: '2026-03-01 12:00:00',
        short_description: `incident ${index}`,
      }));
      const outside = [
        {
          sys_id: sysId(5),
          sys_updated_on: '2026-03-01 10:15:30',
          short_description: 'at the lower bound: before',
        },
        {
          sys_id: sysId(6),
          sys_updated_on: '2026-03-02 08:00:01',
          short_description: 'after the upper bound',
        },
      ];
      server.fallback = fakeTable([...outside, ...tied]);
      const source = reader();

      // Act
      const survey = await source.survey('tickets', WINDOW);
      const fetched: string[] = [];
      let cursor: string | null = null;
      do {
        const result = await source.fetchPage({
          table: 'tickets',
          window: WINDOW,
          range: survey.bounds!,
          cursor,
        });
        fetched.push(...result.records.map((record) => record.id));
        cursor = result.next;
      } while (cursor !== null);

      // Assess
      expect(survey.count).toBe(2500);
      expect(fetched).toEqual(tied.map((record) => record.sys_id));
      expect(source.apiCalls).toBe(3 + 3);
    });
  });

  describe('credentials', () => {
    it.each([
      ['Basic', { username: 'u', password: 'p' }],
      ['OAuth client credentials', { clientId: 'c', clientSecret: 's' }],
    ])('given a complete %s pair, when validated, then it is accepted as given', (_case, credentials) => {
      expect(serviceNowCredentialsSchema.parse(credentials)).toEqual(credentials);
    });

    it.each([
      [
        {},
        '',
        'ServiceNow needs username and password (Basic auth) or clientId and clientSecret (OAuth client credentials)',
      ],
      [{ username: 'u' }, 'password', 'password is needed with username (Basic auth)'],
      [{ clientSecret: 's' }, 'clientId', 'clientId is needed with clientSecret (OAuth client credentials)'],
      [
        { username: 'u', password: 'p', clientId: 'c', clientSecret: 's' },
        '',
        'give either username and password (Basic auth) or clientId and clientSecret (OAuth client credentials), not both',
      ],
      [{ username: 'u', password: '' }, 'password', 'Too small: expected string to have >=1 characters'],
    ])(
      'given %j, when validated, then it is refused at %p saying which pair is needed',
      (credentials, path, message) => {
        const result = serviceNowCredentialsSchema.safeParse(credentials);
        expect(result.success).toBe(false);
        expect(result.error!.issues.map((issue) => [issue.path.join('.'), issue.message])).toContainEqual([
          path,
          message,
        ]);
      },
    );
  });
});
