/**
 * The analytics store port (DESIGN §12). Route code receives a TenantAnalytics — one tenant's data, already
 * scoped — and never a database handle. Two engines sit under it (DuckDB over the tenant's own lake files, and
 * ClickHouse through parameterized views); the SQL of every list, detail, history and KPI query is written once
 * (api/store/queries.ts) against the SqlDialect each engine supplies, so both give the same answers.
 */
import type { CanonicalTableName } from '../../mappings/canonical';

export type Row = Record<string, unknown>;

/** A value bound as a query parameter: never spliced into SQL text. */
export type SqlValue = string | number | boolean | null;

/** The SQL type a parameter is bound as; each dialect spells it its own way. */
export type SqlParamType = 'string' | 'integer' | 'number' | 'timestamp' | 'boolean';

/** How a result column is normalised into JSON: engines return timestamps, 64-bit integers and JSON differently. */
export type ResultKind = 'string' | 'integer' | 'number' | 'boolean' | 'timestamp' | 'json' | 'date';

export interface SqlQuery {
  sql: string;
  params: Record<string, SqlValue>;
  /** The kind of each result column; columns not named are returned as the engine gives them. */
  columns: Record<string, ResultKind>;
}

/** The relations a tenant-scoped engine exposes: each canonical table's current rows and its every version. */
export type Relation = CanonicalTableName | `${CanonicalTableName}_history`;

/**
 * What differs between DuckDB and ClickHouse SQL. Everything else in the queries is the subset both speak
 * (date_diff, CASE, COALESCE, ILIKE, window count, LIMIT/OFFSET, NULLS LAST).
 */
export interface SqlDialect {
  /** The tenant's relation: a view over its own files (DuckDB) or a parameterized view bound to it (ClickHouse). */
  relation(name: Relation): string;
  /** A bound parameter reference, typed. */
  param(name: string, type: SqlParamType): string;
  /** Linear-interpolated median (DuckDB quantile_cont, ClickHouse quantileExactInclusive). */
  median(expression: string): string;
  /** Case-insensitive substring match of a bound pattern whose % and _ are escaped with a backslash. */
  containsIgnoringCase(expression: string, patternParam: string): string;
  /** A timestamp truncated to the start of its day, week (Monday) or month, in UTC. */
  truncate(unit: 'day' | 'week' | 'month', expression: string): string;
  /** A literal cast of text to the dialect's nullable text type (for columns a source never fills). */
  textCast(expression: string): string;
}

/**
 * A tenant-scoped SQL engine: it can only ever see one tenant's rows (DuckDB: only that tenant's files are
 * attached, and file access elsewhere is disabled; ClickHouse: every relation is a view bound to the tenant).
 */
export interface TenantSqlEngine {
  readonly tenantId: string;
  readonly dialect: SqlDialect;
  rows(query: SqlQuery): Promise<Row[]>;
  /**
   * Changes exactly when the tenant's canonical data changes (a compaction or a ClickHouse load landed); the
   * cache keys on it, so a cached answer is never stale and never recomputed needlessly.
   */
  dataVersion(): Promise<string>;
}

/** Opens tenant-scoped engines; the only holder of the database. */
export interface AnalyticsEngine {
  readonly name: 'duckdb' | 'clickhouse';
  forTenant(tenantId: string): Promise<TenantSqlEngine>;
  /** Whether the database answers (GET /health/detailed). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
