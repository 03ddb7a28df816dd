import {
  lakeContents,
  lakeIds,
  readLake,
  runJob,
  sourceIds,
  startFleet,
  temporaryDirs,
  type FleetTenant,
} from './harness';

const FLEET: FleetTenant[] = [
  {
    id: 'alpha',
    sizes: { companies: 120, contacts: 300, tickets: 3_000, time_entries: 1_200 },
    requestsPerMinute: 300,
    maxConcurrentRequests: 2,
  },
  { id: 'beta', sizes: { companies: 40, tickets: 900 }, requestsPerMinute: 300, maxConcurrentRequests: 2 },
];
const planner = { targetChunkRecords: 1_000, overlapSeconds: 0 };
/** Fast client retries so injected 5xx cost milliseconds, not seconds. */
const client = { retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 40 } };

/** The fault-free lake every scenario must reproduce exactly. */
async function referenceLake() {
  const { simulator, tenants } = await startFleet(FLEET);
  const dirs = temporaryDirs();
  try {
    const run = await runJob({ tenants, lakeDir: dirs.lakeDir, stateDir: dirs.stateDir, planner, client });
    expect(run.progress.tenants.every((tenant) => tenant.status === 'succeeded')).toBe(true);
    return lakeContents(await readLake(dirs.lakeDir));
  } finally {
    await simulator.stop();
  }
}

describe('resilience of a local run', () => {
  let reference: Map<string, string>;
  beforeAll(async () => {
    reference = await referenceLake();
  }, 120_000);

  it('given a 429 storm and injected 5xx, when synced, then the lake is identical and no tenant ever exceeds its request budget', async () => {
    const { simulator, tenants } = await startFleet(FLEET, {
      faults: {
        seed: 7,
        rate429: 0.2,
        retryAfterSeconds: 1,
        rate500Timeout: 0.05,
        rate502: 0.03,
        rate503: 0.03,
      },
      latency: { baseMs: 5, jitterMs: 10, perRecordMs: 0 },
    });
    const dirs = temporaryDirs();
    try {
      const run = await runJob({ tenants, lakeDir: dirs.lakeDir, stateDir: dirs.stateDir, planner, client });

      expect(run.progress.tenants.map((tenant) => tenant.status)).toEqual(['succeeded', 'succeeded']);
      const statuses = new Set(simulator.requests().map((request) => request.status));
      expect(statuses).toContain(429);
      expect([...statuses].some((status) => status >= 500)).toBe(true);
      const rows = await readLake(dirs.lakeDir);
      expect(rows.length).toBe(reference.size);
      expect(lakeContents(rows)).toEqual(reference);
      for (const tenant of FLEET) {
        expect(simulator.maxConcurrent(tenant.id)).toBeLessThanOrEqual(tenant.maxConcurrentRequests!);
        expect(simulator.maxRequestsInAnyMinute(tenant.id)).toBeLessThanOrEqual(tenant.requestsPerMinute!);
      }
    } finally {
      await simulator.stop();
    }
  }, 180_000);

  it('given many records sharing one lastUpdated second across a chunk boundary and on the watermark, when synced twice, then all are fetched', async () => {
    const fleet: FleetTenant[] = [{ id: 'gamma', sizes: { tickets: 2_500 } }];
    const { simulator, tenants } = await startFleet(fleet);
    const dirs = temporaryDirs();
    try {
      const ids = simulator.records('gamma', 'tickets').map((record) => record.id as number);
      // 600 records around the boundary between the first two chunks (target 1,000) share one second.
      simulator.setLastUpdated('gamma', 'tickets', ids.slice(700, 1300), '2025-06-01T08:00:00Z');
      const first = await runJob({ tenants, lakeDir: dirs.lakeDir, stateDir: dirs.stateDir, planner });
      expect(
        first.progress.tenants[0]!.tables.find((table) => table.table === 'tickets')!.chunksTotal,
      ).toBeGreaterThan(1);
      expect(lakeIds(await readLake(dirs.lakeDir)).get('gamma/tickets')).toEqual(ids);

      // Records changed in the very second the first job's window closed, after it read them.
      const watermark = first.progress.jobStartedAt;
      simulator.setLastUpdated('gamma', 'tickets', ids.slice(0, 5), watermark);
      const second = await runJob({ tenants, lakeDir: dirs.lakeDir, stateDir: dirs.stateDir, planner });

      const rows = await readLake(dirs.lakeDir);
      const inSecondJob = rows
        .filter((row) => row.job_id === second.jobId)
        .map((row) => row.id)
        .sort((a, b) => a - b);
      expect(inSecondJob).toEqual(ids.slice(0, 5));
      expect(sourceIds(simulator, fleet).get('gamma/tickets')).toEqual(ids);
    } finally {
      await simulator.stop();
    }
  }, 120_000);
});
