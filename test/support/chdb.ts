import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

/**
 * A `@clickhouse/client` over chdb, ClickHouse in this process (reference/analytics-platform.md §1.3): the same
 * client, SQL and result parsing as against a server. chdb binds one data directory per process, and jest runs
 * each test file in a worker of its own; `:memory:` is a temporary directory shared by the file's clients.
 *
 * The cast: chdb 3.4.0 types its connection against @clickhouse/client-common 1.23.0, while @clickhouse/client
 * 1.23.1 carries its own copy of those types; the shapes are the same.
 */
export function chdbClient(path = ':memory:'): ClickHouseClient {
  return createClient({
    connection: createChdbConnection({ path }) as unknown as NonNullable<
      ClickHouseClientConfigOptions['connection']
    >,
  });
}
