import { join } from 'node:path';
import { DEFAULT_RUNTIME_SETTINGS } from '../../local/pipeline';
import type { BenchConfig } from '../config';
import { atLeast, atMost, below, figure } from '../figures';
import { fourTables, recordsOf, type BenchTenant, type FleetSpec } from '../fleet';
import { idealSeconds, meanPageLatencyMs } from '../idealBound';
import {
  coresBusy,
  listRequestsPer1000,
  log,
  succeededFigure,
  measure,
  recordsPerSecond,
  type Measurement,
} from '../measure';
import { startSimulatorProcess, type SimulatorProcess } from '../processes';
import type { ScenarioResult, SweepPoint } from './types';

type Fleet = BenchConfig['latencyFleet'];

function fleetOf(config: Fleet, tenants: number, recordsPerTenant: number): FleetSpec {
  return {
    latency: config.latency,
    tenants: Array.from({ length: tenants }, (_, index): BenchTenant => ({
      id: `fleet-${String(index).padStart(3, '0')}`,
      sizes: fourTables(recordsPerTenant),
      requestsPerMinute: config.requestsPerMinute,
      maxConcurrentRequests: config.maxConcurrentRequests,
    })),
  };
}

/**
 * Concurrency c: c fetcher invocations at once, and each tenant at most min(c, its own limit) requests in
 * flight. c = 1 is the seeds' sequential baseline: one request at a time, fleet-wide.
 */
async function runAt(simulator: SimulatorProcess, fleet: FleetSpec, dir: string, concurrency: number) {
  log(`scenario 1: ${fleet.tenants.length} tenants at concurrency ${concurrency}`);
  return measure(simulator, fleet.tenants, {
    dir: join(dir, `c${concurrency}`),
    concurrency: { fetcher: concurrency },
    maxConcurrentRequests: concurrency,
  });
}

function idealOf(fleet: FleetSpec, measurement: Measurement, concurrency: number): number {
  const { requests } = measurement;
  const pageLatency = meanPageLatencyMs(
    fleet.latency,
    requests.recordsListed / Math.max(1, requests.listPages),
  );
  return idealSeconds({
    fetcherConcurrency: concurrency,
    pageLatencyMs: pageLatency,
    tenants: fleet.tenants.map((tenant) => ({
      requestsPerMinute: tenant.requestsPerMinute,
      maxConcurrentRequests: Math.min(tenant.maxConcurrentRequests, concurrency),
      pages: requests.pagesByTenant[tenant.id] ?? 0,
    })),
  });
}

/** Runs the fleet at each concurrency (reusing runs already made on it) and returns the chart's points. */
async function sweep(
  simulator: SimulatorProcess,
  fleet: FleetSpec,
  dir: string,
  concurrencies: number[],
  done: Map<number, Measurement>,
): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  for (const concurrency of concurrencies) {
    let measurement = done.get(concurrency);
    if (!measurement) done.set(concurrency, (measurement = await runAt(simulator, fleet, dir, concurrency)));
    points.push({
      concurrency,
      seconds: measurement.run.seconds,
      recordsPerSecond: recordsPerSecond(measurement),
      idealRecordsPerSecond: measurement.run.records / idealOf(fleet, measurement, concurrency),
    });
  }
  return points;
}

export async function latencyFleet(config: Fleet, workDir: string): Promise<ScenarioResult> {
  const fleet = fleetOf(config, config.tenants, config.recordsPerTenant);
  const subjectConcurrency = DEFAULT_RUNTIME_SETTINGS.concurrency.fetcher;
  const simulator = await startSimulatorProcess(fleet);
  const runs = new Map<number, Measurement>();
  let points: SweepPoint[];
  const sameFleet =
    config.sweep.tenants === config.tenants && config.sweep.recordsPerTenant === config.recordsPerTenant;
  try {
    runs.set(subjectConcurrency, await runAt(simulator, fleet, join(workDir, 'main'), subjectConcurrency));
    runs.set(1, await runAt(simulator, fleet, join(workDir, 'main'), 1));
    points = sameFleet
      ? await sweep(simulator, fleet, join(workDir, 'main'), config.sweep.concurrencies, runs)
      : [];
  } finally {
    await simulator.stop();
  }
  const sweepFleet = fleetOf(config, config.sweep.tenants, config.sweep.recordsPerTenant);
  if (!sameFleet) {
    const sweepSimulator = await startSimulatorProcess(sweepFleet);
    try {
      points = await sweep(
        sweepSimulator,
        sweepFleet,
        join(workDir, 'sweep'),
        config.sweep.concurrencies,
        new Map(),
      );
    } finally {
      await sweepSimulator.stop();
    }
  }

  const subject = runs.get(subjectConcurrency)!;
  const baseline = runs.get(1)!;
  const ideal = idealOf(fleet, subject, subjectConcurrency);
  const perTenantPerMinute =
    subject.run.tenants.reduce(
      (sum, tenant) =>
        sum + (tenant.records / Math.max(0.001, tenant.completedSeconds ?? subject.run.seconds)) * 60,
      0,
    ) / subject.run.tenants.length;
  const records = subject.run.records;
  const s = 'S1 latency-bound fleet';
  return {
    id: 1,
    title: 'Latency-bound fleet',
    setup:
      `${fleet.tenants.length} tenants × 4 tables, ${records.toLocaleString('en-US')} records; page latency ` +
      `${config.latency.baseMs} ms + U[0, ${config.latency.jitterMs}) ms; per tenant ${config.requestsPerMinute} requests/min and ` +
      `${config.maxConcurrentRequests} concurrent. Subject: the runtime's default concurrency (${subjectConcurrency} fetchers); ` +
      `baseline: 1 fetcher and 1 request per tenant. Sweep: ${sweepFleet.tenants.length} tenants × ` +
      `${recordsOf(sweepFleet.tenants[0]!).toLocaleString('en-US')} records at fetcher concurrency ${config.sweep.concurrencies.join(', ')}.`,
    figures: [
      figure(s, 'wall time', subject.run.seconds, 's'),
      figure(s, 'sequential baseline wall time', baseline.run.seconds, 's'),
      figure(s, 'ideal bound', ideal, 's'),
      figure(s, 'records/s', recordsPerSecond(subject), 'records/s'),
      figure(
        s,
        'records/min per tenant (mean)',
        perTenantPerMinute,
        'records/min',
        atLeast(10_000, 'seed claim'),
      ),
      succeededFigure(s, 'tenants succeeded', [subject, baseline]),
      figure(s, 'speedup vs sequential', baseline.run.seconds / subject.run.seconds, '×', atLeast(20)),
      figure(s, 'wall time ÷ ideal bound', subject.run.seconds / ideal, '×', atMost(1.3)),
      figure(s, 'list requests per 1,000 records', listRequestsPer1000(subject), '', atMost(1.05)),
      figure(s, 'planning calls', subject.requests.planningCalls, ''),
      figure(s, '429 answers', subject.requests.throttled, ''),
      figure(s, 'peak RSS', subject.run.peakRssMb, 'MB', below(400)),
      figure(s, 'cores busy (pipeline CPU s ÷ wall s)', coresBusy(subject), ''),
    ],
    sweep: {
      fleet: `${sweepFleet.tenants.length} tenants × ${recordsOf(sweepFleet.tenants[0]!).toLocaleString('en-US')} records`,
      points: points,
    },
    details: {
      subjectConcurrency,
      subject,
      baseline,
      idealSeconds: ideal,
      pageLatencyMs: meanPageLatencyMs(
        config.latency,
        subject.requests.recordsListed / Math.max(1, subject.requests.listPages),
      ),
    },
  };
}
