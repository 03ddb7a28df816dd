import type { ClickHouseClient } from '@clickhouse/client';
import { applyClickHouseSchema } from '../../shared/adapters/analytics/clickHouseSchema';
import type { Log } from '../../shared/ports';
import { sqsConsumer } from '../../shared/runtime/sqsConsumer';
import { loadTable, type LakeLocation } from './loadTable';

export interface AnalyticsLoaderDeps {
  clickHouse: ClickHouseClient;
  /** Where ClickHouse reads the lake's history files. */
  lake: LakeLocation;
  /** The schema's database (default `avesa`). */
  database?: string;
  log: Log;
}

/**
 * TableCompacted → the tenant's rows of that source's table in ClickHouse replaced by the new history file.
 * The schema is brought up to date once per handler (cold start) before the first load. No idempotency store:
 * a load is idempotent by itself (loadTable), so a redelivery simply loads the file again.
 */
export function makeHandler(deps: AnalyticsLoaderDeps) {
  const options = deps.database ? { database: deps.database } : {};
  let schema: Promise<void> | undefined;
  const schemaReady = () => {
    schema ??= applyClickHouseSchema(deps.clickHouse, options).catch((error: unknown) => {
      schema = undefined;
      throw error;
    });
    return schema;
  };
  return sqsConsumer({
    service: 'analytics-loader',
    accepts: ['TableCompacted'],
    log: deps.log,
    handle: async (event) => {
      await schemaReady();
      const outcome = await loadTable(event, deps);
      deps.log.info('table loaded into ClickHouse', {
        tenantId: event.tenantId,
        jobId: event.jobId,
        source: event.data.source,
        table: event.data.table,
        ...outcome,
      });
    },
  });
}

/**
 * A stage without ClickHouse (serverless.yml param clickhouseUrl left empty): TableCompacted is still routed
 * to the loader's queue, so it is acknowledged here, with a warning, rather than left to fill the DLQ.
 */
export function makeDisabledHandler(log: Log) {
  return sqsConsumer({
    service: 'analytics-loader',
    accepts: ['TableCompacted'],
    log,
    handle: async (event) => {
      log.warn('analytics loader disabled: this stage has no ClickHouse (clickhouseUrl); load skipped', {
        tenantId: event.tenantId,
        source: event.data.source,
        table: event.data.table,
      });
    },
  });
}
