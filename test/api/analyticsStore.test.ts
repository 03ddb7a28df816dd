import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseAnalyticsEngine } from '../../shared/adapters/analytics/clickHouseEngine';
import { applyClickHouseSchema } from '../../shared/adapters/analytics/clickHouseSchema';
import { DuckDbAnalyticsEngine } from '../../shared/adapters/analytics/duckDbEngine';
import { loadTable } from '../../services/analytics-loader/loadTable';
import { analyticsStoreContract } from './analyticsStore.contract';
import { tableCompacted, writeContractLake, type ContractLake } from './contractLake';
import { chdbClient } from '../support/chdb';

// One generated lake; DuckDB reads its files, ClickHouse (chdb in this process) holds it as the loader loads it.
let lake: ContractLake;
let client: ClickHouseClient;
let duckDb: DuckDbAnalyticsEngine;
let clickHouse: ClickHouseAnalyticsEngine;
const now = new Date('2025-03-20T12:00:00.000Z');
const timings = new Map<string, number[]>();

beforeAll(async () => {
  lake = await writeContractLake();
  duckDb = new DuckDbAnalyticsEngine({ lakeDir: lake.lakeDir });
  client = chdbClient();
  await applyClickHouseSchema(client);
  for (const file of lake.files)
    await loadTable(tableCompacted(file), {
      clickHouse: client,
      lake: { kind: 'file', directory: lake.lakeDir },
    });
  clickHouse = new ClickHouseAnalyticsEngine({ client });
}, 120_000);

afterAll(async () => {
  const lines = [...timings].map(([key, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mean = values.reduce((total, value) => total + value, 0) / values.length;
    return `${key.padEnd(30)} n=${String(values.length).padStart(4)}  mean ${mean.toFixed(1).padStart(6)} ms  median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1).padStart(6)} ms  max ${sorted[sorted.length - 1]!.toFixed(1).padStart(6)} ms`;
  });
  console.log(`Analytics query times on the contract lake (no result cache):\n${lines.sort().join('\n')}`);
  await duckDb?.close();
  await clickHouse?.close();
  await lake?.remove();
});

analyticsStoreContract('the analytics store on DuckDB and on ClickHouse (chdb)', () => ({
  lake,
  engines: [duckDb, clickHouse],
  now,
  timed: (engine, method, milliseconds) => {
    const key = `${method} ${engine}`;
    timings.set(key, [...(timings.get(key) ?? []), milliseconds]);
  },
}));
