import { CONNECTWISE_ENDPOINTS } from '../../sources/connectwise/endpoints';
import { startSimulator, type Simulator } from '../../simulator';
import { FaultInjector } from '../../simulator/faults';
import { aTenant, basicAuth, cwGet, idsOf } from './helpers';

const TICKETS = CONNECTWISE_ENDPOINTS.tickets;

describe('FaultInjector: keyed draws', () => {
  it('given a request key, when the same requests arrive in another order, then each request meets the same faults', () => {
    const options = { seed: 4, rateMalformed: 0.3, rateReset: 0.3, keyedByRequest: true };
    const keys = Array.from({ length: 50 }, (_, index) => `GET /tickets?pageId=${index}`);
    const drawAll = (order: string[]) => {
      const injector = new FaultInjector(options);
      return new Map(order.map((key) => [key, [injector.draw('acme', key), injector.draw('acme', key)]]));
    };
    const forward = drawAll(keys);
    const backward = drawAll([...keys].reverse());
    expect(backward).toEqual(forward);
    const faults = [...forward.values()].flat();
    expect(faults).toContain('malformed');
    expect(faults).toContain('reset');
    expect(faults).toContain('none');
  });

  it('given a key drawn before, when drawn again, then the retry gets a fresh draw (a one-off fault passes)', () => {
    const injector = new FaultInjector({ seed: 1, rateTruncated: 0.5, keyedByRequest: true });
    const draws = Array.from({ length: 40 }, () => injector.draw('acme', 'GET /tickets'));
    expect(new Set(draws)).toEqual(new Set(['truncated', 'none']));
  });

  it('given no keyedByRequest, when drawing with a key, then faults follow arrival order as before', () => {
    const options = { seed: 9, rate503: 0.5 };
    const keyed = new FaultInjector(options);
    const plain = new FaultInjector(options);
    const draws = (injector: FaultInjector, key?: string) =>
      Array.from({ length: 30 }, () => injector.draw('acme', key));
    expect(draws(keyed, 'GET /tickets')).toEqual(draws(plain));
  });
});

describe('simulator HTTP: body and connection faults', () => {
  let sim: Simulator;
  const tenant = aTenant();
  beforeEach(async () => {
    sim = await startSimulator({ tenants: [tenant] });
  });
  afterEach(() => sim.stop());

  it('given rateReset = 1, when a page is fetched, then the headers arrive and the body read fails', async () => {
    sim.setFaults({ rateReset: 1 });
    const response = await fetch(`${sim.baseUrl}${TICKETS}`, {
      headers: { Authorization: basicAuth(tenant), clientId: tenant.clientId },
    });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(sim.requests('acme').map((request) => request.fault)).toEqual(['reset']);
  });

  it('given rateTruncated = 1, when a page is fetched, then a complete answer holds half of the JSON', async () => {
    sim.setFaults({ rateTruncated: 1 });
    const truncated = await cwGet(sim, `${TICKETS}?pageSize=10`);
    sim.setFaults(undefined);
    const whole = await cwGet(sim, `${TICKETS}?pageSize=10`);
    expect(truncated.status).toBe(200);
    expect(truncated.json).toBeUndefined();
    const wholeBytes = Buffer.from(whole.text);
    expect(Number(truncated.headers.get('content-length'))).toBe(Math.floor(wholeBytes.length / 2));
    expect(whole.text.startsWith(truncated.text.slice(0, 1000))).toBe(true);
  });

  it('given rateMalformed = 1, when a page is fetched, then 200 with a body that is not JSON', async () => {
    sim.setFaults({ rateMalformed: 1 });
    const response = await cwGet(sim, TICKETS);
    expect(response.status).toBe(200);
    expect(response.json).toBeUndefined();
    expect(response.text).toContain('<html>');
  });

  it('given rateNotArray = 1, when a page or a count is fetched, then 200 with {}', async () => {
    sim.setFaults({ rateNotArray: 1 });
    const page = await cwGet(sim, TICKETS);
    const count = await cwGet(sim, `${TICKETS}/count`);
    expect([page.status, page.json]).toEqual([200, {}]);
    expect([count.status, count.json]).toEqual([200, {}]);
  });

  it('given body faults, when an error is answered, then it passes unchanged', async () => {
    sim.setFaults({ rateMalformed: 1 });
    const response = await cwGet(sim, `${TICKETS}/999999999`);
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ code: 'NotFound' });
  });

  it('given rateSlow = 1, when a client gives up first, then it gets no answer in time and the fault is recorded', async () => {
    sim.setFaults({ rateSlow: 1, slowMs: 1_000 });
    // The client's own timeout ends the wait: it is the TimeoutError of the abort, not an answer.
    await expect(
      fetch(`${sim.baseUrl}${TICKETS}`, {
        headers: { Authorization: basicAuth(tenant), clientId: tenant.clientId },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    // The simulator logs the request when its slow answer is written, after the client left.
    while (sim.requests('acme').length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(sim.requests('acme').map((request) => request.fault)).toEqual(['slow']);
  });

  it('given ignorePageId, when forward-only pages are followed, then every page is the first one', async () => {
    sim.setFaults({ ignorePageId: true });
    const forwardOnly = { headers: { 'pagination-type': 'forward-only' } };
    const first = await cwGet(sim, `${TICKETS}?pageSize=5`, forwardOnly);
    const lastId = idsOf(first.json as unknown[])[4]!;
    const second = await cwGet(sim, `${TICKETS}?pageSize=5&pageId=${lastId}`, forwardOnly);
    expect(idsOf(second.json as unknown[])).toEqual(idsOf(first.json as unknown[]));
    sim.setFaults(undefined);
    const honoured = await cwGet(sim, `${TICKETS}?pageSize=5&pageId=${lastId}`, forwardOnly);
    expect(idsOf(honoured.json as unknown[])[0]).toBeGreaterThan(lastId);
  });

  it('given ignorePageId for another tenant, when this tenant pages, then its pageId is honoured', async () => {
    sim.setFaults({ ignorePageId: true, onlyCompanyIds: ['someone-else'] });
    const forwardOnly = { headers: { 'pagination-type': 'forward-only' } };
    const first = await cwGet(sim, `${TICKETS}?pageSize=5`, forwardOnly);
    const lastId = idsOf(first.json as unknown[])[4]!;
    const second = await cwGet(sim, `${TICKETS}?pageSize=5&pageId=${lastId}`, forwardOnly);
    expect(idsOf(second.json as unknown[])[0]).toBeGreaterThan(lastId);
  });
});
