import { CONNECTWISE_ENDPOINTS } from '../../sources/connectwise/endpoints';
import { startSimulator, type Simulator } from '../../simulator';
import { FaultInjector, TokenBucket } from '../../simulator/faults';
import { aTenant, cwGet } from './helpers';

const TICKETS = CONNECTWISE_ENDPOINTS.tickets;

describe('TokenBucket', () => {
  it('given 600 requests per minute, when drained, then a burst of 100 passes and then one token per 100 ms', () => {
    const bucket = new TokenBucket(600, 0);
    const burst = Array.from({ length: 101 }, () => bucket.take(0));
    expect(burst.filter((result) => result.ok)).toHaveLength(100);
    expect(burst[100]).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(bucket.take(50).ok).toBe(false);
    expect(bucket.take(100).ok).toBe(true);
    expect(bucket.take(100).ok).toBe(false);
  });

  it('given a slow limit, when refused, then Retry-After is the whole seconds until the next token', () => {
    const bucket = new TokenBucket(6, 0); // one token per 10 s, burst 1
    expect(bucket.take(0).ok).toBe(true);
    expect(bucket.take(1_000)).toEqual({ ok: false, retryAfterSeconds: 9 });
  });
});

describe('FaultInjector', () => {
  it('given the same seed, when drawing, then the fault sequence repeats; another seed differs', () => {
    const options = { seed: 42, rate429: 0.2, rate500Timeout: 0.2, rate502: 0.1, rate503: 0.1 };
    const draw = (injector: FaultInjector) => Array.from({ length: 200 }, () => injector.draw('acme'));
    const first = draw(new FaultInjector(options));
    expect(draw(new FaultInjector(options))).toEqual(first);
    expect(draw(new FaultInjector({ ...options, seed: 43 }))).not.toEqual(first);
    const share = (fault: string) => first.filter((f) => f === fault).length / first.length;
    expect(share('none')).toBeGreaterThan(0.25);
    expect(share('429')).toBeGreaterThan(0.1);
    expect(share('503')).toBeGreaterThan(0.03);
  });

  it('given onlyCompanyIds, when another tenant draws, then it never gets a fault', () => {
    const injector = new FaultInjector({ rate503: 1, onlyCompanyIds: ['acme'] });
    expect(injector.draw('other')).toBe('none');
    expect(injector.draw('ACME')).toBe('503');
  });
});

describe('simulator HTTP: throttling and faults', () => {
  let sim: Simulator;
  const slow = aTenant({ companyId: 'slow', requestsPerMinute: 60 });
  const fast = aTenant();
  beforeEach(async () => {
    sim = await startSimulator({ tenants: [fast, slow] });
  });
  afterEach(() => sim.stop());

  it('given 60 requests per minute, when 12 arrive at once, then 10 pass and 2 get 429 with Retry-After and the real body', async () => {
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => cwGet(sim, `${TICKETS}?pageSize=1`, { tenant: slow })),
    );
    const refused = responses.filter((response) => response.status === 429);
    expect(responses.filter((response) => response.status === 200)).toHaveLength(10);
    expect(refused).toHaveLength(2);
    for (const response of refused) {
      const seconds = Number(response.headers.get('retry-after'));
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(response.json).toEqual({
        error: 'ConnectWiseAPI',
        message: `Too many requests. Please try again in ${seconds} seconds.`,
      });
    }
    expect(sim.maxRequestsInAnyMinute('slow')).toBe(12);
    expect((await cwGet(sim, `${TICKETS}?pageSize=1`)).status).toBe(200);
  });

  it('given rate429 = 1, when requesting, then a 429 storm with the configured Retry-After', async () => {
    sim.setFaults({ rate429: 1, retryAfterSeconds: 3 });
    const response = await cwGet(sim, TICKETS);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.json).toEqual({
      error: 'ConnectWiseAPI',
      message: 'Too many requests. Please try again in 3 seconds.',
    });
    sim.setFaults(undefined);
    expect((await cwGet(sim, TICKETS)).status).toBe(200);
  });

  it('given rate500Timeout = 1, when requesting, then 500 whose body mentions timeout', async () => {
    sim.setFaults({ rate500Timeout: 1 });
    const response = await cwGet(sim, TICKETS);
    expect(response.status).toBe(500);
    expect(response.text.toLowerCase()).toContain('timeout');
    expect(response.json).toMatchObject({ code: 'ConnectWiseApi', errors: null });
  });

  it('given rate502 / rate503 = 1, when requesting, then gateway errors without the JSON envelope', async () => {
    sim.setFaults({ rate502: 1 });
    const bad = await cwGet(sim, TICKETS);
    expect(bad.status).toBe(502);
    expect(bad.text).toContain('502 Bad Gateway');
    expect(bad.headers.get('x-cw-request-id')).toBeTruthy();
    sim.setFaults({ rate503: 1 });
    const unavailable = await cwGet(sim, TICKETS);
    expect(unavailable.status).toBe(503);
    expect(unavailable.text).toBe('');
  });

  it('given faults restricted to one tenant, when both tenants request, then only that tenant fails', async () => {
    sim.setFaults({ rate503: 1, onlyCompanyIds: ['slow'] });
    expect((await cwGet(sim, TICKETS, { tenant: slow })).status).toBe(503);
    expect((await cwGet(sim, TICKETS, { tenant: fast })).status).toBe(200);
  });

  it('given seeded faults, when the same requests are replayed, then the same statuses come back', async () => {
    const statuses = async () => {
      sim.setFaults({ seed: 9, rate429: 0.3, rate500Timeout: 0.2, rate502: 0.1 });
      const result: number[] = [];
      for (let i = 0; i < 20; i++) result.push((await cwGet(sim, `${TICKETS}?pageSize=1`)).status);
      return result;
    };
    const first = await statuses();
    expect(await statuses()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(2);
  });
});

describe('simulator HTTP: latency', () => {
  it('given base and per-record latency, when a page is fetched, then the answer waits for both', async () => {
    const sim = await startSimulator({
      tenants: [aTenant()],
      latency: { baseMs: 30, jitterMs: 10, perRecordMs: 2 },
    });
    try {
      const started = Date.now();
      const response = await cwGet(sim, `${TICKETS}?pageSize=50`);
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(125);
      const [logged] = sim.requests('acme');
      expect(logged!.endedAt - logged!.startedAt).toBeGreaterThanOrEqual(125);
    } finally {
      await sim.stop();
    }
  });
});
