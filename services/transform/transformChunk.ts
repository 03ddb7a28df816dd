import { MalformedResponseError } from '../../shared/errors';
import { makeEvent, type ChunkFetchedEvent, type ChunkPausedEvent } from '../../shared/events/schemas';
import {
  encodeCanonicalVersions,
  encodeQuarantine,
  type CanonicalVersion,
  type QuarantinedRecord,
} from '../../shared/lake/canonicalParquet';
import { canonicalVersionsKey, quarantineKey } from '../../shared/lake/keys';
import { readRawRecords, recordText } from '../../shared/lake/rawParquet';
import type { Clock, EventBus, ObjectStore } from '../../shared/ports';
import type { ConfiguredSourceFor } from '../../shared/sources/readers';
import { deletionTime } from '../../shared/sources/deletionMarker';
import { isKeyListingCursor } from '../../shared/sources/keyListing';
import { reconcileChunk, type ReconcileDeps } from './reconcileChunk';
import { recordHash, TOMBSTONE_HASH } from './scd2';

/** A paused chunk that was listing keys (an id reconcile, or a sweep that fell back to one). */
const isKeyListing = (event: ChunkPausedEvent) =>
  event.data.keyRange.kind === 'reconcile' || isKeyListingCursor(event.data.continuation.cursor);

export interface TransformDeps {
  /** The tenant's source settings, for its mapping (a `tableMap` may name another source table). */
  sourceFor: ConfiguredSourceFor;
  lake: ObjectStore;
  bus: EventBus;
  clock: Clock;
}

export interface TransformOutcome {
  versions: number;
  quarantined: number;
}

/**
 * Maps a fetched chunk's raw records onto the canonical model: one canonical version per distinct source
 * record version (keyed by source id, last-updated time and content hash), written to a deterministic key
 * so a redelivered ChunkFetched rewrites the same file. A record that fails validation goes to the
 * quarantine with tenant, table, source id and reason, and never blocks the rest of the chunk.
 */
export async function transformChunk(
  event: ChunkFetchedEvent | ChunkPausedEvent,
  deps: TransformDeps & ReconcileDeps,
): Promise<TransformOutcome> {
  const { tenantId, jobId } = event;
  const { table, chunkId, source } = event.data;
  if (event.type === 'ChunkFetched' && event.data.reconcile) return reconcileChunk(event, deps);
  if (event.type === 'ChunkPaused' && isKeyListing(event)) {
    // The keys a paused id reconcile listed so far prove nothing (it is judged whole, when it finishes).
    await deps.bus.publish([
      makeEvent(
        'ChunkTransformed',
        { tenantId, jobId, occurredAt: deps.clock.now() },
        {
          source,
          table,
          chunkId,
          versions: 0,
          quarantined: 0,
          objectKeys: [],
          reconcile: { deleted: 0, untrusted: 'paused' },
        },
        [source, table, chunkId],
      ),
    ]);
    return { versions: 0, quarantined: 0 };
  }
  const { connector, settings } = await deps.sourceFor(tenantId, source);
  const mapping = connector.mapping(settings, table);
  const versions = new Map<string, CanonicalVersion>();
  // A delete sweep's chunk holds deletion markers (shared/sources/deletionMarker.ts), not source records.
  const sweep =
    event.type === 'ChunkFetched' ? event.data.deletions === true : event.data.keyRange.kind === 'deletions';
  const quarantine: QuarantinedRecord[] = [];
  for (const key of event.data.objectKeys) {
    const body = await deps.lake.get(key);
    if (!body)
      throw new MalformedResponseError(
        `tenant ${tenantId}, source ${source}, table ${table}: raw part ${key} named by ${event.type} does not exist`,
      );
    for (const raw of await readRawRecords(body)) {
      const sourceId = raw.id;
      const text = recordText(raw.json);
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch (error) {
        // The fetcher checks a page's structure, not every literal (recordArray.ts): keep the text as received.
        const reason = `the record is not valid JSON: ${(error as Error).message}`;
        quarantine.push({ tenantId, source, table, sourceId, reason, payload: text, jobId, chunkId });
        continue;
      }
      if (sweep) {
        const deletedAt = deletionTime(payload);
        if (typeof deletedAt === 'string') {
          quarantine.push({ tenantId, source, table, sourceId, reason: deletedAt, payload, jobId, chunkId });
          continue;
        }
        // Only the key and the time matter: a tombstone is never a history row of its own.
        versions.set(`${sourceId}|${deletedAt.getTime()}|${TOMBSTONE_HASH}`, {
          tenantId,
          source,
          sourceId,
          validFrom: deletedAt,
          recordHash: TOMBSTONE_HASH,
          row: { updated_at: deletedAt },
        });
        continue;
      }
      const result = mapping.map(payload);
      if (!result.ok) {
        quarantine.push({
          tenantId,
          source,
          table,
          sourceId,
          reason: result.reason,
          payload,
          jobId,
          chunkId,
        });
        continue;
      }
      const validFrom = result.row.updated_at as Date;
      // A record the source serves as deleted is a tombstone at its change time: it closes the record's history.
      const hash = mapping.isDeletion(payload) ? TOMBSTONE_HASH : recordHash(result.row);
      versions.set(`${sourceId}|${validFrom.getTime()}|${hash}`, {
        tenantId,
        source,
        sourceId,
        validFrom,
        recordHash: hash,
        row: result.row,
      });
    }
  }
  const objectKeys: string[] = [];
  const parts = { tenantId, source, table, jobId, chunkId };
  if (versions.size > 0) {
    const sorted = [...versions.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, version]) => version);
    await deps.lake.put(canonicalVersionsKey(parts), encodeCanonicalVersions(table, sorted));
    objectKeys.push(canonicalVersionsKey(parts));
  }
  if (quarantine.length > 0) {
    await deps.lake.put(quarantineKey(parts), encodeQuarantine(quarantine));
    objectKeys.push(quarantineKey(parts));
  }
  await deps.bus.publish([
    makeEvent(
      'ChunkTransformed',
      { tenantId, jobId, occurredAt: deps.clock.now() },
      { source, table, chunkId, versions: versions.size, quarantined: quarantine.length, objectKeys },
      [source, table, chunkId],
    ),
  ]);
  return { versions: versions.size, quarantined: quarantine.length };
}
