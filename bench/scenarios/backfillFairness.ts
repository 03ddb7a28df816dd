import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { atLeast, atMost, figure } from '../figures';
import { log, measure, succeededFigure } from '../measure';
import { startSimulatorProcess } from '../processes';
import { cpuFleet, ticketsTenant } from './singleTenant';
import type { ScenarioResult } from './types';

/**
 * Scenario 8 (issue 14): small tenants' hourly incremental syncs while one tenant backfills its history on the
 * backfill lane, against the same incremental syncs alone. The small tenants are synced once first; before each
 * measured run a share of every table changes. The backfill's tenant is new (its first sync is the backfill), and
 * the small tenants' job starts once the backfill is under way.
 */
export async function backfillFairness(
  config: {
    backfillTickets: number;
    smallTenants: number;
    smallTickets: number;
    changedFraction: number;
    /** Seconds after the backfill's job starts that the hourly job starts (the backfill is fetching by then). */
    hourlyAfterSeconds: number;
  },
  workDir: string,
): Promise<ScenarioResult> {
  const big = ticketsTenant('onboarding', config.backfillTickets);
  const small = Array.from({ length: config.smallTenants }, (_, index) =>
    ticketsTenant(`hourly-${String(index).padStart(2, '0')}`, config.smallTickets),
  );
  const smallIds = small.map((tenant) => tenant.id);
  const simulator = await startSimulatorProcess(cpuFleet([big, ...small]));
  const dir = join(workDir, 'lake-and-state');
  let alone, beside, lake;
  try {
    log(`scenario 8: first sync of ${config.smallTenants} small tenants`);
    await measure(simulator, small, { dir });
    await simulator.mutate(config.changedFraction);
    log('scenario 8: their incremental sync alone');
    alone = await measure(simulator, small, { dir });
    await simulator.mutate(config.changedFraction);
    log(`scenario 8: their incremental sync beside a ${config.backfillTickets}-ticket backfill`);
    beside = await measure(simulator, [big, ...small], {
      dir,
      jobs: [
        { tenantIds: [big.id], afterSeconds: 0 },
        { tenantIds: smallIds, afterSeconds: config.hourlyAfterSeconds },
      ],
    });
    lake = await rawTickets(join(dir, 'lake'), big.id);
  } finally {
    await simulator.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  const completion = (run: typeof alone, id: string) =>
    run.run.tenants.find((tenant) => tenant.id === id)?.completedSeconds ?? Number.NaN;
  const ratios = small.map((tenant) => completion(beside, tenant.id) / completion(alone, tenant.id));
  const slowest = (run: typeof alone) => Math.max(...small.map((tenant) => completion(run, tenant.id)));
  // Identical tenants finish in an arbitrary order (their compactions run one at a time, in the order the fair
  // queue hands them out), so the k-th to finish beside the backfill is also compared with the k-th alone.
  const ranked = (run: typeof alone) =>
    small.map((tenant) => completion(run, tenant.id)).sort((a, b) => a - b);
  const rankRatios = ranked(beside).map((seconds, index) => seconds / ranked(alone)[index]!);
  const backfill = beside.run.tenants.find((tenant) => tenant.id === big.id);
  const s = 'S8 backfill fairness';
  return {
    id: 8,
    title: 'Backfill beside hourly syncs',
    setup:
      `${config.smallTenants} tenants × ${config.smallTickets.toLocaleString('en-US')} tickets on their incremental sync ` +
      `(${config.changedFraction * 100}% changed), alone and started ${config.hourlyAfterSeconds} s into a new tenant's ` +
      `${config.backfillTickets.toLocaleString('en-US')}-ticket backfill (30-day slices on the backfill lane); no latency. ` +
      "Completion: the small tenants' job start → the tenant's JobCompleted.",
    figures: [
      succeededFigure(s, 'tenants succeeded, both runs', [alone, beside]),
      figure(s, 'slowest small tenant, alone', slowest(alone), 's'),
      figure(s, 'slowest small tenant, beside the backfill', slowest(beside), 's'),
      figure(s, 'max small-tenant completion ratio (beside ÷ alone)', Math.max(...ratios), '×', atMost(1.5)),
      figure(s, 'max ratio of the k-th to finish (beside ÷ alone)', Math.max(...rankRatios), '×'),
      figure(s, 'backfill completion', backfill?.completedSeconds ?? Number.NaN, 's'),
      figure(
        s,
        'backfill slices finished',
        backfill?.backfillSlices?.finished ?? 0,
        `of ${backfill?.backfillSlices?.planned ?? 0}`,
        atLeast(backfill?.backfillSlices?.planned ?? 1),
      ),
      figure(s, 'backfilled records in the raw lake', lake.rows, '', atLeast(config.backfillTickets)),
      figure(s, 'of them distinct (each record exactly once)', lake.distinct, '', atLeast(lake.rows)),
    ],
    details: { alone, beside, ratios, rankRatios, lake },
  };
}

/** Rows and distinct ids of a tenant's raw tickets: equal when every record arrived exactly once. */
async function rawTickets(lakeDir: string, tenantId: string): Promise<{ rows: number; distinct: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS d
       FROM read_parquet('${lakeDir}/${tenantId}/raw/connectwise/tickets/**/*.parquet')`,
    );
    const [row] = reader.getRowObjectsJS() as Array<{ n: number; d: number }>;
    return { rows: row!.n, distinct: row!.d };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
