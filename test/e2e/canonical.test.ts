import { queryLake } from '../../local/cli/query';
import type { Simulator } from '../../simulator';
import { runJob, startFleet, temporaryDirs, type FleetTenant } from './harness';

const FLEET: FleetTenant[] = [
  { id: 'omega', sizes: { companies: 60, contacts: 150, tickets: 1_200, time_entries: 900 } },
  { id: 'sigma', sizes: { companies: 20, tickets: 300 } },
];
const planner = { targetChunkRecords: 500, overlapSeconds: 0 };

async function sql<T>(lakeDir: string, statement: string, tenantId?: string): Promise<T[]> {
  return JSON.parse(
    await queryLake({ lakeDir, sql: statement, format: 'json', ...(tenantId ? { tenantId } : {}) }),
  ) as T[];
}

describe('canonical model with SCD2 history, end to end', () => {
  let simulator: Simulator;
  const dirs = temporaryDirs();
  let changed: number[] = [];
  let secondJobStart = '';

  beforeAll(async () => {
    let tenants;
    ({ simulator, tenants } = await startFleet(FLEET));
    const first = await runJob({ tenants, lakeDir: dirs.lakeDir, stateDir: dirs.stateDir, planner });
    expect(first.progress.tenants.every((tenant) => tenant.status === 'succeeded')).toBe(true);
    changed = simulator.mutate('omega', 'tickets', 12);
    const second = await runJob({ tenants, lakeDir: dirs.lakeDir, stateDir: dirs.stateDir, planner });
    expect(second.progress.tenants.every((tenant) => tenant.status === 'succeeded')).toBe(true);
    secondJobStart = second.progress.jobStartedAt;
  }, 120_000);

  afterAll(() => simulator.stop());

  it('given two runs, when the current views are counted, then they equal the simulator record counts per tenant and table, less the companies ConnectWise marks deleted', async () => {
    for (const tenant of FLEET) {
      for (const [table, size] of Object.entries(tenant.sizes)) {
        const [row] = await sql<{ n: number }>(
          dirs.lakeDir,
          `SELECT count(*)::INTEGER AS n FROM ${table} WHERE tenant_id = '${tenant.id}'`,
        );
        // A company with deletedFlag is a tombstone (mappings/connectwise/companies.json deletedWhen).
        const deleted =
          table === 'companies'
            ? simulator.records(tenant.id, 'companies').filter((record) => record.deletedFlag === true).length
            : 0;
        expect({ tenant: tenant.id, table, n: row!.n }).toEqual({
          tenant: tenant.id,
          table,
          n: size - deleted,
        });
      }
    }
  });

  it('given tickets changed between runs, when their history is queried, then each has two versions and the earlier one closes at the change time', async () => {
    const history = await sql<{
      ticket_id: number;
      summary: string;
      valid_from: string;
      valid_to: string | null;
      is_current: boolean;
    }>(
      dirs.lakeDir,
      `SELECT ticket_id, summary, valid_from::VARCHAR AS valid_from, valid_to::VARCHAR AS valid_to, is_current
       FROM tickets_history WHERE ticket_id IN (${changed.join(', ')}) ORDER BY ticket_id, valid_from`,
      'omega',
    );
    expect(history).toHaveLength(changed.length * 2);
    for (const id of changed) {
      const [earlier, later] = history.filter((row) => Number(row.ticket_id) === id);
      const source = simulator.records('omega', 'tickets').find((record) => record.id === id) as {
        summary: string;
        _info: { lastUpdated: string };
      };
      expect(earlier!.is_current).toBe(false);
      expect(later).toMatchObject({ is_current: true, valid_to: null, summary: source.summary });
      expect(earlier!.valid_to).toBe(later!.valid_from);
      expect(Date.parse(later!.valid_from.replace(' ', 'T').replace(/\+00$/, 'Z'))).toBe(
        Date.parse(source._info.lastUpdated),
      );
      expect(Date.parse(later!.valid_from.replace(' ', 'T').replace(/\+00$/, 'Z'))).toBeLessThanOrEqual(
        Date.parse(secondJobStart),
      );
    }
  });

  it('given the history views, then every record has exactly one current row and no unchanged record got a second version', async () => {
    const [counts] = await sql<{ keys: number; current: number; versions: number }>(
      dirs.lakeDir,
      `SELECT count(DISTINCT (tenant_id, source_id))::INTEGER AS keys, count(*) FILTER (WHERE is_current)::INTEGER AS current, count(*)::INTEGER AS versions FROM tickets_history`,
    );
    expect(counts).toEqual({ keys: 1_500, current: 1_500, versions: 1_500 + changed.length });
  });

  it('given --tenant, when querying, then only that tenant is visible', async () => {
    const tenants = await sql<{ tenant_id: string }>(
      dirs.lakeDir,
      'SELECT DISTINCT tenant_id FROM companies',
      'sigma',
    );
    expect(tenants).toEqual([{ tenant_id: 'sigma' }]);
  });
});
