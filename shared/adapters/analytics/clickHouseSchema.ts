/**
 * The ClickHouse schema of the canonical lake (DESIGN §12, reference/analytics-platform.md §1.4–1.5), generated
 * from the canonical model (mappings/canonical.ts), so a column added there is a column here:
 *
 * - `{table}_loaded`: every SCD2 version of every tenant's rows, `ReplacingMergeTree(_loaded_at)` ordered by
 *   (tenant_id, source, id, source_id, valid_from) — the history's own key, with the tenant first (ClickHouse's
 *   "shared table" multi-tenancy: the primary key prunes to one tenant's granules). A reload of the same version
 *   replaces it (the newest load wins under FINAL); the loader deletes what older loads left behind.
 * - `{table}` and `{table}_history`: parameterized views, the port's Relations, that read FINAL and take the
 *   tenant as a parameter. Queried without it they fail (closed). The API's database user should be granted
 *   SELECT on these views only.
 * - `data_versions`: one row per (tenant, source, table) the loader writes after each load, and its
 *   parameterized view `tenant_data_versions`: what the engine's dataVersion() reads.
 *
 * `{table}_loaded` has no `is_deleted` column: the loader replaces a load by deleting the rows of older loads
 * (lightweight DELETE), never by tombstones, so there is nothing for the engine's is_deleted to collapse.
 */
import {
  CANONICAL_TABLE_NAMES,
  CANONICAL_TABLES,
  HISTORY_COLUMNS,
  IDENTITY_COLUMNS,
  type CanonicalColumn,
  type CanonicalTableName,
  type CanonicalType,
} from '../../../mappings/canonical';
import { ENTITIES } from '../../../api/entities';
import { ValidationError } from '../../errors';

export const DEFAULT_CLICKHOUSE_DATABASE = 'avesa';

export interface ClickHouseSchemaOptions {
  /** The database holding the tables and views (default `avesa`). */
  database?: string;
}

/** The query parameter every parameterized view takes; only the engine ever binds it. */
export const TENANT_PARAMETER = 'tenant_id';

const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A database name safe to splice into SQL (an identifier, not a value: it cannot be a bound parameter). */
export function checkedDatabase(database: string = DEFAULT_CLICKHOUSE_DATABASE): string {
  if (!DATABASE_NAME.test(database))
    throw new ValidationError(`ClickHouse database name ${JSON.stringify(database)} is not an identifier`);
  return database;
}

/** Nullable: a source may leave any canonical column empty, and older files lack newer columns. */
const COLUMN_TYPES: Record<CanonicalType, string> = {
  string: 'Nullable(String)',
  integer: 'Nullable(Int64)',
  number: 'Nullable(Float64)',
  boolean: 'Nullable(Bool)',
  timestamp: "Nullable(DateTime64(6, 'UTC'))",
  // The exact JSON text the lake holds; the engine's normalizeRow parses it, as it does DuckDB's JSON.
  json: 'Nullable(String)',
};

/** The column of a table that holds the source's key of the record (ticket_id, company_id, …). */
export function idColumnOf(table: CanonicalTableName): string {
  const entity = Object.values(ENTITIES).find((definition) => definition.table === table);
  if (!entity) throw new Error(`no entity reads canonical table ${table}`);
  return entity.idColumn;
}

/** Every column of a relation, in the DuckDB views' order: identity, the table's canonical columns, SCD2. */
export function relationColumns(table: CanonicalTableName): CanonicalColumn[] {
  return [...IDENTITY_COLUMNS, ...CANONICAL_TABLES[table].columns, ...HISTORY_COLUMNS];
}

/** The columns that are part of the sorting key, or that every version has: stored without Nullable. */
function keyColumns(table: CanonicalTableName): Set<string> {
  return new Set([
    'tenant_id',
    'source',
    'source_id',
    idColumnOf(table),
    'valid_from',
    'is_current',
    'record_hash',
  ]);
}

/** The stored type of one column of `{table}_loaded`. */
export function storedType(table: CanonicalTableName, column: CanonicalColumn): string {
  if (column.name === 'tenant_id' || column.name === 'source') return 'LowCardinality(String)';
  if (!keyColumns(table).has(column.name)) return COLUMN_TYPES[column.type];
  return COLUMN_TYPES[column.type].replace(/^Nullable\((.*)\)$/, '$1');
}

/** The type of a column as read from a lake file: always Nullable, so a file lacking a column reads NULL. */
export function fileType(column: CanonicalColumn): string {
  return COLUMN_TYPES[column.type];
}

export const quoteIdentifier = (name: string) => `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;

/** The names the schema gives each canonical table's objects, within the database. */
export function clickHouseNames(table: CanonicalTableName, database = DEFAULT_CLICKHOUSE_DATABASE) {
  const db = checkedDatabase(database);
  return {
    loaded: `${db}.${table}_loaded`,
    current: `${db}.${table}`,
    history: `${db}.${table}_history`,
  };
}

export function dataVersionNames(database = DEFAULT_CLICKHOUSE_DATABASE) {
  const db = checkedDatabase(database);
  return { table: `${db}.data_versions`, view: `${db}.tenant_data_versions` };
}

/**
 * The statements that create (or bring up to date) the schema, in order. Each is idempotent: tables are
 * CREATE … IF NOT EXISTS, columns the model gained since are ADD COLUMN IF NOT EXISTS, and the views are
 * CREATE OR REPLACE (so they always project exactly the model's columns). Safe to apply at every cold start.
 */
export function clickHouseSchemaStatements(options: ClickHouseSchemaOptions = {}): string[] {
  const db = checkedDatabase(options.database);
  const tenant = `{${TENANT_PARAMETER}:String}`;
  const statements = [`CREATE DATABASE IF NOT EXISTS ${db}`];
  for (const table of CANONICAL_TABLE_NAMES) {
    const names = clickHouseNames(table, db);
    const columns = relationColumns(table);
    const definitions = columns.map(
      (column) => `${quoteIdentifier(column.name)} ${storedType(table, column)}`,
    );
    const sortingKey = ['tenant_id', 'source', idColumnOf(table), 'source_id', 'valid_from'];
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${names.loaded} (
  ${[...definitions, "`_loaded_at` DateTime64(6, 'UTC')"].join(',\n  ')}
)
ENGINE = ReplacingMergeTree(_loaded_at)
ORDER BY (${sortingKey.map(quoteIdentifier).join(', ')})`,
    );
    // A table created by an older model lacks the columns added since; sorting-key columns never change.
    statements.push(
      `ALTER TABLE ${names.loaded} ${columns
        .filter((column) => !sortingKey.includes(column.name))
        .map(
          (column) => `ADD COLUMN IF NOT EXISTS ${quoteIdentifier(column.name)} ${storedType(table, column)}`,
        )
        .join(', ')}`,
    );
    const projection = columns.map((column) => quoteIdentifier(column.name)).join(', ');
    statements.push(
      `CREATE OR REPLACE VIEW ${names.history} AS SELECT ${projection} FROM ${names.loaded} FINAL WHERE tenant_id = ${tenant}`,
    );
    statements.push(
      `CREATE OR REPLACE VIEW ${names.current} AS SELECT ${projection} FROM ${names.loaded} FINAL WHERE tenant_id = ${tenant} AND is_current`,
    );
  }
  const versions = dataVersionNames(db);
  statements.push(
    `CREATE TABLE IF NOT EXISTS ${versions.table} (
  tenant_id LowCardinality(String),
  source LowCardinality(String),
  \`table\` LowCardinality(String),
  version UInt64,
  loaded_at DateTime64(6, 'UTC'),
  rows UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant_id, source, \`table\`)`,
  );
  statements.push(
    `CREATE OR REPLACE VIEW ${versions.view} AS SELECT source, \`table\`, version, loaded_at, rows FROM ${versions.table} FINAL WHERE tenant_id = ${tenant}`,
  );
  return statements;
}

/** The part of a ClickHouse client the schema needs (a `@clickhouse/client` ClickHouseClient satisfies it). */
export interface ClickHouseCommander {
  command(params: { query: string }): Promise<unknown>;
}

/** Applies clickHouseSchemaStatements one by one (ClickHouse runs one statement per request). */
export async function applyClickHouseSchema(
  client: ClickHouseCommander,
  options: ClickHouseSchemaOptions = {},
): Promise<void> {
  for (const statement of clickHouseSchemaStatements(options)) await client.command({ query: statement });
}
