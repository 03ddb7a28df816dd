import { queryLake } from '../../local/cli/query';
import { LocalPipeline } from '../../local/pipeline';
import { parseTenantsFile } from '../../shared/config/tenantsFile';
import { silentLog } from '../../shared/ports';
import { readBackfill } from '../../shared/state/backfills';
import { readWatermark } from '../../shared/state/watermarks';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import type { Simulator } from '../../simulator';
import { join } from 'node:path';
import {
  lakeIds,
  readCanonical,
  readLake,
  runJob,
  startFleet,
  temporaryDirs,
  tenantsDocument,
} from './harness';

// A first sync of more than 1,000 records is a backfill here (50,000 by default), in chunks of up to 500.
const planner = { targetChunkRecords: 500, backfillMinRecords: 1_000, overlapSeconds: 0 };
const FLEET = [
  { id: 'onboard', sizes: { tickets: 3_000, companies: 60 } },
  { id: 'steady', sizes: { tickets: 200, companies: 20 } },
];

async function sql<T>(lakeDir: string, statement: string): Promise<T[]> {
  return JSON.parse(await queryLake({ lakeDir, sql: statement, format: 'json' })) as T[];
}

async function withState<T>(stateDir: string, read: (state: LocalStateStore) => Promise<T>): Promise<T> {
  const state = new LocalStateStore(join(stateDir, 'state.log'));
  try {
    return await read(state);
  } finally {
    state.close();
  }
}

const ticketsOf = (run: Awaited<ReturnType<typeof runJob>>, tenantId: string) =>
  run.progress.tenants
    .find((tenant) => tenant.tenantId === tenantId)!
    .tables.find((table) => table.table === 'tickets')!;

describe('backfill lane, end to end (ConnectWise simulator)', () => {
  let simulator: Simulator;
  let tenants: ReturnType<typeof parseTenantsFile>;

  beforeAll(async () => {
    ({ simulator, tenants } = await startFleet(FLEET));
  });
  afterAll(() => simulator.stop());

  it('given a first sync larger than backfillMinRecords, when run, then it is fetched in slices on the backfill lane, each record once, and the watermark is the job start', async () => {
    const dirs = temporaryDirs();
    const run = await runJob({ tenants, ...dirs, planner });

    expect(run.progress.tenants.map((tenant) => tenant.status)).toEqual(['succeeded', 'succeeded']);
    const tickets = ticketsOf(run, 'onboard');
    // Three years of tickets in 30-day slices (the simulator's data spans 2023–2025, then nothing to the job).
    expect(tickets.backfill!.slices).toBeGreaterThanOrEqual(37);
    expect(tickets.backfill).toEqual({
      slices: tickets.backfill!.slices,
      finished: tickets.backfill!.slices,
      explicit: false,
    });
    expect(tickets.records).toBe(3_000);
    // Small tables are planned as plain windows.
    expect(ticketsOf(run, 'steady').backfill).toBeNull();
    const raw = await readLake(dirs.lakeDir);
    const onboardTickets = raw.filter((row) => row.tenant_id === 'onboard' && row.table_name === 'tickets');
    expect(onboardTickets).toHaveLength(3_000);
    expect(lakeIds(onboardTickets).get('onboard/tickets')).toEqual(simulator.ids('onboard', 'tickets'));
    // Each slice's chunks went through the backfill lane's consumer.
    expect(run.stats.invocations['backfill-fetcher']).toBeGreaterThanOrEqual(tickets.chunksDone);
    await withState(dirs.stateDir, async (state) => {
      const key = { tenantId: 'onboard', source: 'connectwise', table: 'tickets' };
      expect((await readWatermark(state, 'onboard', 'connectwise', 'tickets'))!.watermark).toBe(
        run.progress.jobStartedAt,
      );
      expect((await readBackfill(state, key))!.value.status).toBe('complete');
    });
  }, 120_000);

  it('given a backfill still queued, when the next scheduled job runs beside it, then that job syncs the changes from the backfill start on the scheduled lane, and both end with every record current', async () => {
    const dirs = temporaryDirs();
    const pipeline = new LocalPipeline({ tenants, ...dirs, planner, log: silentLog });
    try {
      const backfillJob = await pipeline.startJob(['onboard']);
      const running = pipeline.runUntilIdle();
      // Once the job has planned (and recorded) its backfill, while its slices are being fetched on their lane:
      // tickets change, and the next scheduled job starts.
      const key = { tenantId: 'onboard', source: 'connectwise', table: 'tickets' };
      while (!(await readBackfill(pipeline.state, key)))
        await new Promise((resolve) => setTimeout(resolve, 5));
      const changed = simulator.mutate('onboard', 'tickets', 7);
      const hourly = await pipeline.startJob(['onboard']);
      await running;
      await pipeline.runUntilIdle();

      const first = (await pipeline.progress(backfillJob.jobId))!.tenants[0]!;
      const second = (await pipeline.progress(hourly.jobId))!.tenants[0]!;
      expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
      const secondTickets = second.tables.find((table) => table.table === 'tickets')!;
      expect(secondTickets.backfill).toBeNull();
      // The changed tickets (stamped after the backfill's start) come with the hourly job, not a second backfill.
      expect(secondTickets.records).toBeGreaterThanOrEqual(changed.length);
      expect(secondTickets.records).toBeLessThan(100);
      const summaries = await sql<{ ticket_id: number; summary: string }>(
        dirs.lakeDir,
        `SELECT ticket_id::INTEGER AS ticket_id, summary FROM tickets WHERE tenant_id = 'onboard' AND ticket_id IN (${changed.join(',')}) ORDER BY 1`,
      );
      const source = new Map(
        simulator.records('onboard', 'tickets').map((record) => [record.id, record.summary]),
      );
      expect(summaries).toEqual(
        changed.sort((a, b) => a - b).map((id) => ({ ticket_id: id, summary: source.get(id) })),
      );
      const [count] = await sql<{ n: number }>(
        dirs.lakeDir,
        `SELECT count(*)::INTEGER AS n FROM tickets WHERE tenant_id = 'onboard'`,
      );
      expect(count!.n).toBe(3_000);
      // The hourly job's window starts at the backfill's start (less the one-second resolution), not at null.
      const planned = await pipeline.state.get<{ window: { from: string | null } }>(
        `progress#${hourly.jobId}#onboard`,
        'table#connectwise#tickets',
      );
      const backfillStart = (await pipeline.progress(backfillJob.jobId))!.jobStartedAt;
      expect(planned!.value.window.from).toBe(new Date(Date.parse(backfillStart) - 1000).toISOString());
    } finally {
      pipeline.close();
    }
  }, 120_000);

  it('given a range already in the lake, when `avesa backfill` re-fetches it twice, then no current row changes, no version is added, and no watermark moves', async () => {
    const dirs = temporaryDirs();
    await runJob({ tenants, ...dirs, planner });
    const before = await readCanonical(dirs.lakeDir);
    const marks = () =>
      withState(dirs.stateDir, async (state) =>
        Promise.all(
          ['tickets', 'companies'].map((table) => readWatermark(state, 'onboard', 'connectwise', table)),
        ),
      );
    const marksBefore = await marks();
    const backfill = {
      tenantIds: ['onboard'],
      from: '2024-01-01T00:00:00Z',
      to: '2025-01-01T00:00:00Z',
      table: 'tickets',
    };

    const runs = [
      await runJob({ tenants, ...dirs, planner, backfill }),
      await runJob({ tenants, ...dirs, planner, backfill }),
    ];

    for (const run of runs) {
      expect(run.progress.tenants[0]!.status).toBe('succeeded');
      const tickets = ticketsOf(run, 'onboard');
      expect(tickets.backfill).toMatchObject({ explicit: true });
      expect(tickets.backfill!.slices).toBe(13);
      expect(tickets.records).toBeGreaterThan(0);
      // Only the table asked for.
      expect(run.progress.tenants[0]!.tables.map((table) => table.table)).toEqual(['tickets']);
    }
    const inRange = simulator.records('onboard', 'tickets').filter((record) => {
      const stamp = Date.parse(String((record._info as { lastUpdated: string }).lastUpdated));
      return stamp >= Date.parse(backfill.from) && stamp <= Date.parse(backfill.to);
    }).length;
    expect(ticketsOf(runs[0]!, 'onboard').records).toBe(inRange);
    expect(await readCanonical(dirs.lakeDir)).toEqual(before);
    expect(await marks()).toEqual(marksBefore);
  }, 120_000);

  it('given backfillFrom in the tenant settings, when the first sync runs, then only records changed since then are fetched', async () => {
    const from = '2025-06-01T00:00:00Z';
    const document = tenantsDocument([FLEET[0]!], simulator.baseUrl);
    const services = document.tenants[0]!.services as { connectwise: Record<string, unknown> };
    services.connectwise = { ...services.connectwise, backfillFrom: from };
    const dirs = temporaryDirs();

    const run = await runJob({ tenants: parseTenantsFile(document, {}), ...dirs, planner });

    expect(run.progress.tenants[0]!.status).toBe('succeeded');
    const expected = simulator
      .records('onboard', 'tickets')
      .filter(
        (record) =>
          Date.parse(String((record._info as { lastUpdated: string }).lastUpdated)) >= Date.parse(from),
      )
      .map((record) => Number(record.id))
      .sort((a, b) => a - b);
    const raw = (await readLake(dirs.lakeDir)).filter((row) => row.table_name === 'tickets');
    expect(lakeIds(raw).get('onboard/tickets')).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(3_000);
  }, 120_000);
});
