/**
 * End-to-end throughput of the embedded pipeline against the simulator: fetch, raw Parquet, canonical
 * versions and SCD2 compaction, for a fleet of tenants. Prints one JSON line; the full benchmark suite
 * (baselines, scaling, fairness) is issue 6.
 *
 *   npx tsx bench/throughput.ts [--tenants 4] [--tickets 25000] [--latency-ms 0]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalPipeline } from '../local/pipeline';
import { parseTenantsFile } from '../shared/config/tenantsFile';
import { silentLog } from '../shared/ports';
import { startSimulator } from '../simulator';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenants: { type: 'string', default: '4' },
      tickets: { type: 'string', default: '25000' },
      'latency-ms': { type: 'string', default: '0' },
    },
  });
  const tenantCount = Number(values.tenants);
  const tickets = Number(values.tickets);
  const latencyMs = Number(values['latency-ms']);
  const ids = Array.from({ length: tenantCount }, (_, index) => `bench-${index}`);
  const sizes = {
    companies: Math.ceil(tickets / 20),
    contacts: Math.ceil(tickets / 8),
    tickets,
    time_entries: tickets,
  };
  const simulator = await startSimulator({
    tenants: ids.map((id) => ({
      companyId: id,
      publicKey: 'p',
      privateKey: 'k',
      clientId: 'c',
      sizes,
      requestsPerMinute: 1_000_000,
    })),
    latency: { baseMs: latencyMs, jitterMs: 0, perRecordMs: 0 },
  });
  const root = mkdtempSync(join(tmpdir(), 'avesa-bench-'));
  const document = {
    tenants: ids.map((id) => ({
      id,
      services: {
        connectwise: {
          baseUrl: simulator.baseUrl,
          companyId: id,
          publicKey: 'p',
          privateKey: 'k',
          clientId: 'c',
          requestsPerMinute: 100_000,
        },
      },
    })),
  };
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const pipeline = new LocalPipeline({
    tenants: parseTenantsFile(document, {}),
    lakeDir: join(root, 'lake'),
    stateDir: join(root, 'state'),
    log: silentLog,
  });
  try {
    const started = performance.now();
    const { jobId } = await pipeline.startJob();
    await pipeline.runUntilIdle();
    const seconds = (performance.now() - started) / 1000;
    const progress = (await pipeline.progress(jobId))!;
    const records = progress.tenants.reduce((sum, tenant) => sum + tenant.records, 0);
    const listRequests = simulator
      .requests()
      .filter((request) => !request.path.endsWith('/count') && request.query.fields !== 'id').length;
    console.log(
      JSON.stringify({
        tenants: tenantCount,
        records,
        seconds: Number(seconds.toFixed(2)),
        recordsPerSecond: Math.round(records / seconds),
        listRequestsPer1000Records: Number(((listRequests / records) * 1000).toFixed(3)),
        peakRssMb: Math.round(peakRss / 1024 / 1024),
        allSucceeded: progress.tenants.every((tenant) => tenant.status === 'succeeded'),
        node: process.version,
      }),
    );
  } finally {
    clearInterval(sampler);
    pipeline.close();
    await simulator.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
