import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsumerService } from '../shared/events/routing';
import { tenantsDocument, type BenchTenant } from './fleet';
import { runChild, type SimulatorProcess } from './processes';
import type { RequestCounts } from './requestCounts';
import type { PipelineRun, PipelineRunSpec } from './runPipeline';

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
  };
  const run = await runChild<PipelineRun>('runPipeline.ts', spec);
  const requests = await simulator.counts();
  if (!run.allSucceeded) {
    throw new Error(
      `pipeline run in ${options.dir} did not succeed for every tenant: ${JSON.stringify(run.tenants.filter((tenant) => tenant.status !== 'succeeded'))}`,
    );
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
