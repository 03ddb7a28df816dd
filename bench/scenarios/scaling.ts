import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { atMost, below, figure } from '../figures';
import { log, measure, succeededFigure, recordsPerSecond, type Measurement } from '../measure';
import { startSimulatorProcess } from '../processes';
import { cpuFleet, ticketsTenant } from './singleTenant';
import type { ScenarioResult } from './types';

/** "Flat": the largest size's peak RSS at most this many times the one before it. */
export const FLAT_RSS_RATIO = 1.25;

/** Scenario 4: one tenant's tickets at each size; runs already made at a size (scenario 2's) are reused. */
export async function scaling(
  sizes: number[],
  workDir: string,
  done: ReadonlyMap<number, Measurement>,
): Promise<ScenarioResult> {
  const s = 'S4 scaling';
  const runs: Array<{ tickets: number; measurement: Measurement }> = [];
  for (const tickets of sizes) {
    let measurement = done.get(tickets);
    if (!measurement) {
      const tenant = ticketsTenant('scale', tickets);
      const simulator = await startSimulatorProcess(cpuFleet([tenant]));
      const dir = join(workDir, String(tickets));
      try {
        log(`scenario 4: ${tickets} tickets`);
        measurement = await measure(simulator, [tenant], { dir });
      } finally {
        await simulator.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    runs.push({ tickets, measurement });
  }
  const label = (tickets: number) => tickets.toLocaleString('en-US');
  const [previous, last] = runs.slice(-2);
  return {
    id: 4,
    title: 'Scaling',
    setup: `1 tenant's tickets at ${sizes.map(label).join(', ')} records, no latency, each in a fresh pipeline process.`,
    figures: [
      succeededFigure(
        s,
        'tenants succeeded, all sizes',
        runs.map((run) => run.measurement),
      ),
      ...runs.flatMap(({ tickets, measurement }) => [
        figure(s, `records/s at ${label(tickets)}`, recordsPerSecond(measurement), 'records/s'),
        figure(s, `peak RSS at ${label(tickets)}`, measurement.run.peakRssMb, 'MB', below(400)),
      ]),
      figure(
        s,
        `flatness: RSS(${label(last!.tickets)}) ÷ RSS(${label(previous!.tickets)})`,
        last!.measurement.run.peakRssMb / previous!.measurement.run.peakRssMb,
        '×',
        atMost(FLAT_RSS_RATIO, '"flat"'),
      ),
    ],
    details: { runs },
  };
}
