import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectStore } from '../ports';
/**
 * A canonical history in layers (issue 15; SCD2 order independence, DESIGN §4.4, holds for it): the base,
 * `{tenant}/canonical/{table}/{source}/history.parquet`, and deltas, `…/history.deltas/{layer}.parquet`. A
 * compaction that folds k changed records in writes one delta holding the whole new history of those k
 * records, so its work is proportional to k, not to the table; one that would leave the deltas too large a
 * share of the base merges them into a new base. Every reader resolves
 * the layers the same way, through `resolvedHistorySql`: a record's rows come from the highest delta that holds
 * it, else from the base.
 *
 * Each layer file also carries, besides the canonical and SCD2 columns:
 * - `layer`: its number (greater than every layer before it);
 * - `seen_at`: the latest valid_from of any version of the record folded so far, duplicates and tombstones
 *   included, which tells a compaction whether new versions can simply be appended (they are all later);
 * and, in its Parquet key-value metadata (`LAYER_METADATA_KEY`), the versions files it folded, so a file is
 * folded once.
 */

/** Rows of the resolved history: the key columns a layer overrides by. */
export const HISTORY_KEY_COLUMNS = ['tenant_id', 'source', 'source_id'] as const;

/**
 * Parquet key-value metadata of a layer file (JSON): its layer, the versions files it folded (keys relative to the
 * versions prefix) and the totals of the rest of the history when it was written.
 */
export const LAYER_METADATA_KEY = 'avesa.layer';

/**
 * The resolved history as DuckDB SQL over two relations (e.g. `read_parquet([...], union_by_name = true)`):
 * the bases, and the deltas (null: there are none, and the bases are the history). Every column of the files
 * comes through (`layer` and `seen_at` included); callers project what they need.
 *
 * Deltas left behind by an interrupted merge are harmless: a merge writes the new base first and then deletes
 * the deltas from the lowest layer up, so what is left is always the highest layers, whose rows equal the base's.
 */
export function resolvedHistorySql(bases: string | null, deltas: string | null): string {
  const key = HISTORY_KEY_COLUMNS.join(', ');
  const latestDeltas = `SELECT * FROM ${deltas} QUALIFY layer = max(layer) OVER (PARTITION BY ${key})`;
  if (deltas === null) return bases === null ? emptyRelation : `SELECT * FROM ${bases}`;
  if (bases === null) return latestDeltas;
  return `
    WITH latest_deltas AS (${latestDeltas})
    SELECT * FROM ${bases} ANTI JOIN (SELECT ${key} FROM latest_deltas) USING (${key})
    UNION ALL BY NAME
    SELECT * FROM latest_deltas`;
}

/**
 * One relation over layer files for resolvedHistorySql (columns a file lacks read as NULL); null for no files,
 * which resolvedHistorySql takes as "no such layers".
 */
export function layerScan(paths: readonly string[]): string | null {
  if (paths.length === 0) return null;
  return `read_parquet([${paths.map((path) => `'${path.replaceAll("'", "''")}'`).join(', ')}], union_by_name = true)`;
}

const emptyRelation = `SELECT NULL::VARCHAR AS tenant_id, NULL::VARCHAR AS source, NULL::VARCHAR AS source_id WHERE false`;

/** A history's layer files as read from the lake at one moment. */
export interface HistorySnapshot {
  base: Uint8Array;
  deltas: Array<{ key: string; body: Uint8Array }>;
}

/**
 * Reads a table's base and deltas consistently: a merge that lands between the reads deletes deltas just
 * listed, and then the reads start over (a fold meanwhile only adds a delta this snapshot does not list, which
 * leaves it an older, consistent one). Undefined: the table has no history yet.
 */
export async function readHistorySnapshot(
  lake: ObjectStore,
  keys: { baseKey: string; deltasPrefix: string },
): Promise<HistorySnapshot | undefined> {
  for (let attempt = 1; ; attempt++) {
    const deltaKeys = await lake.list(keys.deltasPrefix);
    const base = await lake.get(keys.baseKey);
    if (!base) return undefined;
    const bodies = await Promise.all(deltaKeys.map((key) => lake.get(key)));
    if (bodies.every((body) => body !== undefined))
      return { base, deltas: deltaKeys.map((key, index) => ({ key, body: bodies[index]! })) };
    if (attempt === 3)
      throw new Error(`history ${keys.baseKey}: its deltas kept changing while they were read (3 attempts)`);
  }
}

/**
 * Writes a snapshot's files into `directory` for DuckDB: `base.parquet`, and the deltas in layer order under
 * `deltas/` (numbered, so a directory listing keeps that order).
 */
export async function stageHistorySnapshot(
  snapshot: HistorySnapshot,
  directory: string,
): Promise<{ base: string; deltas: Array<{ key: string; path: string }> }> {
  await mkdir(join(directory, 'deltas'), { recursive: true });
  const base = join(directory, 'base.parquet');
  await writeFile(base, snapshot.base);
  const deltas: Array<{ key: string; path: string }> = [];
  for (const [index, delta] of snapshot.deltas.entries()) {
    const path = join(directory, 'deltas', `${String(index).padStart(6, '0')}.parquet`);
    await writeFile(path, delta.body);
    deltas.push({ key: delta.key, path });
  }
  return { base, deltas };
}
