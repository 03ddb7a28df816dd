/**
 * The demo lake for scenario 6, in a process of its own: the demo's simulators (local/demo.ts: four tenants,
 * ConnectWise and ServiceNow) synced by the embedded pipeline, as `avesa run` without --tenants does. Prints one
 * JSON line (DemoLake).
 *
 *   node -r tsx/cjs bench/demoLake.ts '{"lakeDir":…,"stateDir":…}'
 */
import { DEMO_TENANTS, startDemo } from '../local/demo';
import { LocalPipeline } from '../local/pipeline';
import type { Log } from '../shared/ports';

export interface DemoLakeSpec {
  lakeDir: string;
  stateDir: string;
}

export interface DemoLake {
  tenants: string[];
  records: number;
  seconds: number;
  allSucceeded: boolean;
}

const problemsOnly: Log = {
  debug() {},
  info() {},
  warn: (message, attributes) => console.error(JSON.stringify({ level: 'warn', message, ...attributes })),
  error: (message, attributes) => console.error(JSON.stringify({ level: 'error', message, ...attributes })),
};

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as DemoLakeSpec;
  const demo = await startDemo();
  const pipeline = new LocalPipeline({
    tenants: demo.tenants,
    lakeDir: spec.lakeDir,
    stateDir: spec.stateDir,
    log: problemsOnly,
  });
  try {
    const started = performance.now();
    const { jobId } = await pipeline.startJob();
    await pipeline.runUntilIdle();
    const progress = (await pipeline.progress(jobId))!;
    const result: DemoLake = {
      tenants: DEMO_TENANTS.map((tenant) => tenant.id),
      records: progress.tenants.reduce((sum, tenant) => sum + tenant.records, 0),
      seconds: (performance.now() - started) / 1000,
      allSucceeded: progress.tenants.every((tenant) => tenant.status === 'succeeded'),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    pipeline.close();
    await demo.stop();
  }
}

main().catch((cause: unknown) => {
  console.error(cause);
  process.exit(1);
});
