import { join } from 'node:path';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { queryLake } from '../../local/cli/query';
import { parseTenantsFile } from '../../shared/config/tenantsFile';
import { startSalesforceSimulator, startServiceNowSimulator, type Simulator } from '../../simulator';
import { runJob, startFleet, temporaryDirs, tenantsDocument } from './harness';

const planner = { targetChunkRecords: 1_000, overlapSeconds: 0 };

async function sql<T>(lakeDir: string, statement: string): Promise<T[]> {
  return JSON.parse(await queryLake({ lakeDir, sql: statement, format: 'json' })) as T[];
}

const currentIds = async (lakeDir: string, table = 'tickets', column = 'ticket_id') =>
  (
    await sql<{ id: string }>(lakeDir, `SELECT ${column}::VARCHAR AS id FROM ${table} ORDER BY ${column}`)
  ).map((row) => row.id);

/** A ConnectWise tenant swept at every sync, listing keys in pages of 100 (so a listing spans pages). */
async function connectWiseTenant() {
  const fleet = [{ id: 'acme', sizes: { tickets: 450, companies: 40 } }];
  const { simulator, tenants: plain } = await startFleet(fleet);
  const document = tenantsDocument(fleet, simulator.baseUrl);
  const services = document.tenants[0]!.services as { connectwise: Record<string, unknown> };
  services.connectwise = {
    ...services.connectwise,
    tables: ['tickets', 'companies'],
    pageSize: 100,
    deletes: { sweepEveryHours: 0 },
  };
  expect(plain.tenants).toHaveLength(1);
  return { simulator, tenants: parseTenantsFile(document, {}) };
}

const ticketsOf = (run: Awaited<ReturnType<typeof runJob>>) =>
  run.progress.tenants[0]!.tables.find((table) => table.table === 'tickets')!;

describe('id reconcile (deletes without a delete signal)', () => {
  let simulator: Simulator | undefined;
  afterEach(async () => {
    await simulator?.stop();
    simulator = undefined;
  });

  it('given tickets hard-deleted at ConnectWise, when the next sync sweeps, then an id reconcile finds them: they leave the current views, closed at the listing', async () => {
    let tenants;
    ({ simulator, tenants } = await connectWiseTenant());
    const dirs = temporaryDirs();
    await runJob({ tenants, ...dirs, planner });
    const ids = simulator.ids('acme', 'tickets').map(String);
    const gone = [ids[3]!, ids[200]!, ids[449]!];
    simulator.deleteRecords('acme', 'tickets', gone.map(Number));

    const swept = await runJob({ tenants, ...dirs, planner });

    expect(swept.progress.tenants[0]!.status).toBe('succeeded');
    expect(ticketsOf(swept).deleted).toBe(3);
    expect(await currentIds(dirs.lakeDir)).toEqual(ids.filter((id) => !gone.includes(id)).sort());
    const closed = await sql<{ id: string; at_deletion: boolean }>(
      dirs.lakeDir,
      `SELECT ticket_id::VARCHAR AS id, valid_to = deleted_at AS at_deletion FROM tickets_history
       WHERE deleted_at IS NOT NULL ORDER BY 1`,
    );
    expect(closed).toEqual([...gone].sort().map((id) => ({ id, at_deletion: true })));
    // The listing is `fields=id` forward-only pages of every ticket, plus one /count.
    const listing = simulator
      .requests('acme')
      .filter((request) => request.path.endsWith('/service/tickets') && request.query.fields === 'id');
    expect(listing.length).toBeGreaterThanOrEqual(5);
    // A second sweep finds nothing more, and nothing comes back.
    const again = await runJob({ tenants, ...dirs, planner });
    expect(ticketsOf(again).deleted).toBe(0);
    expect(await currentIds(dirs.lakeDir)).toEqual(ids.filter((id) => !gone.includes(id)).sort());
  }, 120_000);

  it('given a listing that breaks off half-way, then nothing is deleted and the deletes mark stays; the next sweep deletes them', async () => {
    let tenants;
    ({ simulator, tenants } = await connectWiseTenant());
    const dirs = temporaryDirs();
    await runJob({ tenants, ...dirs, planner });
    const ids = simulator.ids('acme', 'tickets').map(String);
    const gone = [ids[10]!, ids[300]!];
    simulator.deleteRecords('acme', 'tickets', gone.map(Number));
    const mark = async () => {
      const state = new LocalStateStore(join(dirs.stateDir, 'state.log'));
      try {
        return (await state.get<{ watermark: string }>('deletes#acme', 'connectwise#tickets'))?.value
          .watermark;
      } finally {
        state.close();
      }
    };
    const markBefore = await mark();
    // After the listing's first page every answer is garbage: the listing cannot finish.
    simulator.onRequest((request) => {
      if (
        request.query.fields === 'id' &&
        request.path.endsWith('/service/tickets') &&
        request.status === 200
      )
        simulator!.setFaults({ rateMalformed: 1, onlyCompanyIds: ['acme'] });
    });

    const broken = await runJob({ tenants, ...dirs, planner, fetcher: { maxRetries: 0 } });

    simulator.onRequest(undefined);
    simulator.setFaults(undefined);
    expect(ticketsOf(broken).status).toBe('failed');
    expect(await currentIds(dirs.lakeDir)).toEqual([...ids].sort());
    expect(await mark()).toBe(markBefore);

    const fixed = await runJob({ tenants, ...dirs, planner });
    expect(ticketsOf(fixed).status).toBe('synced');
    expect(ticketsOf(fixed).deleted).toBe(2);
    expect(await currentIds(dirs.lakeDir)).toEqual(ids.filter((id) => !gone.includes(id)).sort());
  }, 120_000);

  it('given a record deleted while the listing runs (the listing and the count disagree), then the reconcile is not trusted and deletes nothing; the next one does', async () => {
    let tenants;
    ({ simulator, tenants } = await connectWiseTenant());
    const dirs = temporaryDirs();
    await runJob({ tenants, ...dirs, planner });
    const ids = simulator.ids('acme', 'tickets').map(String);
    simulator.deleteRecords('acme', 'tickets', [Number(ids[5])]);
    let raced = false;
    simulator.onRequest((request) => {
      // Between the listing's first and second page, a ticket a later page would have listed is deleted.
      if (!raced && request.query.fields === 'id' && request.path.endsWith('/service/tickets')) {
        raced = true;
        simulator!.deleteRecords('acme', 'tickets', [Number(ids[400])]);
      }
    });

    const racing = await runJob({ tenants, ...dirs, planner });

    simulator.onRequest(undefined);
    expect(raced).toBe(true);
    expect(ticketsOf(racing).status).toBe('synced');
    expect(ticketsOf(racing).deleted).toBe(0);
    expect(await currentIds(dirs.lakeDir)).toEqual([...ids].sort());

    const settled = await runJob({ tenants, ...dirs, planner });
    expect(ticketsOf(settled).deleted).toBe(2);
    expect(await currentIds(dirs.lakeDir)).toEqual(
      ids.filter((id) => id !== ids[5] && id !== ids[400]).sort(),
    );
  }, 120_000);

  it('given a ServiceNow user that cannot read sys_audit_delete, when a sweep runs, then it falls back to an id reconcile and the deleted incidents leave the current views', async () => {
    const serviceNow = await startServiceNowSimulator({
      instances: [
        {
          name: 'acme',
          username: 'acme.sn',
          password: 'sn-pw',
          sizes: { incident: 500, customer_account: 20 },
          auditReadable: false,
        },
      ],
    });
    try {
      const tenants = parseTenantsFile(
        {
          tenants: [
            {
              id: 'acme',
              services: {
                servicenow: {
                  instanceUrl: serviceNow.instanceUrl,
                  username: 'acme.sn',
                  password: 'sn-pw',
                  tables: ['tickets', 'companies'],
                },
              },
            },
          ],
        },
        {},
      );
      const dirs = temporaryDirs();
      await runJob({ tenants, ...dirs, planner });
      const ids = serviceNow.ids('acme', 'incident');
      const gone = [ids[0]!, ids[250]!];
      serviceNow.deleteRecords('acme', 'incident', gone);

      const swept = await runJob({ tenants, ...dirs, planner, sweepDeletes: true });

      expect(swept.progress.tenants[0]!.tables.map((table) => table.status)).toEqual(['synced', 'synced']);
      expect(ticketsOf(swept).deleted).toBe(2);
      expect(await currentIds(dirs.lakeDir)).toEqual(ids.filter((id) => !gone.includes(id)).sort());
      const audit = serviceNow
        .requests('acme')
        .filter((request) => request.path.includes('sys_audit_delete'));
      expect(audit.length).toBeGreaterThan(0);
      expect(audit.every((request) => request.status === 403)).toBe(true);
    } finally {
      await serviceNow.stop();
    }
  }, 120_000);

  it('given Salesforce deletes last known more than 15 days ago (past getDeleted), when a sweep runs, then the org is reconciled by Id instead', async () => {
    const salesforce = await startSalesforceSimulator({
      orgs: [{ name: 'hooli', clientId: 'hooli-app', clientSecret: 'hooli-secret', sizes: { Case: 300 } }],
    });
    try {
      const tenants = parseTenantsFile(
        {
          tenants: [
            {
              id: 'hooli',
              services: {
                salesforce: {
                  loginUrl: salesforce.instanceUrl,
                  clientId: 'hooli-app',
                  clientSecret: 'hooli-secret',
                  tables: ['tickets'],
                },
              },
            },
          ],
        },
        {},
      );
      const dirs = temporaryDirs();
      await runJob({ tenants, ...dirs, planner });
      const state = new LocalStateStore(join(dirs.stateDir, 'state.log'));
      const known = (await state.get<{ watermark: string }>('deletes#hooli', 'salesforce#tickets'))!;
      await state.putIfVersion(
        'deletes#hooli',
        'salesforce#tickets',
        { ...known.value, watermark: new Date(Date.now() - 20 * 86_400_000).toISOString() },
        known.version,
      );
      state.close();
      const ids = salesforce.ids('hooli', 'Case');
      const purged = [ids[1]!, ids[299]!];
      salesforce.purgeRecords('hooli', 'Case', purged);

      const swept = await runJob({ tenants, ...dirs, planner, sweepDeletes: true });

      expect(swept.progress.tenants[0]!.status).toBe('succeeded');
      expect(ticketsOf(swept).deleted).toBe(2);
      expect(await currentIds(dirs.lakeDir)).toEqual(ids.filter((id) => !purged.includes(id)).sort());
      expect(salesforce.requests('hooli').filter((request) => request.path.endsWith('/deleted/'))).toEqual(
        [],
      );
    } finally {
      await salesforce.stop();
    }
  }, 120_000);
});
