import { CONNECTWISE_ENDPOINTS } from '../../sources/connectwise/endpoints';
import { startSimulator, type Simulator } from '../../simulator';
import { type AnyRecord, aTenant, cwGet, idsOf, lastUpdatedMs } from './helpers';

const TICKETS = CONNECTWISE_ENDPOINTS.tickets;

/**
 * A 1,000,000-ticket tenant: answers stay exact at that size. How fast it serves is measured by the benchmarks
 * (`npm run bench`, which load it with a million tickets), not asserted here: a timed test fails on a busy
 * machine for no fault of the code.
 */
describe('simulator at scale', () => {
  const tenant = aTenant({ sizes: { companies: 5_000, contacts: 10_000, tickets: 1_000_000 } });
  let sim: Simulator;
  let ids: number[];
  beforeAll(async () => {
    sim = await startSimulator({ tenants: [tenant] });
    ids = sim.ids('acme', 'tickets');
  });
  afterAll(() => sim.stop());

  it('given a million tickets, when the tenant is first used, then every id is there in ascending order', () => {
    expect(ids).toHaveLength(1_000_000);
    expect(ids.every((id, index) => index === 0 || id > ids[index - 1]!)).toBe(true);
  });

  it('given forward-only pages of 1,000 with a lastUpdated window from the middle of the table, when fetched, then each is correct', async () => {
    const window = 'lastUpdated >= [2024-06-01T00:00:00Z] AND lastUpdated < [2025-06-01T00:00:00Z]';
    let pageId = ids[500_000] as number;
    sim.resetRequests();
    for (let page = 0; page < 5; page++) {
      const response = await cwGet(
        sim,
        `${TICKETS}?pageSize=1000&pageId=${pageId}&conditions=${encodeURIComponent(window)}`,
        {
          tenant,
          headers: { 'pagination-type': 'forward-only' },
        },
      );
      const records = response.json as AnyRecord[];
      expect(records).toHaveLength(1000);
      const pageIds = idsOf(records);
      expect(pageIds[0]).toBeGreaterThan(pageId);
      expect(pageIds).toEqual([...pageIds].sort((a, b) => a - b));
      for (const record of records) {
        expect(lastUpdatedMs(record)).toBeGreaterThanOrEqual(Date.parse('2024-06-01T00:00:00Z'));
        expect(lastUpdatedMs(record)).toBeLessThan(Date.parse('2025-06-01T00:00:00Z'));
      }
      // Every record between pageId and the page's last id that is not on the page is outside the window.
      const onPage = new Set(pageIds);
      const truth = sim.records('acme', 'tickets');
      for (let i = ids.indexOf(pageId) + 1; (ids[i] as number) <= (pageIds[999] as number); i++) {
        if (onPage.has(ids[i] as number)) continue;
        const updated = lastUpdatedMs(truth[i]);
        expect(
          updated < Date.parse('2024-06-01T00:00:00Z') || updated >= Date.parse('2025-06-01T00:00:00Z'),
        ).toBe(true);
      }
      pageId = pageIds[999] as number;
    }
  });

  it('given an id range as a chunk planner sends it, when counted and listed, then the binary-searched range is exact', async () => {
    const [low, high] = [ids[123_456] as number, ids[124_456] as number];
    const conditions = encodeURIComponent(`id >= ${low} AND id < ${high}`);
    const count = await cwGet(sim, `${TICKETS}/count?conditions=${conditions}`, { tenant });
    expect(count.json).toEqual({ count: 1000 });
    const list = await cwGet(sim, `${TICKETS}?pageSize=1000&conditions=${conditions}`, { tenant });
    expect(idsOf(list.json as AnyRecord[])).toEqual(ids.slice(123_456, 124_456));
  });
});
