import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MalformedResponseError } from '../../shared/errors';
import { makeEvent, type ChunkFetchedEvent } from '../../shared/events/schemas';
import { encodeCanonicalVersions, type CanonicalVersion } from '../../shared/lake/canonicalParquet';
import {
  layerScan,
  readHistorySnapshot,
  resolvedHistorySql,
  stageHistorySnapshot,
  type HistorySnapshot,
} from '../../shared/lake/historyLayers';
import { canonicalHistoryKey, canonicalVersionsKey, historyDeltasPrefix } from '../../shared/lake/keys';
import type { Clock, EventBus, ObjectStore } from '../../shared/ports';
import { withTableDuckDb, type DuckDbLimits } from './compactHistory';
import { TOMBSTONE_HASH } from './scd2';

export interface ReconcileDeps {
  lake: ObjectStore;
  bus: EventBus;
  clock: Clock;
  scratchDirectory?: string;
  duckDb?: DuckDbLimits;
}

export interface ReconcileOutcome {
  versions: number;
  quarantined: number;
  deleted: number;
  /** Why the listing was not trusted (nothing was deleted then). */
  untrusted?: string;
}

/**
 * An id reconcile's chunk (DESIGN §11): the keys the source holds now, against the records current in the
 * tenant's history of the table. Each current record the listing lacks gets a tombstone at the listing's start.
 * Trusted only when the listing finished (this chunk was fetched whole) and holds as many keys as the table
 * counted when it began: a record created or deleted meanwhile makes them differ, and then nothing is deleted,
 * so an interrupted or racing listing can never delete live records.
 */
export async function reconcileChunk(
  event: ChunkFetchedEvent,
  deps: ReconcileDeps,
): Promise<ReconcileOutcome> {
  const { tenantId, jobId } = event;
  const { source, table, chunkId, records: listed, objectKeys } = event.data;
  const { expected, startedAt } = event.data.reconcile!;
  const where = `tenant ${tenantId}, source ${source}, table ${table}, chunk ${chunkId} (id reconcile)`;
  let missing: string[] = [];
  let untrusted: string | undefined;
  if (listed !== expected) {
    untrusted =
      `${where}: the listing holds ${listed} keys but the table counted ${expected} when it began ` +
      '(records were created or deleted meanwhile, or the listing was resumed): nothing is deleted this time';
  } else {
    const history = await readHistorySnapshot(deps.lake, {
      baseKey: canonicalHistoryKey(tenantId, table, source),
      deltasPrefix: historyDeltasPrefix(tenantId, table, source),
    });
    // A table never compacted has nothing current to lose.
    if (history) missing = await currentKeysNotListed(history, objectKeys, where, deps);
  }
  const deletedAt = new Date(startedAt);
  const tombstones: CanonicalVersion[] = missing.sort().map((sourceId) => ({
    tenantId,
    source,
    sourceId,
    validFrom: deletedAt,
    recordHash: TOMBSTONE_HASH,
    row: { updated_at: deletedAt },
  }));
  const written: string[] = [];
  if (tombstones.length > 0) {
    const key = canonicalVersionsKey({ tenantId, source, table, jobId, chunkId });
    await deps.lake.put(key, encodeCanonicalVersions(table, tombstones));
    written.push(key);
  }
  await deps.bus.publish([
    makeEvent(
      'ChunkTransformed',
      { tenantId, jobId, occurredAt: deps.clock.now() },
      {
        source,
        table,
        chunkId,
        versions: tombstones.length,
        quarantined: 0,
        objectKeys: written,
        reconcile: { deleted: tombstones.length, ...(untrusted ? { untrusted } : {}) },
      },
      [source, table, chunkId],
    ),
  ]);
  return {
    versions: tombstones.length,
    quarantined: 0,
    deleted: tombstones.length,
    ...(untrusted ? { untrusted } : {}),
  };
}

/**
 * The history's current keys (its layers resolved) that no listed part holds, by an anti-join in DuckDB (a
 * million keys fit).
 */
async function currentKeysNotListed(
  history: HistorySnapshot,
  objectKeys: readonly string[],
  where: string,
  deps: ReconcileDeps,
): Promise<string[]> {
  const scratch = await mkdtemp(join(deps.scratchDirectory ?? tmpdir(), 'avesa-reconcile-'));
  try {
    const staged = await stageHistorySnapshot(history, join(scratch, 'history'));
    await mkdir(join(scratch, 'keys'));
    for (const [index, key] of objectKeys.entries()) {
      const body = await deps.lake.get(key);
      if (!body)
        throw new MalformedResponseError(`${where}: raw part ${key} named by ChunkFetched does not exist`);
      await writeFile(join(scratch, 'keys', `${String(index).padStart(6, '0')}.parquet`), body);
    }
    const listedKeys =
      objectKeys.length === 0
        ? 'SELECT NULL::VARCHAR AS id WHERE false'
        : `SELECT CAST(id AS VARCHAR) AS id FROM read_parquet('${join(scratch, 'keys', '*.parquet')}')`;
    return await withTableDuckDb(deps.duckDb, async (connection) => {
      const resolved = resolvedHistorySql(
        layerScan([staged.base]),
        layerScan(staged.deltas.map((delta) => delta.path)),
      );
      const reader = await connection.runAndReadAll(
        `SELECT source_id FROM (${resolved})
         WHERE is_current AND source_id NOT IN (${listedKeys})`,
      );
      return reader.getRowObjectsJS().map((row) => String(row.source_id));
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
