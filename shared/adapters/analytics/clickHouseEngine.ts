/**
 * The shared analytics engine: ClickHouse (DESIGN §12), through `@clickhouse/client` — a server in production
 * (`createClient({ url, username, password, database })`), chdb in-process in tests
 * (`createClient({ connection: createChdbConnection(…) })`); the SQL, client calls and result parsing are the
 * same. Every tenant's rows share the tables of clickHouseSchema.ts; a tenant-scoped engine reads them only
 * through the parameterized views, whose tenant parameter this engine binds itself on every query: route code
 * cannot name it (a query that tries is refused), and a view read without it fails.
 */
import { createHash } from 'node:crypto';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { assertTenantId } from '../../config/tenantId';
import { normalizeRow } from '../../../api/store/normalize';
import type {
  AnalyticsEngine,
  Relation,
  Row,
  SqlDialect,
  SqlParamType,
  SqlQuery,
  SqlValue,
  TenantSqlEngine,
} from '../../../api/store/port';
import {
  DEFAULT_CLICKHOUSE_DATABASE,
  TENANT_PARAMETER,
  checkedDatabase,
  dataVersionNames,
} from './clickHouseSchema';

/** How to reach a ClickHouse server (production): its HTTP(S) endpoint and the API's read-only user. */
export interface ClickHouseServer {
  url: string;
  username: string;
  password: string;
  database?: string;
  /** Per request; the default is the client's (30 s). */
  requestTimeoutMs?: number;
}

export interface ClickHouseEngineOptions {
  client: ClickHouseClient;
  /** The database of the schema (clickHouseSchema.ts); default `avesa`. */
  database?: string;
  /** How long a tenant's data version is trusted before data_versions is read again. */
  versionCheckMs?: number;
  now?: () => number;
}

const PARAM_TYPES: Record<SqlParamType, string> = {
  string: 'String',
  integer: 'Int64',
  number: 'Float64',
  timestamp: "DateTime64(6, 'UTC')",
  boolean: 'Bool',
};

/** The dialect over the views of `database`. */
export function clickHouseDialect(database: string = DEFAULT_CLICKHOUSE_DATABASE): SqlDialect {
  const db = checkedDatabase(database);
  return {
    relation: (name: Relation) => `${db}.${name}(${TENANT_PARAMETER} = {${TENANT_PARAMETER}:String})`,
    param: (name, type) => `{${name}:${PARAM_TYPES[type]}}`,
    // Linear interpolation between the two middle values, as DuckDB's quantile_cont; NULLs are skipped and no
    // value at all gives NULL, in both.
    median: (expression) => `quantileExactInclusive(0.5)(${expression})`,
    // ClickHouse's LIKE escapes with a backslash and has no ESCAPE clause.
    containsIgnoringCase: (expression, pattern) => `${expression} ILIKE ${pattern}`,
    truncate: (unit, expression) =>
      unit === 'day'
        ? `toDate(${expression})`
        : unit === 'week'
          ? `toMonday(${expression})`
          : `toStartOfMonth(${expression})`,
    textCast: (expression) => `CAST(${expression} AS Nullable(String))`,
  };
}

export const CLICKHOUSE_DIALECT: SqlDialect = clickHouseDialect();

/**
 * Settings of every API query, so ClickHouse answers as DuckDB does:
 * - 64-bit integers (counts) as JSON numbers, not strings (none of ours comes near 2^53);
 * - a LEFT JOIN without a match gives NULL, not the column type's default ('' for a company's name);
 * - CAST keeps NULL (CAST(closed_date AS DATE) of an open ticket), instead of failing;
 * - a name is the column before it is an alias: ClickHouse otherwise lets an alias shadow a column everywhere in
 *   the query, and the ticket KPIs name the count of closed tickets `closed`, which is also the column every
 *   other KPI of that query reads (an aggregate inside an aggregate, ILLEGAL_AGGREGATION).
 */
export const CLICKHOUSE_QUERY_SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 0,
  join_use_nulls: 1,
  cast_keep_nullable: 1,
  prefer_column_name_to_alias: 1,
};

/** Thrown when a query tries to bind the tenant itself: only the engine may. */
export class TenantParameterError extends Error {
  constructor() {
    super(`queries may not bind ${TENANT_PARAMETER}: the engine binds the scoped tenant itself`);
    this.name = 'TenantParameterError';
  }
}

/** ISO 8601 UTC (what the queries bind) as ClickHouse's text form of DateTime64(6, 'UTC'). */
function clickHouseTimestamp(value: SqlValue): SqlValue {
  if (typeof value !== 'string') return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toISOString().replace('T', ' ').replace('Z', '000');
}

/**
 * The query's parameters with the tenant added, and timestamps in the form ClickHouse parses: a DateTime64
 * query parameter takes `2025-01-01 00:00:00.000000`, not `2025-01-01T00:00:00.000Z` (it is not parsed
 * "best effort", whatever date_time_input_format says).
 */
export function boundParameters(query: SqlQuery, tenantId: string): Record<string, SqlValue> {
  if (Object.hasOwn(query.params, TENANT_PARAMETER)) throw new TenantParameterError();
  const timestamps = new Set([...query.sql.matchAll(/\{(\w+):DateTime64\(/g)].map((match) => match[1]));
  const params: Record<string, SqlValue> = {};
  for (const [name, value] of Object.entries(query.params))
    params[name] = timestamps.has(name) ? clickHouseTimestamp(value) : value;
  params[TENANT_PARAMETER] = tenantId;
  return params;
}

export class ClickHouseAnalyticsEngine implements AnalyticsEngine {
  readonly name = 'clickhouse' as const;
  private readonly dialect: SqlDialect;
  private readonly database: string;
  private readonly versions = new Map<string, { version: Promise<string>; checkedAt: number }>();
  private readonly versionCheckMs: number;
  private readonly now: () => number;

  /**
   * The engine over a server (the API's composition roots use this, so nothing but this module holds a client).
   * No `database` on the client: every name in the SQL is qualified with it.
   */
  static connect(
    server: ClickHouseServer,
    options: Omit<ClickHouseEngineOptions, 'client' | 'database'> = {},
  ): ClickHouseAnalyticsEngine {
    const client = createClient({
      url: server.url,
      username: server.username,
      password: server.password,
      ...(server.requestTimeoutMs ? { request_timeout: server.requestTimeoutMs } : {}),
    });
    return new ClickHouseAnalyticsEngine({
      ...options,
      client,
      ...(server.database ? { database: server.database } : {}),
    });
  }

  constructor(private readonly options: ClickHouseEngineOptions) {
    this.database = checkedDatabase(options.database);
    this.dialect = clickHouseDialect(this.database);
    this.versionCheckMs = options.versionCheckMs ?? 1000;
    this.now = options.now ?? (() => Date.now());
  }

  async forTenant(tenantId: string): Promise<TenantSqlEngine> {
    assertTenantId(tenantId);
    return {
      tenantId,
      dialect: this.dialect,
      rows: (query) => this.rows(tenantId, query),
      dataVersion: () => this.dataVersion(tenantId),
    };
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.options.client.ping()).success;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.options.client.close();
  }

  private async rows(tenantId: string, query: SqlQuery): Promise<Row[]> {
    const result = await this.options.client.query({
      query: query.sql,
      query_params: boundParameters(query, tenantId),
      format: 'JSONEachRow',
      clickhouse_settings: CLICKHOUSE_QUERY_SETTINGS,
    });
    const rows = await result.json<Row>();
    return rows.map((row) => normalizeRow(row, query.columns));
  }

  /**
   * A hash of the tenant's rows of data_versions (one per source and table, bumped by every load), read at most
   * once per versionCheckMs; concurrent callers share the read in flight.
   */
  private dataVersion(tenantId: string): Promise<string> {
    const now = this.now();
    const known = this.versions.get(tenantId);
    if (known && now - known.checkedAt < this.versionCheckMs) return known.version;
    const version = this.readDataVersion(tenantId);
    this.versions.set(tenantId, { version, checkedAt: now });
    version.catch(() => {
      if (this.versions.get(tenantId)?.version === version) this.versions.delete(tenantId);
    });
    return version;
  }

  private async readDataVersion(tenantId: string): Promise<string> {
    const rows = await this.rows(tenantId, {
      sql: `SELECT source, \`table\`, toString(version) AS version
        FROM ${dataVersionNames(this.database).view}(${TENANT_PARAMETER} = {${TENANT_PARAMETER}:String})
        ORDER BY source, \`table\``,
      params: {},
      columns: {},
    });
    return createHash('sha256')
      .update(JSON.stringify(rows.map((row) => [row.source, row.table, row.version])))
      .digest('hex')
      .slice(0, 16);
  }
}
