import { startSalesforceSimulator, type SalesforceSimulator } from '../../../simulator';
import { anOrg, eventually, login, soql } from './helpers';

const globex = anOrg({ name: 'globex', clientId: 'globex-client' });

describe('Salesforce simulator: injected faults (shared core)', () => {
  let sim: SalesforceSimulator;
  let token: string;
  beforeEach(async () => {
    sim = await startSalesforceSimulator({ orgs: [anOrg(), globex] });
    token = await login(sim);
  });
  afterEach(() => sim.stop());

  const query = () => soql(sim, token, 'SELECT Id, Subject FROM Case LIMIT 20');

  it('given rate429 = 1, when querying, then 429 with Retry-After, a JSON array body and the usage header; clearing faults recovers', async () => {
    sim.setFaults({ rate429: 1, retryAfterSeconds: 7 });
    const response = await query();
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('sforce-limit-info')).toBe('api-usage=1/15000');
    expect(response.json).toEqual([
      { message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    sim.setFaults(undefined);
    expect((await query()).status).toBe(200);
    expect(sim.requests('acme').map((request) => request.fault)).toEqual([undefined, '429', undefined]);
  });

  it('given 500, 502 and 503 faults, when querying, then an UNKNOWN_EXCEPTION array, an HTML gateway page and SERVER_UNAVAILABLE', async () => {
    sim.setFaults({ rate500Timeout: 1 });
    const timeout = await query();
    expect([timeout.status, timeout.json![0].errorCode]).toEqual([500, 'UNKNOWN_EXCEPTION']);
    expect(timeout.json![0].message).toContain('timeout');
    sim.setFaults({ rate502: 1 });
    const gateway = await query();
    expect(gateway.status).toBe(502);
    expect(gateway.headers.get('content-type')).toContain('text/html');
    expect(gateway.headers.get('sforce-limit-info')).toBeNull();
    sim.setFaults({ rate503: 1 });
    const unavailable = await query();
    expect([unavailable.status, unavailable.json]).toEqual([
      503,
      [{ message: 'Server temporarily unavailable', errorCode: 'SERVER_UNAVAILABLE' }],
    ]);
  });

  it('given body faults, when a page is fetched, then truncated, malformed and non-page bodies arrive with status 200', async () => {
    sim.setFaults({ rateTruncated: 1 });
    const truncated = await query();
    expect(truncated.status).toBe(200);
    expect(truncated.text.startsWith('{"totalSize":20,"done":true,"records":[')).toBe(true);
    expect(truncated.json).toBeUndefined();
    sim.setFaults({ rateMalformed: 1 });
    const malformed = await query();
    expect([malformed.status, malformed.json]).toEqual([200, undefined]);
    expect(malformed.text).toContain('<html>');
    sim.setFaults({ rateNotArray: 1 });
    expect((await query()).json).toEqual({});
  });

  it('given rateReset = 1, when querying, then the connection dies mid-body and the log records the reset', async () => {
    sim.setFaults({ rateReset: 1 });
    await expect(query()).rejects.toThrow();
    await eventually(() => sim.requests('acme').some((request) => request.fault === 'reset'));
  });

  it('given rateSlow = 1 with slowMs, when querying, then the answer still arrives whole and is logged as slow', async () => {
    sim.setFaults({ rateSlow: 1, slowMs: 20 });
    const response = await query();
    expect(response.json!.records).toHaveLength(20);
    expect(sim.requests('acme').at(-1)!.fault).toBe('slow');
  });

  it('given faults only for globex, when acme queries, then acme is unaffected', async () => {
    sim.setFaults({ rate503: 1, onlyCompanyIds: ['globex'] });
    expect((await query()).status).toBe(200);
    const other = await soql(sim, await login(sim, globex), 'SELECT Id FROM Case LIMIT 1');
    expect(other.status).toBe(503);
  });

  it('given keyed faults and the same seed, when the same requests run on two simulators, then they meet the same faults', async () => {
    const run = async (target: SalesforceSimulator) => {
      target.setFaults({ rate503: 0.5, keyedByRequest: true, seed: 42 });
      const session = await login(target);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push(
          (
            await soql(
              target,
              session,
              `SELECT Id FROM Case WHERE CreatedDate > 2024-01-0${(i % 9) + 1}T00:00:00Z LIMIT ${i + 1}`,
            )
          ).status,
        );
      }
      return statuses;
    };
    const twin = await startSalesforceSimulator({ orgs: [anOrg(), globex] });
    try {
      const first = await run(sim);
      expect(first).toEqual(await run(twin));
      expect(first).toEqual(expect.arrayContaining([200, 503]));
    } finally {
      await twin.stop();
    }
  });
});
