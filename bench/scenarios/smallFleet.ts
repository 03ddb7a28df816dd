import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CONNECTWISE_TABLES } from '../../sources/connectwise/endpoints';
import { type BenchTenant, NO_LATENCY, recordsOf, tablesOf, UNTHROTTLED } from '../fleet';
import { atLeast, atMost, figure } from '../figures';
import { coresBusy, log, measure, succeededFigure, type Measurement } from '../measure';
import { startSimulatorProcess, type TableChange } from '../processes';
import { tableKey, type RequestsByTable } from '../requestCounts';
import type { ScenarioResult } from './types';

export interface SmallFleetConfig {
  tenants: number;
  /** Records in each of a tenant's four tables. */
  recordsPerTable: number;
  /** Share of the fleet's records that change before the incremental run. */
  changedFraction: number;
  /** Share of the fleet's tables those changes fall in (the rest are unchanged). */
  changedTablesFraction: number;
}

/** A tenant of the fleet: the four ConnectWise tables, each of the same small size, unthrottled. */
function smallTenant(id: string, recordsPerTable: number): BenchTenant {
  return {
    id,
    sizes: Object.fromEntries(CONNECTWISE_TABLES.map((table) => [table, recordsPerTable])),
    ...UNTHROTTLED,
  };
}

/**
 * The changes of the incremental run: `changedFraction` of the fleet's records, in `changedTablesFraction` of
 * its tables. An hour of a small tenant's work touches a few tables, not 1% of each of them (with 100 records a
 * table, that would change every table). The tables are the first in a seeded hash order, spread over tenants
 * and tables alike.
 */
function planChanges(tenants: readonly BenchTenant[], config: SmallFleetConfig): TableChange[] {
  const tables = tenants.flatMap((tenant) => tablesOf(tenant).map((table) => ({ tenant, table })));
  const records = tenants.reduce((sum, tenant) => sum + recordsOf(tenant), 0);
  const changedTables = Math.max(1, Math.round(tables.length * config.changedTablesFraction));
  const perTable = Math.max(1, Math.round((records * config.changedFraction) / changedTables));
  const order = (key: string) => createHash('sha256').update(key).digest('hex');
  return tables
    .map(({ tenant, table }) => ({ tenant, table, order: order(tableKey(tenant.id, table)) }))
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
    .slice(0, changedTables)
    .map(({ tenant, table }) => ({
      tenant: tenant.id,
      table,
      count: Math.min(perTable, tenant.sizes[table] ?? 0),
    }));
}

const requestsOf = (counts: RequestsByTable, key: string) =>
  (counts[key]?.listRequests ?? 0) + (counts[key]?.planningCalls ?? 0);

/**
 * Scenario 9 (issue 15): a fleet of small tenants, synced in full and then incrementally after a few of its
 * tables changed. What an hourly sync of such a fleet costs is its fixed cost per table, so the figures divide
 * requests by tables, not by records.
 */
export async function smallFleet(config: SmallFleetConfig, workDir: string): Promise<ScenarioResult> {
  const tenants = Array.from({ length: config.tenants }, (_, index) =>
    smallTenant(`fleet-${String(index).padStart(3, '0')}`, config.recordsPerTable),
  );
  const tableKeys = tenants.flatMap((tenant) => tablesOf(tenant).map((table) => tableKey(tenant.id, table)));
  const records = tenants.reduce((sum, tenant) => sum + recordsOf(tenant), 0);
  const simulator = await startSimulatorProcess({ tenants, latency: NO_LATENCY });
  const dir = join(workDir, 'lake-and-state');
  let full: Measurement, incremental: Measurement;
  let fullByTable: RequestsByTable, incrementalByTable: RequestsByTable;
  let changes: TableChange[], mutated: number[];
  try {
    log(`scenario 9: full run of ${config.tenants} tenants × ${tableKeys.length / config.tenants} tables`);
    full = await measure(simulator, tenants, { dir });
    fullByTable = await simulator.countsByTable();
    changes = planChanges(tenants, config);
    ({ mutated } = await simulator.mutateTables(changes));
    log(`scenario 9: incremental run after ${sum(mutated)} records changed in ${changes.length} tables`);
    incremental = await measure(simulator, tenants, { dir });
    incrementalByTable = await simulator.countsByTable();
  } finally {
    await simulator.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  const changed = new Set(
    changes.filter((_, index) => (mutated[index] ?? 0) > 0).map((c) => tableKey(c.tenant, c.table)),
  );
  const unchanged = tableKeys.filter((key) => !changed.has(key));
  const requestsPerTable = (measurement: Measurement) =>
    (measurement.requests.listRequests + measurement.requests.planningCalls) / tableKeys.length;
  const meanRequests = (keys: readonly string[]) =>
    keys.length === 0
      ? Number.NaN
      : sum(keys.map((key) => requestsOf(incrementalByTable, key))) / keys.length;
  const refetched = unchanged.filter((key) => (incrementalByTable[key]?.recordsListed ?? 0) > 0);
  const ratio = incremental.run.seconds / full.run.seconds;
  const s = 'S9 small-tenant fleet';
  return {
    id: 9,
    title: 'Small-tenant fleet',
    setup:
      `${config.tenants} tenants × ${CONNECTWISE_TABLES.length} tables (${CONNECTWISE_TABLES.join(', ')}) × ` +
      `${config.recordsPerTable.toLocaleString('en-US')} records = ${records.toLocaleString('en-US')} records, no latency, ` +
      `no throttling: a full run, then, after ${sum(mutated).toLocaleString('en-US')} records ` +
      `(${config.changedFraction * 100}%) changed in ${changed.size} of the ${tableKeys.length} tables, the same command ` +
      'with the same lake and state. Requests are attributed to a table by their path (pages, `/count` and `fields=id` ' +
      'calls); a table is unchanged when none of its records changed.',
    figures: [
      succeededFigure(s, 'tenants succeeded, both runs', [full, incremental]),
      figure(s, 'full run wall time', full.run.seconds, 's'),
      figure(s, 'incremental wall time', incremental.run.seconds, 's'),
      figure(s, 'incremental ÷ full run wall time', ratio, '×', atMost(0.2)),
      figure(s, 'records changed', sum(mutated), ''),
      figure(s, 'records fetched, incremental', incremental.run.records, '', atLeast(sum(mutated))),
      figure(s, 'requests per table, full run', requestsPerTable(full), ''),
      figure(s, 'requests per table, incremental', requestsPerTable(incremental), ''),
      figure(s, 'requests per unchanged table, incremental', meanRequests(unchanged), '', atMost(1.2)),
      figure(s, 'requests per changed table, incremental', meanRequests([...changed]), ''),
      figure(
        s,
        'unchanged tables that listed records, incremental',
        refetched.length,
        `of ${unchanged.length}`,
      ),
      figure(s, 'peak RSS, full run', full.run.peakRssMb, 'MB'),
      figure(s, 'peak RSS, incremental', incremental.run.peakRssMb, 'MB'),
      figure(s, 'cores busy, full run (pipeline CPU s ÷ wall s)', coresBusy(full), ''),
      figure(s, 'cores busy, incremental (pipeline CPU s ÷ wall s)', coresBusy(incremental), ''),
    ],
    details: {
      full,
      incremental,
      changes: changes.map((change, index) => ({ ...change, mutated: mutated[index] ?? 0 })),
      // The per-table log is summarised, not kept: 1,200 entries per run would swamp latest.json.
      tableRequests: {
        full: requestHistogram(fullByTable, tableKeys),
        incrementalUnchanged: requestHistogram(incrementalByTable, unchanged),
        incrementalChanged: requestHistogram(incrementalByTable, [...changed]),
      },
      refetchedUnchanged: refetched.slice(0, 20),
    },
  };
}

/** How many tables made each number of requests, e.g. `{ "1": 1080, "2": 3 }`. */
function requestHistogram(counts: RequestsByTable, keys: readonly string[]): Record<string, number> {
  const histogram: Record<string, number> = {};
  for (const key of keys) {
    const requests = String(requestsOf(counts, key));
    histogram[requests] = (histogram[requests] ?? 0) + 1;
  }
  return histogram;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
