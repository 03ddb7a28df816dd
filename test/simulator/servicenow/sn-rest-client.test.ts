/**
 * The npm ServiceNow client sn-rest-client 2.1.9 (reference §A.12) against the simulator: it takes `hostName` as
 * given (http works), follows `Link rel="next"`, retries 429 / 5xx after a fixed delay and, with OAuth, refreshes an
 * access token that answers 401.
 */
import { startServiceNowSimulator, type ServiceNowSimulator } from '../../../simulator';
import { type AnyRecord, anInstance, sysIdsOf, tokenRequest } from './helpers';

const SnRestClient = require('sn-rest-client');

describe('sn-rest-client 2.1.9 against the ServiceNow simulator', () => {
  const instance = anInstance({ sizes: { customer_account: 20, customer_contact: 60, incident: 2_345 } });
  let sim: ServiceNowSimulator;
  beforeAll(async () => {
    sim = await startServiceNowSimulator({ instances: [instance] });
  });
  afterAll(() => sim.stop());
  beforeEach(() => sim.resetRequests());

  const basicClient = (options: AnyRecord = {}) =>
    SnRestClient({
      hostName: sim.instanceUrl,
      auth: { username: instance.username, password: instance.password },
      silent: true,
      ...options,
    });

  it('given Basic auth and sysparm_limit 1000, when get pages through incidents, then it returns every record from 3 Link-followed pages', async () => {
    const rows = await basicClient().get({
      url: 'api/now/table/incident',
      qs: { sysparm_query: 'ORDERBYsys_id', sysparm_limit: 1000 },
    });
    expect(rows).toEqual([...sim.records('acme', 'incident')]);
    expect(sim.requests('acme').map((request) => [request.status, request.query.sysparm_offset])).toEqual([
      [200, undefined],
      [200, '1000'],
      [200, '2000'],
    ]);
  });

  it('given a 429 and a 503 on the way, when the client retries, then it still returns every record exactly once', async () => {
    const injected: string[] = [];
    sim.onRequest((request) => {
      if (request.fault) injected.push(request.fault);
      if (request.status === 200 && request.query.sysparm_offset === '1000') sim.setFaults({ rate503: 1 });
      else sim.setFaults(undefined);
    });
    sim.setFaults({ rate429: 1 });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      // `retry` and `delay` must be given per request: run() defaults them to 1 and 100 ms, shadowing the config.
      const rows = await basicClient().get({
        url: 'api/now/table/incident',
        qs: { sysparm_query: 'ORDERBYsys_id', sysparm_limit: 1000, sysparm_fields: 'sys_id' },
        retry: 3,
        delay: 1,
      });
      expect(sysIdsOf(rows)).toEqual(sim.ids('acme', 'incident'));
      expect(injected).toEqual(['429', '503']);
    } finally {
      warn.mockRestore();
      sim.onRequest(undefined);
      sim.setFaults(undefined);
    }
  });

  it('given an OAuth token with a refresh token, when the access token expires mid-run, then the client refreshes it and finishes', async () => {
    const issued = await tokenRequest(sim, {
      grant_type: 'password',
      client_id: instance.clientId!,
      client_secret: instance.clientSecret!,
      username: instance.username,
      password: instance.password,
    });
    const client = SnRestClient({
      hostName: sim.instanceUrl,
      auth: {
        clientId: instance.clientId,
        clientSecret: instance.clientSecret,
        accessToken: issued.json.access_token,
        refreshToken: issued.json.refresh_token,
      },
      silent: true,
    });
    sim.onRequest((request) => {
      if (request.query.sysparm_offset === '1000' && request.status === 200) sim.expireTokens('acme');
    });
    try {
      const rows = await client.get({
        url: 'api/now/table/incident',
        qs: { sysparm_query: 'ORDERBYsys_id', sysparm_limit: 1000, sysparm_fields: 'sys_id' },
      });
      expect(sysIdsOf(rows)).toEqual(sim.ids('acme', 'incident'));
      expect(sim.requests('acme').map((request) => `${request.status} ${request.path}`)).toEqual([
        '200 /oauth_token.do',
        '200 /api/now/table/incident',
        '200 /api/now/table/incident',
        '401 /api/now/table/incident',
        '200 /oauth_token.do',
        '200 /api/now/table/incident',
      ]);
      expect(client.getAccessToken()).not.toBe(issued.json.access_token);
    } finally {
      sim.onRequest(undefined);
    }
  });

  it('given a client-credentials token that expires, when the client cannot refresh it, then it rejects with the 401', async () => {
    const issued = await tokenRequest(sim, {
      grant_type: 'client_credentials',
      client_id: instance.clientId!,
      client_secret: instance.clientSecret!,
    });
    sim.expireTokens('acme');
    const client = SnRestClient({
      hostName: sim.instanceUrl,
      auth: {
        clientId: instance.clientId,
        clientSecret: instance.clientSecret,
        accessToken: issued.json.access_token,
      },
      silent: true,
    });
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await expect(
        client.get({ url: 'api/now/table/incident', qs: { sysparm_limit: 1 } }),
      ).rejects.toMatchObject({
        statusCode: 401,
        error: { error: { message: 'User Not Authenticated' }, status: 'failure' },
      });
    } finally {
      error.mockRestore();
    }
  });
});
