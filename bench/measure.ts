import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { atLeast, figure, type Figure } from './figures';
import type { ConsumerService } from '../shared/events/routing';
import { tenantsDocument, type BenchTenant } from './fleet';
import { runChild, type SimulatorProcess } from './processes';
import type { RequestCounts } from './requestCounts';
import type { PipelineRun, PipelineRunSpec } from './runPipeline';

/** Runs whose tenants did not all succeed, in this process: the suite reports them and exits non-zero. */
export const failures: string[] = [];

export interface Measurement {
  run: PipelineRun;
  requests: RequestCounts;
}

export interface RunOptions {
  /** Lake and state live in `dir`; a second run with the same `dir` is incremental. */
  dir: string;
  concurrency?: Partial<Record<ConsumerService, number>>;
  /** Caps every tenant's maxConcurrentRequests (the sequential baseline sets 1). */
  maxConcurrentRequests?: number;
  /** Jobs started one after another in the same runtime (see PipelineRunSpec.jobs). */
  jobs?: PipelineRunSpec['jobs'];
}

/** Runs one job of `tenants` in a pipeline process of its own and counts the requests the simulator saw. */
export async function measure(
  simulator: SimulatorProcess,
  tenants: BenchTenant[],
  options: RunOptions,
): Promise<Measurement> {
  mkdirSync(options.dir, { recursive: true });
  const tenantsFile = join(options.dir, 'tenants.json');
  writeFileSync(
    tenantsFile,
    JSON.stringify(
      tenantsDocument(
        tenants.map((tenant) => ({
          ...tenant,
          maxConcurrentRequests: Math.min(
            tenant.maxConcurrentRequests,
            options.maxConcurrentRequests ?? Infinity,
          ),
        })),
        simulator.baseUrl,
      ),
    ),
  );
  await simulator.reset();
  const spec: PipelineRunSpec = {
    tenantsFile,
    lakeDir: join(options.dir, 'lake'),
    stateDir: join(options.dir, 'state'),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.jobs ? { jobs: options.jobs } : {}),
  };
  const { stderr, ...run } = await runChild<PipelineRun>('runPipeline.ts', spec);
  const requests = await simulator.counts();
  if (!run.allSucceeded) {
    // The figures are still reported (with the run marked failed); the suite exits non-zero at the end.
    const failed = run.tenants.filter((tenant) => tenant.status !== 'succeeded').map((tenant) => tenant.id);
    const problem = `${options.dir}: ${failed.length} tenant(s) did not succeed (${failed.slice(0, 5).join(', ')}); dead letters ${run.deadLetters}, overruns ${run.overruns}, failed records ${JSON.stringify(run.failedRecords)}`;
    failures.push(problem);
    log(`RUN FAILED ${problem}\n${stderr}`);
    run.problems = stderr;
  }
  return { run, requests };
}

export const recordsPerSecond = (measurement: Measurement) =>
  measurement.run.records / measurement.run.seconds;

export const listRequestsPer1000 = (measurement: Measurement) =>
  (measurement.requests.listRequests / Math.max(1, measurement.run.records)) * 1000;

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Cores the pipeline kept busy on average: near the machine's core count, the run is CPU-bound. */
export const coresBusy = (measurement: Measurement) => measurement.run.cpuSeconds / measurement.run.seconds;

/** Tenants that succeeded out of all of a run's, as a figure whose target is all of them. */
export function succeededFigure(scenario: string, name: string, runs: readonly Measurement[]): Figure {
  const tenants = runs.flatMap((measurement) => measurement.run.tenants);
  const succeeded = tenants.filter((tenant) => tenant.status === 'succeeded').length;
  return figure(scenario, name, succeeded, `of ${tenants.length}`, atLeast(tenants.length));
}
