import { startServiceNowSimulator, type ServiceNowSimulator } from '../../../simulator';
import { aClock, anInstance, basicAuth, snGet, tableGet, tokenRequest } from './helpers';

const UNAUTHENTICATED = {
  error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' },
  status: 'failure',
};

describe('ServiceNow simulator: authentication and OAuth tokens', () => {
  const clock = aClock();
  const acme = anInstance({ tokenLifetimeSeconds: 600 });
  const globex = anInstance({
    name: 'globex',
    username: 'globex.integration',
    password: 'globex-secret',
    clientId: 'globex-client',
    clientSecret: 'globex-client-secret',
    sizes: { incident: 7 },
  });
  let sim: ServiceNowSimulator;
  beforeEach(async () => {
    sim = await startServiceNowSimulator({ instances: [acme, globex], now: clock.now });
  });
  afterEach(() => sim.stop());

  const clientCredentials = (instance = acme) =>
    tokenRequest(sim, {
      grant_type: 'client_credentials',
      client_id: instance.clientId!,
      client_secret: instance.clientSecret!,
    });

  it('given no or wrong credentials, when the Table API is called, then 401 with the error envelope', async () => {
    for (const authorization of [
      null,
      basicAuth({ username: acme.username, password: 'wrong' }),
      'Bearer nope',
    ]) {
      const response = await tableGet(sim, 'incident', {}, { authorization });
      expect(response.status).toBe(401);
      expect(response.json).toEqual(UNAUTHENTICATED);
      expect(response.headers.get('x-is-logged-in')).toBe('false');
    }
  });

  it('given two instances, when each user lists incidents, then each sees its own instance and the log names it', async () => {
    const mine = await tableGet(sim, 'incident', { sysparm_fields: 'sys_id' });
    const theirs = await tableGet(sim, 'incident', { sysparm_fields: 'sys_id' }, { instance: globex });
    expect(mine.json!.result).toHaveLength(250);
    expect(theirs.json!.result).toHaveLength(7);
    expect(
      sim.requests('globex').map((request) => [request.instance, request.status, request.records]),
    ).toEqual([['globex', 200, 7]]);
  });

  it('given client credentials, when a token is requested, then a Bearer token authenticates Table API calls', async () => {
    const token = await clientCredentials();
    expect(token.status).toBe(200);
    expect(token.json).toEqual({
      scope: 'useraccount',
      token_type: 'Bearer',
      expires_in: 599,
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
    });
    const response = await tableGet(
      sim,
      'incident',
      { sysparm_limit: 1 },
      { authorization: `Bearer ${token.json.access_token}` },
    );
    expect(response.status).toBe(200);
    expect(sim.requests('acme').map((request) => request.path)).toEqual([
      '/oauth_token.do',
      '/api/now/table/incident',
    ]);
  });

  it('given a token past its lifetime on the simulator clock, when used, then 401', async () => {
    const { json } = await clientCredentials();
    const bearer = `Bearer ${json.access_token}`;
    clock.advance(599);
    expect((await tableGet(sim, 'incident', { sysparm_limit: 1 }, { authorization: bearer })).status).toBe(
      200,
    );
    clock.advance(1);
    const expired = await tableGet(sim, 'incident', { sysparm_limit: 1 }, { authorization: bearer });
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual(UNAUTHENTICATED);
  });

  it('given expireTokens(instance), when its tokens are used, then they answer 401 and other instances keep working', async () => {
    const mine = `Bearer ${(await clientCredentials()).json.access_token}`;
    const theirs = `Bearer ${(await clientCredentials(globex)).json.access_token}`;
    sim.expireTokens('acme');
    expect((await tableGet(sim, 'incident', {}, { authorization: mine })).status).toBe(401);
    expect((await tableGet(sim, 'incident', {}, { authorization: theirs })).status).toBe(200);
    const fresh = `Bearer ${(await clientCredentials()).json.access_token}`;
    expect((await tableGet(sim, 'incident', { sysparm_limit: 1 }, { authorization: fresh })).status).toBe(
      200,
    );
    sim.expireTokens();
    expect((await tableGet(sim, 'incident', {}, { authorization: theirs })).status).toBe(401);
  });

  it('given a password grant, when the access token expires, then its refresh token buys a new one (once)', async () => {
    const issued = await tokenRequest(sim, {
      grant_type: 'password',
      client_id: acme.clientId!,
      client_secret: acme.clientSecret!,
      username: acme.username,
      password: acme.password,
    });
    expect(issued.json.refresh_token).toEqual(expect.any(String));
    sim.expireTokens('acme');
    const refresh = {
      grant_type: 'refresh_token',
      client_id: acme.clientId!,
      client_secret: acme.clientSecret!,
      refresh_token: issued.json.refresh_token,
    };
    const renewed = await tokenRequest(sim, refresh);
    expect(renewed.status).toBe(200);
    const response = await tableGet(
      sim,
      'incident',
      { sysparm_limit: 1 },
      { authorization: `Bearer ${renewed.json.access_token}` },
    );
    expect(response.status).toBe(200);
    expect((await tokenRequest(sim, refresh)).status).toBe(401);
  });

  it('given a bad client secret or an unknown grant, when a token is requested, then the OAuth error answers', async () => {
    const denied = await tokenRequest(sim, {
      grant_type: 'client_credentials',
      client_id: acme.clientId!,
      client_secret: 'x',
    });
    expect(denied).toEqual({
      status: 401,
      json: { error_description: 'access_denied', error: 'server_error' },
    });
    const unsupported = await tokenRequest(sim, {
      grant_type: 'authorization_code',
      client_id: acme.clientId!,
    });
    expect(unsupported.status).toBe(400);
    expect(unsupported.json.error).toBe('unsupported_grant_type');
  });
});

describe('ServiceNow simulator: the hourly rate-limit rule', () => {
  it('given a rule of 3 requests per hour, when a 4th arrives, then 429 with Retry-After, X-RateLimit-* and the exact body; the next hour resets it', async () => {
    const clock = aClock('2026-01-02T03:59:10Z');
    const sim = await startServiceNowSimulator({
      instances: [anInstance({ rateLimitPerHour: 3 })],
      now: clock.now,
    });
    try {
      const reset = String(Date.parse('2026-01-02T04:00:00Z') / 1000);
      const allowed = [];
      for (let i = 0; i < 3; i++) allowed.push(await tableGet(sim, 'incident', { sysparm_limit: 1 }));
      for (const response of allowed) {
        expect(response.status).toBe(200);
        expect(response.headers.get('x-ratelimit-limit')).toBe('3');
        expect(response.headers.get('x-ratelimit-reset')).toBe(reset);
        expect(response.headers.get('x-ratelimit-rule')).toMatch(/^[0-9a-f]{32}$/);
      }
      const refused = await tableGet(sim, 'incident', { sysparm_limit: 1 });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('50');
      expect(refused.headers.get('x-ratelimit-reset')).toBe(reset);
      expect(refused.text).toBe(
        '{"error":{"message":"Rate limit exceeded","detail":"Rate limit of 3 requests per hour for Table API exceeded"},"status":"failure"}',
      );
      // The Aggregate API is another API: the Table API rule neither counts nor refuses it.
      const stats = await snGet(sim, '/api/now/stats/incident?sysparm_count=true');
      expect(stats.status).toBe(200);
      expect(stats.headers.get('x-ratelimit-limit')).toBeNull();
      clock.advance(50);
      expect((await tableGet(sim, 'incident', { sysparm_limit: 1 })).status).toBe(200);
    } finally {
      await sim.stop();
    }
  });

  it('given no rule, when requesting, then no X-RateLimit headers are sent', async () => {
    const sim = await startServiceNowSimulator({ instances: [anInstance()] });
    try {
      const response = await tableGet(sim, 'incident', { sysparm_limit: 1 });
      expect([...response.headers.keys()].filter((name) => name.startsWith('x-ratelimit'))).toEqual([]);
    } finally {
      await sim.stop();
    }
  });
});

describe('ServiceNow simulator: error answers', () => {
  let sim: ServiceNowSimulator;
  beforeAll(async () => {
    sim = await startServiceNowSimulator({ instances: [anInstance({ forbiddenTables: ['sys_user'] })] });
  });
  afterAll(() => sim.stop());

  it('given a table the user may not read, when listed or counted, then 403 with the error envelope', async () => {
    for (const path of ['/api/now/table/sys_user', '/api/now/v1/stats/sys_user?sysparm_count=true']) {
      const response = await snGet(sim, path);
      expect(response.status).toBe(403);
      expect(response.json).toMatchObject({ error: { message: 'User Not Authorized' }, status: 'failure' });
    }
    expect((await tableGet(sim, 'incident', { sysparm_limit: 1 })).status).toBe(200);
  });

  it('given an unknown table, a URI that is no API, a negative offset or a write, when requested, then 404, 400, 400 and 405', async () => {
    const unknown = await snGet(sim, '/api/now/table/u_nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({
      error: { message: 'Invalid table u_nope', detail: '' },
      status: 'failure',
    });
    const notApi = await snGet(sim, '/api/now/nothing/here');
    expect(notApi.status).toBe(400);
    expect(notApi.json!.error.message).toBe('Requested URI does not represent any resource');
    expect((await tableGet(sim, 'incident', { sysparm_offset: -1 })).status).toBe(400);
    const write = await snGet(sim, '/api/now/table/incident', { method: 'POST' });
    expect(write.status).toBe(405);
    expect(write.json!.status).toBe('failure');
  });

  it('given HEAD, when a list is requested, then the headers of the GET come without a body', async () => {
    const head = await snGet(sim, '/api/now/table/incident?sysparm_limit=5', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('x-total-count')).toBe('250');
  });
});
