import { join } from 'node:path';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { readWatermark } from '../../shared/state/watermarks';
import { CONNECTWISE_ENDPOINTS, type ConnectWiseTable } from '../../sources/connectwise/endpoints';
import type { Simulator } from '../../simulator';
import { lakeContents, readLake, runJob, startFleet, temporaryDirs, type FleetTenant } from './harness';

// Contacts' first window (1,500 records) is larger than a chunk; the other tables' are not.
const FLEET: FleetTenant[] = [{ id: 'acme', sizes: { companies: 50, contacts: 1_500, tickets: 600 } }];
const planner = { targetChunkRecords: 1_000, overlapSeconds: 0 };

/** Requests per table since the log was last reset: planning calls (`/count`, id bounds) and pages alike. */
function requestsPerTable(simulator: Simulator): Record<ConnectWiseTable, number> {
  const log = simulator.requests('acme');
  const perTable = (table: ConnectWiseTable) => {
    const path = CONNECTWISE_ENDPOINTS[table];
    return log.filter((request) => request.path.endsWith(path) || request.path.endsWith(`${path}/count`))
      .length;
  };
  return {
    companies: perTable('companies'),
    contacts: perTable('contacts'),
    tickets: perTable('tickets'),
    time_entries: perTable('time_entries'),
  };
}

async function windowRecordsOf(stateDir: string, table: ConnectWiseTable) {
  const state = new LocalStateStore(join(stateDir, 'state.log'));
  try {
    return (await readWatermark(state, 'acme', 'connectwise', table))?.windowRecords;
  } finally {
    state.close();
  }
}

/** The next job starts in a later second than the changes made before it (windows close at whole seconds). */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100));

describe('probe plans: a table whose last window was small is not surveyed', () => {
  let simulator: Simulator;
  let tenants: Awaited<ReturnType<typeof startFleet>>['tenants'];
  const dirs = temporaryDirs();

  beforeAll(async () => {
    ({ simulator, tenants } = await startFleet(FLEET));
    const first = await runJob({ tenants, ...dirs, planner });
    expect(first.progress.tenants[0]!.status).toBe('succeeded');
  }, 120_000);

  afterAll(() => simulator.stop());

  it('given a sync, when a few tickets and contacts change and the tenant is synced again, then an unchanged table and a table with fewer changes than a page cost one request each, with no compaction of the unchanged one, and the lake holds the changed versions', async () => {
    const changedTickets = simulator.mutate('acme', 'tickets', 5);
    const changedContacts = simulator.mutate('acme', 'contacts', 4);
    simulator.resetRequests();
    await nextSecond();

    const second = await runJob({ tenants, ...dirs, planner });

    expect(second.progress.tenants[0]!.status).toBe('succeeded');
    // Companies and (empty) time entries: one empty page. Tickets: one page of 5. Contacts' last window held
    // 1,500 records, more than a chunk: it is surveyed as before, /count then the page.
    expect(requestsPerTable(simulator)).toEqual({ companies: 1, time_entries: 1, tickets: 1, contacts: 2 });
    const tables = Object.fromEntries(
      second.progress.tenants[0]!.tables.map((table) => [table.table, table]),
    );
    expect(tables.tickets).toMatchObject({ records: 5, chunksTotal: 1, expectedRecords: 600 });
    expect(tables.companies).toMatchObject({ records: 0, chunksTotal: 1, apiCalls: 1 });
    // Compacted: a history's current rows; not compacted (nothing changed): null.
    expect(tables.companies!.currentRows).toBeNull();
    expect(tables.tickets!.currentRows).toBe(600);
    expect(await windowRecordsOf(dirs.stateDir, 'tickets')).toBe(5);
    expect(await windowRecordsOf(dirs.stateDir, 'companies')).toBe(0);

    const latest = lakeContents((await readLake(dirs.lakeDir)).filter((row) => row.job_id === second.jobId));
    expect([...latest.keys()].sort()).toEqual(
      [
        ...changedTickets.map((id) => `acme/tickets/${id}`),
        ...changedContacts.map((id) => `acme/contacts/${id}`),
      ].sort(),
    );
    for (const id of changedTickets) {
      const current = simulator.records('acme', 'tickets').find((record) => record.id === id)!;
      expect(JSON.parse(latest.get(`acme/tickets/${id}`)!)).toEqual(current);
    }
  }, 120_000);

  it('given a table surveyed because its last window was large, when its next window follows a small one, then it is probed too', async () => {
    const changedContacts = simulator.mutate('acme', 'contacts', 3);
    simulator.resetRequests();
    await nextSecond();

    const third = await runJob({ tenants, ...dirs, planner });

    expect(third.progress.tenants[0]!.status).toBe('succeeded');
    expect(requestsPerTable(simulator)).toEqual({ companies: 1, time_entries: 1, tickets: 1, contacts: 1 });
    const contacts = third.progress.tenants[0]!.tables.find((table) => table.table === 'contacts')!;
    expect(contacts.records).toBe(changedContacts.length);
  }, 120_000);
});
