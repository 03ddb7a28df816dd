import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CANONICAL_TABLES, type CanonicalTableName } from '../../mappings/canonical';
import { PipelineError } from '../../shared/errors';
import { DUCKDB_TYPES } from '../../shared/lake/canonicalParquet';
import { TOMBSTONE_HASH } from './scd2';

export interface CompactHistoryInput {
  /** Every versions file of one tenant's table, e.g. `{lake}/{tenant}/canonical/tickets/versions/**\/*.parquet`. */
  versionsGlob: string;
  /** The one history file readers query; replaced atomically. */
  outputPath: string;
  table: CanonicalTableName;
  /** DuckDB's memory and threads (DEFAULT_DUCKDB_LIMITS when not given). */
  limits?: DuckDbLimits;
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
  /** History rows written. */
  rows: number;
  /** Rows with is_current (one per key). */
  current: number;
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
  return oneAtATime(() =>
    withDuckDb(input.limits ?? DEFAULT_DUCKDB_LIMITS, (connection) => compactWith(connection, input)),
  );
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

async function compactWith(
  connection: DuckDBConnection,
  input: CompactHistoryInput,
): Promise<CompactHistoryResult> {
  const temporaryPath = `${input.outputPath}.${process.pid}-${randomUUID()}.tmp`;
  try {
    const source = await versionsSource(connection, input.versionsGlob, input.table);
    await mkdir(dirname(input.outputPath), { recursive: true });
    await connection.run(
      `COPY (${historyQuery(input.table, source)}) TO ${literal(temporaryPath)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384)`,
    );
    const counts = await readAll(
      connection,
      `SELECT (SELECT count(*) FROM ${source}) AS versions, count(*) AS rows, count(*) FILTER (WHERE is_current) AS current
       FROM read_parquet(${literal(temporaryPath)})`,
    );
    await rename(temporaryPath, input.outputPath);
    const [row] = counts;
    return { versions: Number(row!.versions), rows: Number(row!.rows), current: Number(row!.current) };
  } finally {
    await rm(temporaryPath, { force: true });
  }
}

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
function historyQuery(table: CanonicalTableName, source: string): string {
  const key = KEY.join(', ');
  const canonical = CANONICAL_TABLES[table].columns.map((column) => ident(column.name));
  // Equal hashes at one instant differ at most in updated_at, which the hash leaves out; any fixed
  // choice is correct, the latest is the least surprising.
  const hasUpdatedAt = CANONICAL_TABLES[table].columns.some((column) => column.name === 'updated_at');
  const tieBreak = hasUpdatedAt ? ', updated_at DESC NULLS LAST' : '';
  return `
    WITH per_instant AS (
      SELECT * FROM ${source}
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
           CASE WHEN next_hash = ${literal(TOMBSTONE_HASH)} THEN next_from END AS deleted_at
    FROM chained
    WHERE record_hash <> ${literal(TOMBSTONE_HASH)}
    ORDER BY ${key}, valid_from`;
}

async function readAll(connection: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
