import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { atLeast, atMost, below, figure } from '../figures';
import {
  coresBusy,
  listRequestsPer1000,
  log,
  succeededFigure,
  measure,
  recordsPerSecond,
  type Measurement,
} from '../measure';
import { runChild, startSimulatorProcess } from '../processes';
import type { DuckDbRun } from '../runDuckDb';
import { cpuFleet, ticketsTenant } from './singleTenant';
import type { ScenarioResult } from './types';

export interface CpuBoundResults {
  cpu?: ScenarioResult;
  incremental?: ScenarioResult;
  /** The full run, for the scaling scenario to reuse at this size. */
  full: Measurement;
}

/**
 * Scenario 2 (one tenant's tickets end to end beside DuckDB over the same records) and scenario 3 (a re-run
 * with the same state after `changedFraction` of the records changed), which starts from scenario 2's run.
 */
export async function cpuBound(
  config: { tickets: number; changedFraction: number },
  workDir: string,
  which: { cpu: boolean; incremental: boolean },
): Promise<CpuBoundResults> {
  const tenant = ticketsTenant('cpu', config.tickets);
  const simulator = await startSimulatorProcess(cpuFleet([tenant]));
  const dir = join(workDir, 'run');
  try {
    log(`scenario 2: ${config.tickets} tickets`);
    const full = await measure(simulator, [tenant], { dir });
    const results: CpuBoundResults = { full };
    const s2 = 'S2 CPU-bound';
    if (which.cpu) {
      const input = join(workDir, 'tickets.ndjson');
      const dumped = await simulator.dump(tenant.id, 'tickets', input);
      log(`scenario 2: DuckDB over ${dumped.records} records (${Math.round(dumped.bytes / 1e6)} MB NDJSON)`);
      const duckdb = await runChild<DuckDbRun>('runDuckDb.ts', {
        input,
        output: join(workDir, 'tickets.parquet'),
      });
      rmSync(input, { force: true });
      rmSync(join(workDir, 'tickets.parquet'), { force: true });
      const ours = recordsPerSecond(full);
      const theirs = duckdb.records / duckdb.seconds;
      results.cpu = {
        id: 2,
        title: 'CPU-bound',
        setup:
          `1 tenant, ${config.tickets.toLocaleString('en-US')} tickets, no latency, no throttling: fetch, raw Parquet, ` +
          `canonical versions and compaction. Reference: DuckDB read_json → COPY … TO parquet over the same records ` +
          `(${Math.round(dumped.bytes / 1e6).toLocaleString('en-US')} MB NDJSON, dumped before the timing).`,
        figures: [
          succeededFigure(s2, 'tenants succeeded', [full]),
          figure(s2, 'records/s end to end', ours, 'records/s', atLeast(25_000)),
          figure(s2, 'DuckDB records/s', theirs, 'records/s'),
          figure(s2, 'ours ÷ DuckDB', ours / theirs, '×', atLeast(0.2)),
          figure(s2, 'wall time', full.run.seconds, 's'),
          figure(s2, 'peak RSS', full.run.peakRssMb, 'MB', below(400)),
          figure(s2, 'cores busy (pipeline CPU s ÷ wall s)', coresBusy(full), ''),
          figure(s2, 'list requests per 1,000 records', listRequestsPer1000(full), '', atMost(1.05)),
          figure(s2, 'planning calls', full.requests.planningCalls, ''),
        ],
        details: { full, duckdb, ndjsonBytes: dumped.bytes },
      };
    }
    if (which.incremental) {
      const { mutated } = await simulator.mutate(config.changedFraction);
      log(`scenario 3: re-run after ${mutated} records changed`);
      const rerun = await measure(simulator, [tenant], { dir });
      const s3 = 'S3 incremental';
      const requestsOf = (m: Measurement) => m.requests.listRequests + m.requests.planningCalls;
      results.incremental = {
        id: 3,
        title: 'Incremental',
        setup:
          `After scenario 2's run (${config.tickets.toLocaleString('en-US')} tickets), ${mutated.toLocaleString('en-US')} records ` +
          `(${config.changedFraction * 100}%) change at the source; the same command runs again with the same lake and state.`,
        figures: [
          succeededFigure(s3, 'tenants succeeded', [rerun]),
          figure(s3, 'records changed', mutated, ''),
          figure(s3, 'records fetched', rerun.run.records, ''),
          figure(s3, 'list requests', rerun.requests.listRequests, ''),
          figure(
            s3,
            'fewest pages that hold them (⌈records ÷ 1,000⌉)',
            Math.ceil(rerun.run.records / 1000),
            '',
          ),
          figure(s3, 'planning calls', rerun.requests.planningCalls, ''),
          figure(s3, 'requests ÷ full run', requestsOf(rerun) / requestsOf(full), '×'),
          figure(s3, 'wall time', rerun.run.seconds, 's'),
          figure(s3, 'wall time ÷ full run', rerun.run.seconds / full.run.seconds, '×'),
        ],
        details: { full, rerun, mutated },
      };
    }
    return results;
  } finally {
    await simulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
