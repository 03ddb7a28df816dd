import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CANONICAL_TABLES, type CanonicalTableName } from '../../mappings/canonical';
import { PipelineError } from '../../shared/errors';
import { DUCKDB_TYPES } from '../../shared/lake/canonicalParquet';
import { LAYER_METADATA_KEY, layerScan, resolvedHistorySql } from '../../shared/lake/historyLayers';
import { TOMBSTONE_HASH } from './scd2';

export interface CompactHistoryInput {
  /** Every versions file of one tenant's table, e.g. `{lake}/{tenant}/canonical/tickets/versions/**\/*.parquet`. */
  versionsGlob: string;
  /** The one history file readers query; replaced atomically. */
  outputPath: string;
  table: CanonicalTableName;
  /** DuckDB's memory and threads (DEFAULT_DUCKDB_LIMITS when not given). */
  limits?: DuckDbLimits;
  /** The layer number the file gets (shared/lake/historyLayers.ts); 1 when not given. */
  layer?: number;
  /** The versions files it folds, recorded in its metadata (keys relative to the versions prefix). */
  folded?: string[];
}

/**
 * DuckDB's limits for compaction. It spills to disk past the memory limit, so memory stays bounded whatever
 * the table's size (DESIGN §4.6); its window functions still need some: 1M ticket versions compacted in
 * 256 MB (416 MB peak RSS, 4.3 s) but not in 128 MB, and 64 MB was too little even for time entries.
 */
export interface DuckDbLimits {
  memoryLimit: string;
  threads: number;
}

/**
 * The embedded runtime's. Lambda's transform (2048 MB) passes more. 256 MB stopped being enough for 1M tickets
 * once the history gained tombstones (a second lead() over each key; benchmark scenario 8's backfill ran out of
 * memory at 244 MB), so the embedded runtime gives DuckDB 512 MB.
 */
export const DEFAULT_DUCKDB_LIMITS: DuckDbLimits = { memoryLimit: '512MB', threads: 2 };

export interface CompactHistoryResult {
  /** Version rows read, duplicates included. */
  versions: number;
  /** History rows of the table (every layer resolved). */
  rows: number;
  /** Rows with is_current (one per key). */
  current: number;
}

export interface HistoryTotals {
  rows: number;
  current: number;
}

/** What a layer file's footer says (LAYER_METADATA_KEY), and its own row count. */
export interface LayerMetadata {
  layer: number;
  /** The versions files this layer folded in (keys relative to the versions prefix). */
  folded: string[];
  /** The totals of the rest of the history when the layer was written: the totals after it are these plus its own. */
  outside: HistoryTotals;
  /**
   * Records with versions but no row (every version a deletion: a record created and deleted between two syncs),
   * as `rowlessKey` → the latest valid_from seen: no row carries their `seen_at`, and a fold needs it. Complete
   * in the latest layer.
   */
  rowless: Record<string, string>;
  /** Rows in the file itself. */
  fileRows: number;
}

/** A versions file without the identity or history columns: retrying cannot fix it. */
export class CompactionInputError extends PipelineError {
  readonly retryable = false;
  readonly code = 'CompactionInput';
}

const KEY = ['tenant_id', 'source', 'source_id'] as const;

/**
 * Rebuilds the SCD Type 2 history of one tenant's table from all of its versions files, with exactly the
 * semantics of `buildHistory` (services/transform/scd2.ts): the result depends only on the set of versions,
 * so duplicated or out-of-order chunks and a second run give the same file. DuckDB does the work within a
 * memory limit; the output is written beside `outputPath` and renamed, so readers never see half a file.
 */
export async function compactHistory(input: CompactHistoryInput): Promise<CompactHistoryResult> {
  return withTableDuckDb(input.limits, (connection) => compactWith(connection, input));
}

/**
 * Compactions in one process run one at a time: DuckDB's window functions need their memory, and two
 * sharing one limit ran out of it (two instances, each with its own limit, were the embedded runtime's
 * memory peak instead). Each uses every thread it has, so a second at once would not finish sooner. A small
 * tenant's compaction takes a fraction of a second, so waiting behind another costs it little.
 */
let compactionQueue: Promise<unknown> = Promise.resolve();

function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const result = compactionQueue.then(work);
  compactionQueue = result.catch(() => undefined);
  return result;
}

/**
 * A DuckDB session for other whole-table work of the transform (an id reconcile's comparison), under the same
 * rule as compactions: one at a time, within the limits.
 */
export function withTableDuckDb<T>(
  limits: DuckDbLimits | undefined,
  work: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  return oneAtATime(() => withDuckDb(limits ?? DEFAULT_DUCKDB_LIMITS, work));
}

/** A DuckDB database for one compaction, with a spill directory of its own, removed afterwards. */
async function withDuckDb<T>(
  limits: DuckDbLimits,
  work: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  // The spill directory must exist: DuckDB creates its temp directory but not the parents.
  const spillDirectory = join(tmpdir(), `avesa-duckdb-${process.pid}-${randomUUID()}`);
  await mkdir(spillDirectory, { recursive: true });
  try {
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: limits.memoryLimit,
      threads: String(limits.threads),
      // The output is ordered by ORDER BY; insertion order need not be kept, which saves memory.
      preserve_insertion_order: 'false',
      temp_directory: spillDirectory,
    });
    try {
      const connection = await instance.connect();
      try {
        return await work(connection);
      } finally {
        connection.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  } finally {
    await rm(spillDirectory, { recursive: true, force: true });
  }
}

/** The full rebuild: every versions file, one new base (compactHistory). */
export async function compactWith(
  connection: DuckDBConnection,
  input: CompactHistoryInput,
): Promise<CompactHistoryResult> {
  const source = await versionsSource(connection, input.versionsGlob, input.table);
  const layer = input.layer ?? 1;
  const seenSource = `(SELECT *, valid_from AS seen_from FROM ${source})`;
  const counts = await copyLayer(connection, {
    query: historyQuery(input.table, seenSource, layer),
    outputPath: input.outputPath,
    metadata: {
      layer,
      folded: input.folded ?? [],
      outside: { rows: 0, current: 0 },
      rowless: await rowlessRecords(connection, seenSource),
    },
  });
  const [row] = await readAll(connection, `SELECT count(*) AS versions FROM ${source}`);
  return { versions: Number(row!.versions), ...counts };
}

export interface FoldInput {
  table: CanonicalTableName;
  /** The staged base file and deltas (layer order). */
  base: string;
  deltas: string[];
  /** The versions files not folded yet. */
  newVersionsGlob: string;
  /** Where the new delta goes, its layer, and the versions files it folds (relative keys). */
  outputPath: string;
  layer: number;
  folded: string[];
  /** The table's totals before the fold. */
  totals: HistoryTotals;
  /** The latest layer's rowless records. */
  rowless: Record<string, string>;
}

export type FoldResult =
  | {
      exact: true;
      versions: number;
      deltaRows: number;
      totals: HistoryTotals;
      rowless: Record<string, string>;
    }
  /** A new version is no later than what the history has already seen of its record: rebuild in full. */
  | { exact: false; versions: number; reason: string };

/**
 * Folds new versions into a layered history by writing one delta: the records they touch, rebuilt from the
 * rows the history holds for them (each row is a kept version; `deleted_at` a tombstone) plus the new versions,
 * with `historyQuery` as in a full rebuild. That equals the full rebuild only when every new version is later
 * than anything folded before for its record (`seen_at`): the rows alone do not remember versions that changed
 * nothing, which an earlier arrival could split. So an out-of-order version (an explicit backfill, a slice
 * overtaken by an hourly sync) is refused here and the caller rebuilds in full.
 */
export async function foldWith(connection: DuckDBConnection, input: FoldInput): Promise<FoldResult> {
  const key = KEY.join(', ');
  const resolved = resolvedHistorySql(layerScan([input.base]), layerScan(input.deltas));
  const newVersions = await versionsSource(connection, input.newVersionsGlob, input.table);
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE new_versions AS SELECT *, valid_from AS seen_from FROM ${newVersions}`,
  );
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE prior AS
     SELECT * FROM (${resolved}) SEMI JOIN (SELECT DISTINCT ${key} FROM new_versions) USING (${key})`,
  );
  // The touched records that have versions but no row: a deletion at their latest seen instant stands in for them.
  const touched = await readAll(connection, `SELECT DISTINCT ${key} FROM new_versions`);
  const touchedKeys = touched.map((row) => rowlessKey(row));
  const rowlessTouched = touched.filter((_, index) => input.rowless[touchedKeys[index]!] !== undefined);
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE rowless_prior AS
     SELECT * FROM (VALUES ${[
       `(NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::TIMESTAMPTZ)`,
       ...rowlessTouched.map(
         (row) =>
           `(${literal(String(row.tenant_id))}, ${literal(String(row.source))}, ${literal(String(row.source_id))}, ${literal(input.rowless[rowlessKey(row)]!)}::TIMESTAMPTZ)`,
       ),
     ].join(', ')}) AS t(${key}, seen_at) WHERE tenant_id IS NOT NULL`,
  );
  const [check] = await readAll(
    connection,
    `SELECT (SELECT count(*) FROM new_versions) AS versions,
            count(*) AS late, any_value(n.source_id) AS example
     FROM new_versions n
     JOIN (SELECT ${key}, max(seen_at) AS seen
           FROM (SELECT ${key}, seen_at FROM prior UNION ALL SELECT ${key}, seen_at FROM rowless_prior)
           GROUP BY ALL) p USING (${key})
     WHERE n.valid_from <= p.seen`,
  );
  const versions = Number(check!.versions);
  if (Number(check!.late) > 0)
    return {
      exact: false,
      versions,
      reason: `${Number(check!.late)} new version(s) (record ${String(check!.example)} among them) are no later than versions already folded`,
    };
  const canonical = CANONICAL_TABLES[input.table].columns.map((column) => ident(column.name));
  const priorVersions = `
    SELECT ${key}, ${canonical.join(', ')}, valid_from, record_hash, seen_at AS seen_from FROM prior
    UNION ALL BY NAME
    SELECT ${key}, deleted_at AS valid_from, ${literal(TOMBSTONE_HASH)} AS record_hash,
           ${hasUpdatedAt(input.table) ? 'deleted_at AS updated_at, ' : ''}seen_at AS seen_from
    FROM prior WHERE deleted_at IS NOT NULL
    UNION ALL BY NAME
    SELECT ${key}, seen_at AS valid_from, ${literal(TOMBSTONE_HASH)} AS record_hash, seen_at AS seen_from
    FROM rowless_prior`;
  const [before] = await readAll(
    connection,
    `SELECT count(*) AS rows, count(*) FILTER (WHERE is_current) AS current FROM prior`,
  );
  const outside = {
    rows: input.totals.rows - Number(before!.rows),
    current: input.totals.current - Number(before!.current),
  };
  const combined = `(${priorVersions} UNION ALL BY NAME SELECT * FROM new_versions)`;
  const touchedSet = new Set(touchedKeys);
  const rowless = Object.fromEntries(
    Object.entries(input.rowless).filter(([record]) => !touchedSet.has(record)),
  );
  Object.assign(rowless, await rowlessRecords(connection, combined));
  const written = await copyLayer(connection, {
    query: historyQuery(input.table, combined, input.layer),
    outputPath: input.outputPath,
    metadata: { layer: input.layer, folded: input.folded, outside, rowless },
  });
  for (const table of ['new_versions', 'prior', 'rowless_prior']) await connection.run(`DROP TABLE ${table}`);
  return {
    exact: true,
    versions,
    deltaRows: written.rows,
    totals: { rows: outside.rows + written.rows, current: outside.current + written.current },
    rowless,
  };
}

/** Resolves the layers into one new base (the deltas' share grew past the threshold). */
export async function mergeWith(
  connection: DuckDBConnection,
  input: {
    base: string;
    deltas: string[];
    outputPath: string;
    layer: number;
    folded: string[];
    rowless: Record<string, string>;
  },
): Promise<HistoryTotals> {
  const resolved = resolvedHistorySql(layerScan([input.base]), layerScan(input.deltas));
  return copyLayer(connection, {
    query: `SELECT * EXCLUDE (layer), ${input.layer}::BIGINT AS layer FROM (${resolved})`,
    outputPath: input.outputPath,
    metadata: {
      layer: input.layer,
      folded: input.folded,
      outside: { rows: 0, current: 0 },
      rowless: input.rowless,
    },
  });
}

/** How LayerMetadata.rowless names a record. */
export const rowlessKey = (row: Record<string, unknown>) =>
  JSON.stringify([String(row.tenant_id), String(row.source), String(row.source_id)]);

/**
 * The records of a versions relation (with `seen_from`) that get no history row: every instant's winner (the
 * greatest hash, as in historyQuery) is a deletion. With the latest instant seen of each.
 */
async function rowlessRecords(connection: DuckDBConnection, source: string): Promise<Record<string, string>> {
  const key = KEY.join(', ');
  const rows = await readAll(
    connection,
    `SELECT ${key}, strftime(max(seen) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS seen
     FROM (SELECT ${key}, max(record_hash) AS winner, max(seen_from) AS seen FROM ${source} GROUP BY ${key}, valid_from)
     GROUP BY ${key} HAVING bool_and(winner = ${literal(TOMBSTONE_HASH)})`,
  );
  return Object.fromEntries(rows.map((row) => [rowlessKey(row), String(row.seen)]));
}

/** The layer metadata of staged layer files; a file written before layers existed has none (undefined). */
export async function readLayerMetadata(
  connection: DuckDBConnection,
  paths: string[],
): Promise<Array<LayerMetadata | undefined>> {
  if (paths.length === 0) return [];
  const rows = await readAll(
    connection,
    `SELECT m.file_name, decode(m.value) AS value, f.num_rows
     FROM parquet_kv_metadata(${parquetList(paths)}) m
     JOIN parquet_file_metadata(${parquetList(paths)}) f USING (file_name)
     WHERE decode(m.key) = ${literal(LAYER_METADATA_KEY)}`,
  );
  const byFile = new Map(rows.map((row) => [String(row.file_name), row]));
  return paths.map((path) => {
    const row = byFile.get(path);
    if (!row) return undefined;
    const parsed = JSON.parse(String(row.value)) as Omit<LayerMetadata, 'fileRows'>;
    return { ...parsed, fileRows: Number(row.num_rows) };
  });
}

/** The history's totals once the layer (the latest) is applied: its `outside` plus its own rows. */
export async function totalsAfter(
  connection: DuckDBConnection,
  path: string,
  metadata: LayerMetadata,
): Promise<HistoryTotals> {
  const [own] = await readAll(
    connection,
    `SELECT count(*) FILTER (WHERE is_current) AS current FROM read_parquet(${literal(path)})`,
  );
  return {
    rows: metadata.outside.rows + metadata.fileRows,
    current: metadata.outside.current + Number(own!.current),
  };
}

/**
 * Writes a layer file beside `outputPath` and renames it into place (readers never see half a file), with its
 * metadata in the footer, then counts what it wrote. The metadata must be known before the rows are written, so
 * it holds the totals of the rest of the history (`outside`), and the totals after the layer are those plus the
 * layer's own counts.
 */
async function copyLayer(
  connection: DuckDBConnection,
  input: { query: string; outputPath: string; metadata: Omit<LayerMetadata, 'fileRows'> },
): Promise<HistoryTotals> {
  const temporaryPath = `${input.outputPath}.${process.pid}-${randomUUID()}.tmp`;
  try {
    await mkdir(dirname(input.outputPath), { recursive: true });
    await connection.run(
      `COPY (${input.query}) TO ${literal(temporaryPath)}
       (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384,
        KV_METADATA {${literal(LAYER_METADATA_KEY)}: ${literal(JSON.stringify(input.metadata))}})`,
    );
    const [counts] = await readAll(
      connection,
      `SELECT count(*) AS rows, count(*) FILTER (WHERE is_current) AS current FROM read_parquet(${literal(temporaryPath)})`,
    );
    await rename(temporaryPath, input.outputPath);
    return { rows: Number(counts!.rows), current: Number(counts!.current) };
  } finally {
    await rm(temporaryPath, { force: true });
  }
}

const hasUpdatedAt = (table: CanonicalTableName) =>
  CANONICAL_TABLES[table].columns.some((column) => column.name === 'updated_at');

const parquetList = (paths: string[]) => `[${paths.map(literal).join(', ')}]`;

/**
 * A SQL relation of typed versions. Columns a file lacks (an older canonical schema) read as NULL; a glob
 * that matches nothing is an empty table, so a tenant with no data yet still gets a (empty) history file.
 */
async function versionsSource(
  connection: DuckDBConnection,
  versionsGlob: string,
  table: CanonicalTableName,
): Promise<string> {
  const columns: Array<{ name: string; sqlType: string; requiredInFile: boolean }> = [
    ...KEY.map((name) => ({ name, sqlType: 'VARCHAR', requiredInFile: true })),
    ...CANONICAL_TABLES[table].columns.map((column) => ({
      name: column.name,
      sqlType: DUCKDB_TYPES[column.type],
      requiredInFile: false,
    })),
    { name: 'valid_from', sqlType: 'TIMESTAMPTZ', requiredInFile: true },
    { name: 'record_hash', sqlType: 'VARCHAR', requiredInFile: true },
  ];
  const [matched] = await readAll(connection, `SELECT count(*) AS files FROM glob(${literal(versionsGlob)})`);
  if (Number(matched!.files) === 0) {
    const typedNulls = columns.map((column) => `CAST(NULL AS ${column.sqlType}) AS ${ident(column.name)}`);
    return `(SELECT ${typedNulls.join(', ')} WHERE false)`;
  }
  const files = `read_parquet(${literal(versionsGlob)}, union_by_name = true)`;
  const present = new Set(
    (await readAll(connection, `DESCRIBE SELECT * FROM ${files}`)).map((row) => String(row.column_name)),
  );
  const missing = columns.filter((column) => column.requiredInFile && !present.has(column.name));
  if (missing.length > 0) {
    throw new CompactionInputError(
      `versions files ${versionsGlob} lack ${missing.map((column) => column.name).join(', ')}`,
    );
  }
  const typed = columns.map((column) =>
    present.has(column.name)
      ? `CAST(${ident(column.name)} AS ${column.sqlType}) AS ${ident(column.name)}`
      : `CAST(NULL AS ${column.sqlType}) AS ${ident(column.name)}`,
  );
  return `(SELECT ${typed.join(', ')} FROM ${files})`;
}

/**
 * `buildHistory` in SQL. Per key and valid_from the greatest hash wins; a winner whose hash equals the
 * previous instant's winner is not a new version (the previous winner's hash is always the last kept
 * hash, so comparing with it is the same as comparing with the last kept version); valid_to is the next
 * kept valid_from, and `deleted_at` too when that next one is a tombstone (which is never a row itself).
 */
function historyQuery(table: CanonicalTableName, source: string, layer: number): string {
  const key = KEY.join(', ');
  const canonical = CANONICAL_TABLES[table].columns.map((column) => ident(column.name));
  // Equal hashes at one instant differ at most in updated_at, which the hash leaves out; any fixed
  // choice is correct, the latest is the least surprising.
  const tieBreak = hasUpdatedAt(table) ? ', updated_at DESC NULLS LAST' : '';
  return `
    WITH per_instant AS (
      SELECT * EXCLUDE (seen_from), max(seen_from) OVER (PARTITION BY ${key}) AS seen_at FROM ${source}
      QUALIFY row_number() OVER (PARTITION BY ${key}, valid_from ORDER BY record_hash DESC${tieBreak}) = 1
    ),
    changes AS (
      SELECT *, lag(record_hash) OVER (PARTITION BY ${key} ORDER BY valid_from) AS previous_hash
      FROM per_instant
    ),
    kept AS (
      SELECT * EXCLUDE (previous_hash) FROM changes WHERE previous_hash IS DISTINCT FROM record_hash
    ),
    chained AS (
      SELECT *, lead(valid_from) OVER successor AS next_from, lead(record_hash) OVER successor AS next_hash
      FROM kept
      WINDOW successor AS (PARTITION BY ${key} ORDER BY valid_from)
    )
    SELECT ${key}, ${canonical.join(', ')}, valid_from,
           next_from AS valid_to,
           next_from IS NULL AS is_current,
           record_hash,
           CASE WHEN next_hash = ${literal(TOMBSTONE_HASH)} THEN next_from END AS deleted_at,
           seen_at, ${layer}::BIGINT AS layer
    FROM chained
    WHERE record_hash <> ${literal(TOMBSTONE_HASH)}
    ORDER BY ${key}, valid_from`;
}

async function readAll(connection: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
