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
  /**
   * Several jobs in one runtime, each of some tenants, each started `afterSeconds` after the first (scenario 8:
   * hourly syncs that start while a backfill runs). Absent: one job of every tenant.
   */
  jobs?: Array<{ tenantIds: string[]; afterSeconds: number }>;
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
    /** From the start of the tenant's job (with `jobs`, each job's own start). */
    completedSeconds: number | null;
    /** Backfill slices finished and planned over the tenant's tables, when it backfilled. */
    backfillSlices?: { finished: number; planned: number };
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
    const jobs = spec.jobs ?? [{ tenantIds: undefined, afterSeconds: 0 }];
    const startedJobs: Array<{ jobId: string; startedAt: number }> = [];
    const first = jobs[0]!;
    startedJobs.push({ startedAt: Date.now(), jobId: (await pipeline.startJob(first.tenantIds)).jobId });
    const running = pipeline.runUntilIdle();
    for (const job of jobs.slice(1)) {
      const wait = started + job.afterSeconds * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      startedJobs.push({ startedAt: Date.now(), jobId: (await pipeline.startJob(job.tenantIds)).jobId });
    }
    await running;
    // A job started as the runtime went idle is run to its end too.
    await pipeline.runUntilIdle();
    const seconds = (performance.now() - started) / 1000;
    const usage = process.resourceUsage();
    const tenants: PipelineRun['tenants'] = [];
    for (const { jobId, startedAt } of startedJobs) {
      const progress = (await pipeline.progress(jobId))!;
      for (const tenant of progress.tenants) {
        const backfills = tenant.tables.flatMap((table) => (table.backfill ? [table.backfill] : []));
        tenants.push({
          id: tenant.tenantId,
          status: tenant.status,
          records: tenant.records,
          apiCalls: tenant.apiCalls,
          completedSeconds: tenant.completedAt ? (Date.parse(tenant.completedAt) - startedAt) / 1000 : null,
          ...(backfills.length > 0
            ? {
                backfillSlices: {
                  finished: backfills.reduce((sum, backfill) => sum + backfill.finished, 0),
                  planned: backfills.reduce((sum, backfill) => sum + backfill.slices, 0),
                },
              }
            : {}),
        });
      }
    }
    const run: PipelineRun = {
      records: tenants.reduce((sum, tenant) => sum + tenant.records, 0),
      seconds,
      tenants,
      allSucceeded: tenants.every((tenant) => tenant.status === 'succeeded'),
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
