import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { localClickHouse } from '../../../local/clickHouse';
import { LocalPipeline } from '../../../local/pipeline';
import { ClickHouseAnalyticsEngine } from '../../../shared/adapters/analytics/clickHouseEngine';
import { applyClickHouseSchema } from '../../../shared/adapters/analytics/clickHouseSchema';
import { CONSUMER_SERVICES, EVENT_ROUTES } from '../../../shared/events/routing';
import { silentLog } from '../../../shared/ports';
import type { SqsHandler } from '../../../shared/runtime/sqsConsumer';
import { tableCompacted, writeContractLake, type ContractLake } from '../../api/contractLake';
import { chdbClient } from '../../support/chdb';

// The local runtime and the analytics loader: registered only with a ClickHouse; without one, the route from
// TableCompacted to its queue is dropped, on purpose, so nothing waits there for a consumer that never comes.
let lake: ContractLake;
let stateDir: string;
let client: ClickHouseClient;
const idle: SqsHandler = async () => ({ batchItemFailures: [] });

beforeAll(async () => {
  lake = await writeContractLake({
    tenants: ['local-co'],
    sources: ['connectwise'],
    sizes: { companies: 3, contacts: 3, tickets: 12, timeEntries: 5 },
  });
  client = chdbClient();
}, 60_000);

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'avesa-local-loader-'));
});

afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

afterAll(async () => {
  await client?.close();
  await lake?.remove();
});

function pipeline(options: { clickHouse?: { client: ClickHouseClient } } = {}) {
  return new LocalPipeline({
    tenants: { tenants: [], credentials: new Map() },
    lakeDir: lake.lakeDir,
    stateDir,
    log: silentLog,
    // Progress would look for the job these events belong to; it is not what these tests are about.
    wrapHandler: (service, handler) => (service === 'progress' ? idle : handler),
    ...options,
  });
}

describe('local runtime and the analytics loader', () => {
  it('given the routing table, then TableCompacted goes to the analytics loader as well as to progress', () => {
    expect(EVENT_ROUTES.TableCompacted).toEqual(['progress', 'analytics-loader']);
    expect(CONSUMER_SERVICES).toContain('analytics-loader');
  });

  it('given no ClickHouse configured, when TableCompacted is published, then the loader queue gets nothing and the runtime goes idle', async () => {
    // Prepare
    const local = pipeline();
    try {
      // Act
      await local.bus.publish([tableCompacted(lake.files[0]!)]);

      // Assess
      expect(local.consumers).not.toContain('analytics-loader');
      expect(local.queues['analytics-loader'].nextVisibleAt()).toBeUndefined();
      expect(local.queues.progress.nextVisibleAt()).toBeDefined();
      await local.runUntilIdle();
      expect(local.runtime.stats.invocations['analytics-loader']).toBe(0);
      expect(local.hasPendingWork()).toBe(false);
    } finally {
      local.close();
    }
  });

  it('given loads a run with ClickHouse left behind, when a run without one opens the state, then they are not pending work', async () => {
    // Prepare
    const withClickHouse = pipeline({ clickHouse: { client } });
    withClickHouse.queues['analytics-loader'].send(JSON.stringify(tableCompacted(lake.files[0]!)));
    withClickHouse.close();

    // Act
    const without = pipeline();
    try {
      // Assess
      expect(without.hasPendingWork()).toBe(false);
      expect(without.runtime.isIdle()).toBe(true);
    } finally {
      without.close();
    }
  });

  it('given a ClickHouse, when every table of a tenant is compacted, then the local loader loads each history file into it', async () => {
    // Prepare
    await applyClickHouseSchema(client);
    const local = pipeline({ clickHouse: { client } });
    try {
      // Act
      await local.bus.publish(lake.files.map((file) => tableCompacted(file)));
      await local.runUntilIdle();

      // Assess
      expect(local.consumers).toContain('analytics-loader');
      expect(local.runtime.stats.invocations['analytics-loader']).toBe(lake.files.length);
      expect(local.runtime.stats.failedRecords['analytics-loader']).toBe(0);
      const engine = await new ClickHouseAnalyticsEngine({ client }).forTenant('local-co');
      for (const file of lake.files) {
        const [row] = await engine.rows({
          sql: `SELECT count(*) AS n FROM ${engine.dialect.relation(`${file.table}_history`)}`,
          params: {},
          columns: { n: 'integer' },
        });
        expect(row).toEqual({ n: file.rows });
      }
    } finally {
      local.close();
    }
  });

  it('given the environment, then a ClickHouse is configured only when AVESA_CLICKHOUSE_URL is set', async () => {
    expect(localClickHouse({})).toBeUndefined();
    const configured = localClickHouse({
      AVESA_CLICKHOUSE_URL: 'http://127.0.0.1:8123',
      AVESA_CLICKHOUSE_LAKE_URL: 'http://127.0.0.1:9000/lake/',
    });
    expect(configured).toMatchObject({
      database: 'avesa',
      lake: { kind: 's3', url: 'http://127.0.0.1:9000/lake/' },
    });
    await configured!.client.close();
    expect(() => localClickHouse({ AVESA_CLICKHOUSE_URL: 'not a url' })).toThrow(/AVESA_CLICKHOUSE_URL/);
  });
});
