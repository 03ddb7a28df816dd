import { startServiceNowSimulator, type ServiceNowSimulator } from '../../../simulator';
import { anInstance, basicAuth, eventually, tableGet, tokenRequest } from './helpers';

const acme = anInstance();
const globex = anInstance({ name: 'globex', username: 'globex.integration', clientId: 'globex-client' });

describe('ServiceNow simulator: injected faults (shared core)', () => {
  let sim: ServiceNowSimulator;
  beforeEach(async () => {
    sim = await startServiceNowSimulator({ instances: [acme, globex] });
  });
  afterEach(() => sim.stop());

  it('given rate429 = 1, when requesting, then ServiceNow’s 429 body with the configured Retry-After and rule headers', async () => {
    sim.setFaults({ rate429: 1, retryAfterSeconds: 7 });
    const response = await tableGet(sim, 'incident');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('x-ratelimit-rule')).toMatch(/^[0-9a-f]{32}$/);
    expect(response.json).toEqual({
      error: {
        message: 'Rate limit exceeded',
        detail: 'Rate limit of 1000 requests per hour for Table API exceeded',
      },
      status: 'failure',
    });
    expect(sim.requests('acme').map((request) => request.fault)).toEqual(['429']);
    sim.setFaults(undefined);
    expect((await tableGet(sim, 'incident', { sysparm_limit: 1 })).status).toBe(200);
  });

  it('given 500, 502 and 503 faults, when requesting, then a JSON timeout envelope and HTML gateway pages', async () => {
    sim.setFaults({ rate500Timeout: 1 });
    const timeout = await tableGet(sim, 'incident');
    expect(timeout.status).toBe(500);
    expect(timeout.json).toMatchObject({
      error: { message: expect.stringContaining('maximum execution time') },
      status: 'failure',
    });
    sim.setFaults({ rate502: 1 });
    const gateway = await tableGet(sim, 'incident');
    expect(gateway.status).toBe(502);
    expect(gateway.headers.get('content-type')).toContain('text/html');
    sim.setFaults({ rate503: 1 });
    const unavailable = await tableGet(sim, 'incident');
    expect(unavailable.status).toBe(503);
    expect(unavailable.json).toBeUndefined();
  });

  it('given body faults, when a page is fetched, then truncated, malformed and notArray bodies arrive with status 200', async () => {
    sim.setFaults({ rateTruncated: 1 });
    const truncated = await tableGet(sim, 'incident', { sysparm_limit: 20 });
    expect(truncated.status).toBe(200);
    expect(truncated.text.startsWith('{"result":[')).toBe(true);
    expect(truncated.json).toBeUndefined();
    sim.setFaults({ rateMalformed: 1 });
    const malformed = await tableGet(sim, 'incident', { sysparm_limit: 20 });
    expect(malformed.json).toBeUndefined();
    expect(malformed.text).toContain('<html>');
    sim.setFaults({ rateNotArray: 1 });
    const notArray = await tableGet(sim, 'incident', { sysparm_limit: 20 });
    expect(notArray.status).toBe(200);
    expect(notArray.json).toEqual({ result: {} });
    expect(sim.requests('acme').map((request) => request.fault)).toEqual([
      'truncated',
      'malformed',
      'notArray',
    ]);
  });

  it('given rateReset = 1, when a page is fetched, then the headers arrive and reading the body fails', async () => {
    sim.setFaults({ rateReset: 1 });
    const response = await fetch(`${sim.instanceUrl}/api/now/table/incident`, {
      headers: { Authorization: basicAuth(acme) },
    });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('given rateSlow = 1, when the client gives up before the answer, then the request is logged with the slow fault', async () => {
    sim.setFaults({ rateSlow: 1, slowMs: 60_000 });
    const controller = new AbortController();
    const pending = fetch(`${sim.instanceUrl}/api/now/table/incident`, {
      headers: { Authorization: basicAuth(acme) },
      signal: controller.signal,
    });
    await eventually(() => sim.maxConcurrent('acme') === 1);
    expect(sim.requests('acme')).toEqual([]);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await eventually(() => sim.requests('acme').length === 1);
    expect(sim.requests('acme')[0]!.fault).toBe('slow');
  });

  it('given faults restricted to one instance, when both request, then only that instance fails', async () => {
    sim.setFaults({ rate503: 1, onlyCompanyIds: ['globex'] });
    expect((await tableGet(sim, 'incident', {}, { instance: globex })).status).toBe(503);
    expect((await tableGet(sim, 'incident', { sysparm_limit: 1 })).status).toBe(200);
  });

  it('given faults, when a token is requested, then the token endpoint is not faulted', async () => {
    sim.setFaults({ rate503: 1 });
    const token = await tokenRequest(sim, {
      grant_type: 'client_credentials',
      client_id: acme.clientId!,
      client_secret: acme.clientSecret!,
    });
    expect(token.status).toBe(200);
  });

  it('given keyedByRequest, when the same keyset pages arrive in another order and with other window ends, then each page meets the same faults', async () => {
    const pages = Array.from({ length: 24 }, (_, i) => `sys_id>${i.toString(16).padStart(2, '0')}`);
    const statuses = async (order: string[], windowEnd: string) => {
      sim.setFaults({ seed: 3, rate503: 0.3, rate429: 0.2, keyedByRequest: true });
      const result = new Map<string, number>();
      await Promise.all(
        order.map(async (page) => {
          const response = await tableGet(sim, 'incident', {
            sysparm_query: `${page}^sys_updated_on<${windowEnd}^ORDERBYsys_id`,
            sysparm_limit: 5,
          });
          result.set(page, response.status);
        }),
      );
      return pages.map((page) => result.get(page));
    };
    const forward = await statuses(pages, '2026-01-01 00:00:00');
    const backward = await statuses([...pages].reverse(), '2026-03-04 05:06:07');
    expect(backward).toEqual(forward);
    expect(new Set(forward)).toEqual(new Set([200, 429, 503]));
  });
});
