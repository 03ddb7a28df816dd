import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { atMost, figure } from '../figures';
import { log, measure, succeededFigure } from '../measure';
import { startSimulatorProcess } from '../processes';
import { cpuFleet, ticketsTenant } from './singleTenant';
import type { ScenarioResult } from './types';

/**
 * Scenario 5: small tenants' completion times (job start → tenant's JobCompleted, after compaction) beside one
 * big tenant, against the same small tenants alone.
 */
export async function fairness(
  config: { bigTickets: number; smallTenants: number; smallTickets: number },
  workDir: string,
): Promise<ScenarioResult> {
  const big = ticketsTenant('big', config.bigTickets);
  const small = Array.from({ length: config.smallTenants }, (_, index) =>
    ticketsTenant(`small-${String(index).padStart(2, '0')}`, config.smallTickets),
  );
  const simulator = await startSimulatorProcess(cpuFleet([big, ...small]));
  let alone, beside;
  try {
    log(`scenario 5: ${config.smallTenants} small tenants alone`);
    alone = await measure(simulator, small, { dir: join(workDir, 'alone') });
    log(`scenario 5: beside a ${config.bigTickets}-ticket tenant`);
    beside = await measure(simulator, [big, ...small], { dir: join(workDir, 'beside') });
  } finally {
    await simulator.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  const completion = (run: typeof alone, id: string) =>
    run.run.tenants.find((tenant) => tenant.id === id)?.completedSeconds ?? Number.NaN;
  const ratios = small.map((tenant) => completion(beside, tenant.id) / completion(alone, tenant.id));
  const s = 'S5 fairness';
  const slowest = (run: typeof alone) => Math.max(...small.map((tenant) => completion(run, tenant.id)));
  return {
    id: 5,
    title: 'Fairness',
    setup:
      `${config.smallTenants} tenants × ${config.smallTickets.toLocaleString('en-US')} tickets, alone and beside one tenant ` +
      `with ${config.bigTickets.toLocaleString('en-US')} tickets; no latency. Completion: job start → the tenant's JobCompleted.`,
    figures: [
      succeededFigure(s, 'tenants succeeded, both runs', [alone, beside]),
      figure(s, 'slowest small tenant, alone', slowest(alone), 's'),
      figure(s, 'slowest small tenant, beside the big one', slowest(beside), 's'),
      figure(s, 'big tenant completion', completion(beside, big.id), 's'),
      figure(s, 'max small-tenant completion ratio (beside ÷ alone)', Math.max(...ratios), '×', atMost(2)),
    ],
    details: { alone, beside, ratios },
  };
}
