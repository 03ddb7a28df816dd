/**
 * The embedded analytics engine: DuckDB over the canonical lake directory. Each tenant gets its own in-memory
 * DuckDB instance whose views read only that tenant's history files, and whose file access is then locked to the
 * tenant's own directory (`allowed_directories` + `enable_external_access = false` + `lock_configuration`): a
 * query in tenant A's instance cannot read tenant B's files even if someone wrote one that tried.
 */
import { join, sep } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { assertTenantId } from '../../config/tenantId';
import { CANONICAL_TABLE_NAMES } from '../../../mappings/canonical';
import { canonicalFilesFingerprint, createCanonicalViews } from '../../lake/canonicalViews';
import { normalizeRow } from '../../../api/store/normalize';
import type {
  AnalyticsEngine,
  Relation,
  Row,
  SqlDialect,
  SqlParamType,
  SqlQuery,
  TenantSqlEngine,
} from '../../../api/store/port';

export interface DuckDbEngineOptions {
  lakeDir: string;
  /** Tenants whose instances stay open (least recently used are closed first). */
  maxOpenTenants?: number;
  /** Connections per tenant: queries of one request (the dashboard's three) run in parallel on them. */
  connectionsPerTenant?: number;
  /** DuckDB threads per tenant instance. */
  threads?: number;
  /** DuckDB memory limit per tenant instance, e.g. '512MB'. */
  memoryLimit?: string;
  /**
   * Load the tenant's history into DuckDB tables instead of reading the Parquet files at every query: faster
   * queries for more memory (a tenant's lake is loaded again when its data version changes).
   */
  materialize?: boolean;
  /** How long a data version is trusted before the files are looked at again. */
  versionCheckMs?: number;
  now?: () => number;
}

const PARAM_TYPES: Record<SqlParamType, string> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  timestamp: 'TIMESTAMPTZ',
  boolean: 'BOOLEAN',
};

export const DUCKDB_DIALECT: SqlDialect = {
  relation: (name: Relation) => name,
  param: (name, type) => `CAST($${name} AS ${PARAM_TYPES[type]})`,
  median: (expression) => `quantile_cont(${expression}, 0.5)`,
  containsIgnoringCase: (expression, pattern) => `${expression} ILIKE ${pattern} ESCAPE '\\'`,
  truncate: (unit, expression) => `CAST(date_trunc('${unit}', ${expression}) AS DATE)`,
  textCast: (expression) => `CAST(${expression} AS VARCHAR)`,
};

/** One tenant's open DuckDB instance, for one data version of its files. */
class TenantInstance {
  private readonly idle: DuckDBConnection[] = [];
  private readonly waiting: Array<(connection: DuckDBConnection) => void> = [];
  private closed = false;
  private busy = 0;

  private constructor(
    readonly version: string,
    private readonly instance: DuckDBInstance,
    connections: DuckDBConnection[],
  ) {
    this.idle.push(...connections);
  }

  static async open(
    lakeDir: string,
    tenantId: string,
    version: string,
    options: Required<Pick<DuckDbEngineOptions, 'connectionsPerTenant' | 'threads' | 'materialize'>> & {
      memoryLimit?: string;
    },
  ): Promise<TenantInstance> {
    const instance = await DuckDBInstance.create(':memory:', {
      threads: String(options.threads),
      ...(options.memoryLimit ? { memory_limit: options.memoryLimit } : {}),
    });
    const setup = await instance.connect();
    try {
      await setup.run(`SET TimeZone = 'UTC'`);
      await createCanonicalViews(setup, lakeDir, tenantId);
      if (options.materialize) {
        for (const table of CANONICAL_TABLE_NAMES) {
          await setup.run(`CREATE TABLE ${table}_loaded AS SELECT * FROM ${table}_history`);
          await setup.run(`CREATE OR REPLACE VIEW ${table}_history AS SELECT * FROM ${table}_loaded`);
          await setup.run(
            `CREATE OR REPLACE VIEW ${table} AS SELECT * FROM ${table}_loaded WHERE is_current`,
          );
        }
      }
      const tenantDir = join(lakeDir, tenantId) + sep;
      await setup.run(`SET allowed_directories = ['${tenantDir.replace(/'/g, "''")}']`);
      await setup.run(`SET enable_external_access = false`);
      await setup.run(`SET lock_configuration = true`);
    } finally {
      setup.closeSync();
    }
    const connections: DuckDBConnection[] = [];
    for (let index = 0; index < options.connectionsPerTenant; index += 1)
      connections.push(await instance.connect());
    return new TenantInstance(version, instance, connections);
  }

  async rows(query: SqlQuery): Promise<Row[]> {
    const connection = await this.acquire();
    try {
      // DuckDB refuses a parameter the statement does not use; the query builders bind a shared set.
      const used = Object.fromEntries(
        Object.entries(query.params).filter(([name]) => new RegExp(`\\$${name}\\b`).test(query.sql)),
      );
      const reader = await connection.runAndReadAll(query.sql, used as Record<string, never>);
      return (reader.getRowObjectsJson() as Row[]).map((row) => normalizeRow(row, query.columns));
    } finally {
      this.release(connection);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Queries in flight finish first: their connections, then the instance, close as they are released.
    for (const connection of this.idle.splice(0)) connection.closeSync();
    if (this.busy === 0) this.instance.closeSync();
  }

  private acquire(): Promise<DuckDBConnection> {
    this.busy += 1;
    const connection = this.idle.pop();
    if (connection) return Promise.resolve(connection);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(connection: DuckDBConnection): void {
    this.busy -= 1;
    const next = this.waiting.shift();
    if (next) {
      next(connection);
    } else if (this.closed) {
      connection.closeSync();
      if (this.busy === 0) this.instance.closeSync();
    } else {
      this.idle.push(connection);
    }
  }
}

export class DuckDbAnalyticsEngine implements AnalyticsEngine {
  readonly name = 'duckdb' as const;
  private readonly instances: LRUCache<string, TenantInstance>;
  private readonly opening = new Map<string, Promise<TenantInstance>>();
  private readonly versions = new Map<string, { version: string; checkedAt: number }>();
  private readonly options: Required<Omit<DuckDbEngineOptions, 'memoryLimit'>> & { memoryLimit?: string };

  constructor(options: DuckDbEngineOptions) {
    this.options = {
      maxOpenTenants: 32,
      connectionsPerTenant: 3,
      threads: 2,
      materialize: false,
      versionCheckMs: 1000,
      now: () => Date.now(),
      ...options,
    };
    this.instances = new LRUCache({
      max: this.options.maxOpenTenants,
      // An instance evicted while a query runs on it closes once that query releases its connection.
      dispose: (instance) => instance.close(),
    });
  }

  async forTenant(tenantId: string): Promise<TenantSqlEngine> {
    assertTenantId(tenantId);
    const engine: TenantSqlEngine = {
      tenantId,
      dialect: DUCKDB_DIALECT,
      dataVersion: async () => this.dataVersion(tenantId),
      rows: async (query) => (await this.instanceFor(tenantId)).rows(query),
    };
    return engine;
  }

  async ping(): Promise<boolean> {
    const instance = await DuckDBInstance.create(':memory:');
    try {
      const connection = await instance.connect();
      const reader = await connection.runAndReadAll('SELECT 1 AS ok');
      connection.closeSync();
      return reader.getRowObjectsJson()[0]?.ok === 1;
    } finally {
      instance.closeSync();
    }
  }

  async close(): Promise<void> {
    this.instances.clear();
  }

  private dataVersion(tenantId: string): string {
    const now = this.options.now();
    const known = this.versions.get(tenantId);
    if (known && now - known.checkedAt < this.options.versionCheckMs) return known.version;
    const fingerprint = canonicalFilesFingerprint(this.options.lakeDir, tenantId);
    const version = createHash('sha256').update(fingerprint).digest('hex').slice(0, 16);
    this.versions.set(tenantId, { version, checkedAt: now });
    return version;
  }

  /** The tenant's instance for its current data version, opened once however many requests ask at once. */
  private async instanceFor(tenantId: string): Promise<TenantInstance> {
    const version = this.dataVersion(tenantId);
    const open = this.instances.get(tenantId);
    if (open?.version === version) return open;
    const key = `${tenantId}@${version}`;
    let opening = this.opening.get(key);
    if (!opening) {
      opening = TenantInstance.open(this.options.lakeDir, tenantId, version, this.options).finally(() =>
        this.opening.delete(key),
      );
      this.opening.set(key, opening);
      opening.then(
        (instance) => this.instances.set(tenantId, instance),
        () => undefined,
      );
    }
    return opening;
  }
}
