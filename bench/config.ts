import type { LatencyModel } from './idealBound';
import type { ApiBenchConfig } from './scenarios/api';
import type { SalesforceBenchConfig } from './scenarios/salesforce';
import type { SmallFleetConfig } from './scenarios/smallFleet';

/** Sizes of every scenario; `--quick` is the CI smoke test, the full suite is issue 6's. */
export interface BenchConfig {
  mode: 'quick' | 'full';
  latencyFleet: {
    tenants: number;
    recordsPerTenant: number;
    latency: LatencyModel;
    requestsPerMinute: number;
    maxConcurrentRequests: number;
    /** The concurrency sweep's fleet (the chart); the same as the main fleet when equal sizes. */
    sweep: { tenants: number; recordsPerTenant: number; concurrencies: number[] };
  };
  cpuBound: { tickets: number; changedFraction: number };
  scaling: { tickets: number[] };
  fairness: { bigTickets: number; smallTenants: number; smallTickets: number };
  backfillFairness: {
    backfillTickets: number;
    smallTenants: number;
    smallTickets: number;
    changedFraction: number;
    hourlyAfterSeconds: number;
  };
  api: ApiBenchConfig;
  salesforce: SalesforceBenchConfig;
  smallFleet: SmallFleetConfig;
}

const PAGE_LATENCY: LatencyModel = { baseMs: 150, jitterMs: 250, perRecordMs: 0 };

export const FULL: BenchConfig = {
  mode: 'full',
  latencyFleet: {
    tenants: 100,
    recordsPerTenant: 20_000,
    latency: PAGE_LATENCY,
    requestsPerMinute: 1000,
    maxConcurrentRequests: 4,
    sweep: { tenants: 20, recordsPerTenant: 10_000, concurrencies: [1, 2, 4, 8, 16, 32, 64] },
  },
  cpuBound: { tickets: 1_000_000, changedFraction: 0.01 },
  scaling: { tickets: [10_000, 100_000, 1_000_000] },
  fairness: { bigTickets: 1_000_000, smallTenants: 20, smallTickets: 5000 },
  backfillFairness: {
    backfillTickets: 1_000_000,
    smallTenants: 20,
    smallTickets: 5000,
    changedFraction: 0.01,
    hourlyAfterSeconds: 20,
  },
  api: {
    bigTickets: 1_000_000,
    demoLake: 'sync',
    rate: 1000,
    seconds: 30,
    connections: 50,
    timeoutMs: 60_000,
    sequentialDashboards: 20,
    materialize: true,
    samples: { tickets: 40, words: 5 },
  },
  salesforce: { cases: 200_000, accounts: 2500, contacts: 5000, changedFraction: 0.01 },
  // 300 × 4 × 100 = 120,000 records; 1% of them change, in a tenth of the tables (10 records each).
  smallFleet: { tenants: 300, recordsPerTable: 100, changedFraction: 0.01, changedTablesFraction: 0.1 },
};

export const QUICK: BenchConfig = {
  mode: 'quick',
  latencyFleet: {
    tenants: 4,
    recordsPerTenant: 5000,
    latency: PAGE_LATENCY,
    requestsPerMinute: 1000,
    maxConcurrentRequests: 4,
    sweep: { tenants: 4, recordsPerTenant: 5000, concurrencies: [1, 2, 8] },
  },
  cpuBound: { tickets: 20_000, changedFraction: 0.01 },
  scaling: { tickets: [2000, 5000, 20_000] },
  fairness: { bigTickets: 10_000, smallTenants: 5, smallTickets: 1000 },
  backfillFairness: {
    backfillTickets: 60_000,
    smallTenants: 5,
    smallTickets: 1000,
    changedFraction: 0.01,
    hourlyAfterSeconds: 2,
  },
  api: {
    bigTickets: 20_000,
    demoLake: 'generated',
    rate: 200,
    seconds: 3,
    connections: 10,
    timeoutMs: 30_000,
    sequentialDashboards: 5,
    materialize: true,
    samples: { tickets: 10, words: 3 },
  },
  salesforce: { cases: 20_000, accounts: 250, contacts: 500, changedFraction: 0.01 },
  smallFleet: { tenants: 30, recordsPerTable: 100, changedFraction: 0.01, changedTablesFraction: 0.1 },
};
