import type { ClickHouseClient } from '@clickhouse/client';
import {
  clickHouseNames,
  dataVersionNames,
  DEFAULT_CLICKHOUSE_DATABASE,
  fileType,
  quoteIdentifier,
  relationColumns,
} from '../../shared/adapters/analytics/clickHouseSchema';
import { assertTenantId } from '../../shared/config/tenantId';
import { PipelineError, ValidationError } from '../../shared/errors';
import type { TableCompactedEvent } from '../../shared/events/schemas';
import { canonicalHistoryKey, historyDeltasPrefix } from '../../shared/lake/keys';

/**
 * Where ClickHouse itself reads the lake (the Lambda never downloads a file):
 * - `s3`: the bucket's base URL (`https://<bucket>.s3.<region>.amazonaws.com/`, or an emulator's
 *   `http://127.0.0.1:<port>/<bucket>/`), with keys, or without for a server that has its own S3 credentials;
 * - `named-collection`: a ClickHouse named collection whose `url` is the bucket's base URL, so no credential
 *   appears in any query (reference/analytics-platform.md §1.4: the production choice);
 * - `file`: a lake directory ClickHouse can read (chdb in-process; a server whose user_files_path holds it).
 */
export type LakeLocation =
  | { kind: 's3'; url: string; accessKeyId?: string; secretAccessKey?: string }
  | { kind: 'named-collection'; name: string }
  | { kind: 'file'; directory: string };

export interface LoadTableDeps {
  clickHouse: ClickHouseClient;
  lake: LakeLocation;
  /** The schema's database (default `avesa`); applyClickHouseSchema must have run on it. */
  database?: string;
}

export interface LoadTableResult {
  /** History rows this load holds (every version). */
  rows: number;
  /** The load's version: its `_loaded_at` in microseconds since the epoch, also written to data_versions. */
  version: number;
  /** Rows of older loads of this tenant's source and table removed after the new ones were in. */
  replacedLoads: boolean;
}

/**
 * ClickHouse failed a step of a load (unreachable, a missing file, a type that does not convert). Retried: the
 * message returns to the queue, then goes to the DLQ. The message never carries a lake secret key, even when
 * ClickHouse quotes the statement.
 */
export class ClickHouseLoadError extends PipelineError {
  readonly retryable = true;
  readonly code = 'ClickHouseLoadFailed';
}

/** A ClickHouse string literal: backslash and quote escaped (ClickHouse reads `\` escapes in literals). */
const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The table function that reads one lake object, typed with `structure`. */
export function lakeTableFunction(lake: LakeLocation, objectKey: string, structure: string): string {
  switch (lake.kind) {
    case 's3': {
      const url = `${lake.url.replace(/\/+$/, '')}/${objectKey}`;
      const credentials =
        lake.accessKeyId !== undefined && lake.secretAccessKey !== undefined
          ? `, ${literal(lake.accessKeyId)}, ${literal(lake.secretAccessKey)}`
          : '';
      return `s3(${literal(url)}${credentials}, 'Parquet', ${literal(structure)})`;
    }
    case 'named-collection':
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(lake.name))
        throw new ValidationError(`named collection ${JSON.stringify(lake.name)} is not an identifier`);
      return `s3(${lake.name}, filename = ${literal(objectKey)}, format = 'Parquet', structure = ${literal(structure)})`;
    case 'file':
      return `file(${literal(`${lake.directory.replace(/\/+$/, '')}/${objectKey}`)}, 'Parquet', ${literal(structure)})`;
  }
}

/**
 * TableCompacted → that tenant's source's rows of the table in ClickHouse replaced by the history file now in
 * the lake:
 * 1. INSERT … SELECT from the file, naming every canonical column with its type (a file written before a
 *    column existed reads it as NULL), stamped with this load's `_loaded_at`;
 * 2. DELETE the rows of older loads of the same (tenant, source, table). Until it has run, readers see both
 *    loads, and FINAL resolves every version present in both to the newer load's row, so a ticket's is_current
 *    and valid_to are already the new ones; only a version absent from the new file lingers that long;
 * 3. bump data_versions, which the API's cache keys on.
 *
 * Idempotent, and indifferent to order: it always loads the file as it is now, so a redelivered or late event
 * loads the same rows again and replaces them. Concurrent loads of one table each keep only rows at least as
 * new as their own, so the newest survives.
 */
export async function loadTable(event: TableCompactedEvent, deps: LoadTableDeps): Promise<LoadTableResult> {
  try {
    return await load(event, deps);
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    const secret = deps.lake.kind === 's3' ? deps.lake.secretAccessKey : undefined;
    let message = error instanceof Error ? error.message : String(error);
    if (secret) message = message.split(secret).join('***');
    const { tenantId, data } = event;
    throw new ClickHouseLoadError(
      `loading ${data.objectKey} (tenant ${tenantId}, ${data.source} ${data.table}) into ClickHouse failed: ${message}`,
    );
  }
}

/**
 * The relation of the history the event names, its layers resolved as shared/lake/historyLayers.ts says: a
 * record's rows from its highest delta, else from the base.
 */
function resolvedHistory(
  event: TableCompactedEvent,
  lake: LakeLocation,
  structure: string,
  columnList: string,
): string {
  const { tenantId } = event;
  const { source, table, objectKey, deltaKeys } = event.data;
  const base = lakeTableFunction(lake, objectKey, structure);
  if (!deltaKeys || deltaKeys.length === 0) return base;
  const prefix = historyDeltasPrefix(tenantId, table, source);
  if (deltaKeys.some((key) => !key.startsWith(prefix)))
    throw new ValidationError(
      `TableCompacted of tenant ${tenantId} names deltas ${JSON.stringify(deltaKeys)}, not files under ${prefix}`,
    );
  // Every delta there is now, not just the event's: a merge since has deleted some (its base holds their rows),
  // a later fold may have added one; either way the files resolve to a history at least as new as the event's.
  const deltas = lakeTableFunction(lake, `${prefix}*.parquet`, `${structure}, layer Int64`);
  return `(
    SELECT ${columnList} FROM ${base} WHERE source_id NOT IN (SELECT source_id FROM ${deltas})
    UNION ALL
    SELECT ${columnList} FROM ${deltas}
    WHERE (source_id, layer) IN (SELECT source_id, max(layer) FROM ${deltas} GROUP BY source_id))`;
}

async function load(event: TableCompactedEvent, deps: LoadTableDeps): Promise<LoadTableResult> {
  const tenantId = assertTenantId(event.tenantId);
  const { source, table, objectKey } = event.data;
  // The event names the file; it must be this tenant's own history of this source and table.
  const expectedKey = canonicalHistoryKey(tenantId, table, source);
  if (objectKey !== expectedKey)
    throw new ValidationError(
      `TableCompacted of tenant ${tenantId} names ${objectKey}, not its history file ${expectedKey}`,
    );
  const database = deps.database ?? DEFAULT_CLICKHOUSE_DATABASE;
  const names = clickHouseNames(table, database);
  const client = deps.clickHouse;
  const [clock] = await (
    await client.query({
      query: 'SELECT toString(toUnixTimestamp64Micro(now64(6))) AS version',
      format: 'JSONEachRow',
    })
  ).json<{ version: string }>();
  const version = Number(clock!.version);
  const scope = { tenant: tenantId, source, version: String(version) };
  const loadedAt = `fromUnixTimestamp64Micro(toInt64({version:UInt64}), 'UTC')`;

  const columns = relationColumns(table);
  const structure = columns.map((column) => `${quoteIdentifier(column.name)} ${fileType(column)}`).join(', ');
  const columnList = columns.map((column) => quoteIdentifier(column.name)).join(', ');
  await client.command({
    query: `INSERT INTO ${names.loaded} (${columnList}, _loaded_at)
      SELECT ${columnList}, ${loadedAt}
      FROM ${resolvedHistory(event, deps.lake, structure, columnList)}
      WHERE tenant_id = {tenant:String} AND source = {source:String}`,
    query_params: scope,
    clickhouse_settings: {
      input_format_parquet_allow_missing_columns: 1,
      // A compaction with no versions at all writes no file: there is nothing to load, and older loads go.
      // Said either way, every time: chdb keeps a setting for the rest of its session.
      s3_ignore_file_doesnt_exist: event.data.rows === 0 ? 1 : 0,
      engine_file_empty_if_not_exists: event.data.rows === 0 ? 1 : 0,
    },
  });
  const [loaded] = await (
    await client.query({
      query: `SELECT toString(count()) AS rows FROM ${names.loaded}
        WHERE tenant_id = {tenant:String} AND source = {source:String} AND _loaded_at = ${loadedAt}`,
      query_params: scope,
      format: 'JSONEachRow',
    })
  ).json<{ rows: string }>();
  const rows = Number(loaded!.rows);

  const [older] = await (
    await client.query({
      query: `SELECT count() > 0 AS present FROM ${names.loaded}
        WHERE tenant_id = {tenant:String} AND source = {source:String} AND _loaded_at < ${loadedAt}`,
      query_params: scope,
      format: 'JSONEachRow',
    })
  ).json<{ present: boolean | number }>();
  const replacedLoads = Boolean(older?.present);
  if (replacedLoads) {
    await client.command({
      query: `DELETE FROM ${names.loaded}
        WHERE tenant_id = {tenant:String} AND source = {source:String} AND _loaded_at < ${loadedAt}`,
      query_params: scope,
    });
  }

  await client.command({
    query: `INSERT INTO ${dataVersionNames(database).table} (tenant_id, source, \`table\`, version, loaded_at, rows)
      SELECT {tenant:String}, {source:String}, {table:String}, {version:UInt64}, ${loadedAt}, {rows:UInt64}`,
    query_params: { ...scope, table, rows: String(rows) },
  });
  return { rows, version, replacedLoads };
}
