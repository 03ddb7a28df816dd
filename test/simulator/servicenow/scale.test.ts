import { startServiceNowSimulator, type ServiceNowSimulator } from '../../../simulator';
import { anInstance, sysIdsOf, tableGet } from './helpers';

describe('ServiceNow simulator at 100,000 incidents', () => {
  let sim: ServiceNowSimulator;
  beforeAll(async () => {
    sim = await startServiceNowSimulator({
      instances: [
        anInstance({ sizes: { customer_account: 500, customer_contact: 5_000, incident: 100_000 } }),
      ],
    });
  });
  afterAll(() => sim.stop());

  it('given 100,000 incidents, when a keyset backfill reads sys_ids 5,000 at a time, then it returns each exactly once', async () => {
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const response = await tableGet(sim, 'incident', {
        sysparm_query: `${after ? `sys_id>${after}^` : ''}ORDERBYsys_id`,
        sysparm_fields: 'sys_id',
        sysparm_limit: 5_000,
        sysparm_no_count: 'true',
      });
      const page = sysIdsOf(response.json!.result);
      if (page.length === 0) break;
      seen.push(...page);
      after = page[page.length - 1]!;
    }
    expect(seen).toHaveLength(100_000);
    expect(seen).toEqual(sim.ids('acme', 'incident'));
  });

  it('given 100,000 incidents, when a full page of 10,000 records in a window is requested, then it is served with its total', async () => {
    const response = await tableGet(sim, 'incident', {
      sysparm_query: 'sys_updated_on>=2024-06-01 00:00:00^ORDERBYsys_updated_on^ORDERBYsys_id',
    });
    expect(response.json!.result).toHaveLength(10_000);
    const total = Number(response.headers.get('x-total-count'));
    expect(total).toBeGreaterThan(30_000);
    expect(total).toBeLessThan(100_000);
    const times = (response.json!.result as { sys_updated_on: string }[]).map(
      (record) => record.sys_updated_on,
    );
    expect(times).toEqual([...times].sort());
  });
});
