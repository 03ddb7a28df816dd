import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectWiseClient } from '../../sources/connectwise/client';
import { InProcessRequestBudget } from '../../shared/budget/inProcessRequestBudget';
import {
  AuthenticationError,
  DeadlineReachedError,
  MalformedResponseError,
  PermissionError,
  RateLimitedError,
  TransientServerError,
} from '../../shared/errors';

type Reply = { status: number; body: string; headers?: Record<string, string>; delayMs?: number };

/** A scripted HTTP server: answers requests with the queued replies in order, recording what it was sent. */
class ScriptedServer {
  readonly requests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  private replies: Reply[] = [];
  private server: Server | undefined;
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.requests.push({ url: request.url ?? '', headers: request.headers });
      const reply = this.replies.shift() ?? { status: 200, body: '[]' };
      setTimeout(() => {
        response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        response.end(reply.body);
      }, reply.delayMs ?? 0);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v4_6_release/apis/3.0`;
  }

  reply(...replies: Reply[]): void {
    this.replies.push(...replies);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('ConnectWiseClient', () => {
  const server = new ScriptedServer();
  const sleeps: number[] = [];
  const client = (extra: { maxRateLimitWaitSeconds?: number } = {}) =>
    new ConnectWiseClient({
      ...extra,
      tenantId: 'acme',
      baseUrl: server.baseUrl,
      credentials: {
        companyId: 'acme',
        publicKey: 'pub',
        privateKey: 'priv-S3CRET',
        clientId: 'client-guid',
      },
      limits: { requestsPerMinute: 1000, maxConcurrentRequests: 2 },
      budget: new InProcessRequestBudget(),
      requestTimeoutMs: 200,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    });

  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
    sleeps.length = 0;
  });

  it('given a forward-only page request, when sent, then it carries Basic auth, clientId, the pinned Accept version and pageId', async () => {
    server.reply({ status: 200, body: JSON.stringify([{ id: 11 }, { id: 12 }]) });

    const page = await client().listPage('tickets', {
      conditions: 'lastUpdated > [2026-01-01T00:00:00Z]',
      pageSize: 1000,
      afterId: 10,
    });

    expect(page.map((record) => record.id)).toEqual([11, 12]);
    const [request] = server.requests;
    expect(request!.headers.authorization).toBe(
      `Basic ${Buffer.from('acme+pub:priv-S3CRET').toString('base64')}`,
    );
    expect(request!.headers.clientid).toBe('client-guid');
    expect(request!.headers.accept).toBe('application/vnd.connectwise.com+json; version=2025.1');
    expect(request!.headers['pagination-type']).toBe('forward-only');
    const url = new URL(request!.url, 'http://x');
    expect(url.pathname).toBe('/v4_6_release/apis/3.0/service/tickets');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      pageSize: '1000',
      conditions: 'lastUpdated > [2026-01-01T00:00:00Z]',
      pageId: '10',
    });
  });

  it('given a 429 with Retry-After, when requested, then it fails at once with RateLimitedError carrying the delay', async () => {
    server.reply({
      status: 429,
      headers: { 'retry-after': '17' },
      body: '{"error":"ConnectWiseAPI","message":"Too many requests. Please try again in 17 seconds."}',
    });
    const error = await client()
      .count('tickets')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(17);
    expect(sleeps).toEqual([]);
  });

  it('given a short Retry-After and a client allowed to wait it out, when requested, then it sleeps that long and succeeds', async () => {
    server.reply(
      { status: 429, headers: { 'retry-after': '2' }, body: '{}' },
      { status: 200, body: '{"count": 7}' },
    );
    await expect(client({ maxRateLimitWaitSeconds: 5 }).count('tickets')).resolves.toBe(7);
    expect(sleeps).toEqual([2000]);
  });

  it('given two 5xx answers then success, when requested, then it retries with growing jittered backoff', async () => {
    server.reply(
      { status: 500, body: '{"code":"ConnectWiseApi","message":"The operation has timed out (timeout)"}' },
      { status: 503, body: '<html>unavailable</html>' },
      { status: 200, body: '{"count": 42}' },
    );
    await expect(client().count('companies')).resolves.toBe(42);
    expect(sleeps).toEqual([125, 250]);
  });

  it('given a server that keeps failing, when requested, then it gives up after the bounded attempts with a TransientServerError', async () => {
    server.reply(...Array.from({ length: 4 }, () => ({ status: 502, body: 'bad gateway' })));
    await expect(client().count('companies')).rejects.toBeInstanceOf(TransientServerError);
    expect(server.requests).toHaveLength(4);
  });

  it('given a deadline nearer than the request timeout, when the answer is late, then DeadlineReachedError lets the caller continue later', async () => {
    server.reply({ status: 200, body: '[]', delayMs: 400 });
    const deadline = Date.now() + 100;
    const hurried = new ConnectWiseClient({
      tenantId: 'acme',
      baseUrl: server.baseUrl,
      credentials: { companyId: 'acme', publicKey: 'pub', privateKey: 'k', clientId: 'c' },
      limits: { requestsPerMinute: 1000, maxConcurrentRequests: 2 },
      budget: new InProcessRequestBudget(),
      deadline: () => deadline,
    });
    await expect(hurried.count('tickets')).rejects.toBeInstanceOf(DeadlineReachedError);
    expect(Date.now()).toBeLessThan(deadline + 150);
  });

  it('given no answer within the request timeout, when requested, then it is a transient error that names the tenant', async () => {
    server.reply(...Array.from({ length: 4 }, () => ({ status: 200, body: '[]', delayMs: 400 })));
    await expect(client().count('companies')).rejects.toThrow(
      /tenant acme, source connectwise, table companies: request failed: no answer within 200 ms/,
    );
  });

  it.each([
    [401, AuthenticationError, /rejected the credentials/],
    [404, AuthenticationError, /rejected the credentials/],
    [403, PermissionError, /security role/],
  ])(
    'given %s, when requested, then a permanent %p naming the tenant and what to do',
    async (status, type, message) => {
      server.reply({ status, body: '{"code":"Unauthorized","message":"nope","errors":null}' });
      const error = await client()
        .count('contacts')
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(/^tenant acme, source connectwise, table contacts: /);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('S3CRET');
    },
  );

  it.each([
    ['not JSON', '<html>maintenance</html>', /not JSON/],
    ['not an array', '{"records": []}', /expected a JSON array/],
    ['a record without id', '[{"id": 1}, {"name": "x"}]', /record #1 of the page has no integer key id/],
  ])(
    'given a page that is %s on every attempt, when listed, then MalformedResponseError says what is wrong',
    async (_case, body, message) => {
      server.reply(...Array.from({ length: 4 }, () => ({ status: 200, body })));
      const error = await client()
        .listPage('tickets', { pageSize: 10 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MalformedResponseError);
      expect((error as Error).message).toMatch(message);
      expect(server.requests).toHaveLength(4);
    },
  );

  it.each([
    ['a body that is not JSON', '<html>maintenance</html>'],
    ['truncated JSON', '[{"id": 1}, {"id"'],
    ['not an array', '{}'],
  ])('given %s once, when listed, then the page is fetched again and returned', async (_case, body) => {
    server.reply({ status: 200, body }, { status: 200, body: '[{"id": 7}]' });
    const page = await client().listPage('tickets', { pageSize: 10 });
    expect(page).toEqual([{ id: 7 }]);
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ['not JSON', '<html>maintenance</html>', /expected a JSON array of records/],
    ['truncated', '[{"id": 1}, {"id"', /the body ends/],
    ['not an array', '{"records": []}', /expected a JSON array of records/],
    ['a record without id', '[{"id": 1}, {"name": "x"}]', /record #1 of the page has no integer key id/],
  ])(
    'given a page that is %s on every attempt, when listed as received bytes, then MalformedResponseError says what is wrong',
    async (_case, body, message) => {
      server.reply(...Array.from({ length: 4 }, () => ({ status: 200, body })));
      const error = await client()
        .listReceivedPage('tickets', { pageSize: 10, afterId: 0 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MalformedResponseError);
      expect((error as Error).message).toMatch(
        /^tenant acme, source connectwise, table tickets: the page is not a JSON array of records: /,
      );
      expect((error as Error).message).toMatch(message);
      expect(server.requests).toHaveLength(4);
    },
  );

  it('given a malformed page once, when listed as received bytes, then the page is fetched again and each record is its bytes as sent', async () => {
    const sent = '[ {"id": 7, "summary": "Zürich", "_info": {"lastUpdated": "2025-03-01T12:00:00Z"}} ]';
    server.reply({ status: 200, body: '[{"id": 1}, {"id"' }, { status: 200, body: sent });
    const page = await client().listReceivedPage('tickets', { pageSize: 10, afterId: 6 });
    expect(
      page.map((record) => [record.id, record.lastUpdated, new TextDecoder().decode(record.json)]),
    ).toEqual([
      [
        '7',
        new Date('2025-03-01T12:00:00Z'),
        '{"id": 7, "summary": "Zürich", "_info": {"lastUpdated": "2025-03-01T12:00:00Z"}}',
      ],
    ]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.url).toContain('pageId=6');
    expect(server.requests[1]!.headers['pagination-type']).toBe('forward-only');
  });
});
