/**
 * One pipeline job in a process of its own, so its peak RSS is its own: runs the embedded pipeline until idle
 * (resuming nothing: the state directory may hold an earlier job, as an incremental run does) and prints one
 * JSON line (PipelineRun).
 *
 *   node -r tsx/cjs bench/runPipeline.ts '{"tenantsFile":…,"lakeDir":…,"stateDir":…,"concurrency":{"fetcher":8}}'
 */
import { LocalPipeline, type RuntimeOverrides } from '../local/pipeline';
import { loadTenantsFile } from '../shared/config/tenantsFile';
import type { Log } from '../shared/ports';

export interface PipelineRunSpec {
  tenantsFile: string;
  lakeDir: string;
  stateDir: string;
  concurrency?: RuntimeOverrides['concurrency'];
}

export interface PipelineRun {
  records: number;
  /** From the job's start (discovery) until every queue is idle: fetch, raw Parquet, transform, compaction. */
  seconds: number;
  tenants: Array<{
    id: string;
    status: string;
    records: number;
    apiCalls: number;
    completedSeconds: number | null;
  }>;
  allSucceeded: boolean;
  /** process.resourceUsage().maxRSS, in MB. */
  peakRssMb: number;
  /** CPU time (user + system, every thread) from the job's start; ÷ seconds says how busy the cores were. */
  cpuSeconds: number;
  invocations: Record<string, number>;
  failedRecords: Record<string, number>;
  overruns: number;
  deadLetters: number;
  /** The last warnings and errors the pipeline logged (stderr), when it did not succeed. */
  problems?: string;
}

/** Debug and info are dropped (their cost is not the pipeline's work); warnings and errors go to stderr. */
const problemsOnly: Log = {
  debug() {},
  info() {},
  warn: (message, attributes) => console.error(JSON.stringify({ level: 'warn', message, ...attributes })),
  error: (message, attributes) => console.error(JSON.stringify({ level: 'error', message, ...attributes })),
};

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as PipelineRunSpec;
  const pipeline = new LocalPipeline({
    tenants: loadTenantsFile(spec.tenantsFile, {}),
    lakeDir: spec.lakeDir,
    stateDir: spec.stateDir,
    log: problemsOnly,
    ...(spec.concurrency ? { runtime: { concurrency: spec.concurrency } } : {}),
  });
  try {
    const cpuBefore = process.resourceUsage();
    const started = performance.now();
    const startedAt = Date.now();
    const { jobId } = await pipeline.startJob();
    await pipeline.runUntilIdle();
    const seconds = (performance.now() - started) / 1000;
    const progress = (await pipeline.progress(jobId))!;
    const usage = process.resourceUsage();
    const run: PipelineRun = {
      records: progress.tenants.reduce((sum, tenant) => sum + tenant.records, 0),
      seconds,
      tenants: progress.tenants.map((tenant) => ({
        id: tenant.tenantId,
        status: tenant.status,
        records: tenant.records,
        apiCalls: tenant.apiCalls,
        completedSeconds: tenant.completedAt ? (Date.parse(tenant.completedAt) - startedAt) / 1000 : null,
      })),
      allSucceeded: progress.tenants.every((tenant) => tenant.status === 'succeeded'),
      peakRssMb: usage.maxRSS / 1024,
      cpuSeconds:
        (usage.userCPUTime + usage.systemCPUTime - cpuBefore.userCPUTime - cpuBefore.systemCPUTime) / 1e6,
      invocations: pipeline.runtime.stats.invocations,
      failedRecords: pipeline.runtime.stats.failedRecords,
      overruns: pipeline.runtime.stats.overruns.length,
      deadLetters: Object.values(pipeline.deadLetterQueues).reduce(
        (sum, queue) => sum + queue.peekAll().length,
        0,
      ),
    };
    process.stdout.write(`${JSON.stringify(run)}\n`);
  } finally {
    pipeline.close();
  }
}

main().catch((cause: unknown) => {
  console.error(cause);
  process.exit(1);
});
