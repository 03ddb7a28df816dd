import { hash } from 'node:crypto';
import type { CanonicalRow } from '../../mappings/compile';

/** Columns that change on every source update without the content changing: left out of the hash. */
const VOLATILE_COLUMNS = new Set(['updated_at']);

/** The key list last seen and its hashed columns in name order: rows of one table share their keys. */
let lastKeys: string[] = [];
let lastHashedColumns: string[] = [];

function hashedColumns(row: CanonicalRow): string[] {
  const keys = Object.keys(row);
  if (keys.length !== lastKeys.length || keys.some((key, index) => key !== lastKeys[index])) {
    lastKeys = keys;
    lastHashedColumns = keys.filter((column) => !VOLATILE_COLUMNS.has(column)).sort();
  }
  return lastHashedColumns;
}

/**
 * A stable hash of a row's mapped content, independent of key order: the SHA-256 of
 * `JSON.stringify([[column, value], …])` over the columns in name order (dates as ISO text), truncated to
 * 128 bits. Stored in every version and history row, so the definition must never change.
 */
export function recordHash(row: CanonicalRow): string {
  const columns = hashedColumns(row);
  const pairs = new Array<[string, unknown]>(columns.length);
  for (let index = 0; index < columns.length; index++) {
    const column = columns[index]!;
    const value = row[column];
    pairs[index] = [column, value instanceof Date ? value.toISOString() : value];
  }
  return hash('sha256', JSON.stringify(pairs), 'hex').slice(0, 32);
}

/**
 * The record_hash of a tombstone: a version that says the record was deleted at the source at its valid_from.
 * Not a hex digest, so no content hashes to it; it sorts after every digest, so a deletion wins over an edit
 * stamped with the same instant.
 */
export const TOMBSTONE_HASH = '~deleted';

export interface Version {
  /** The business key: tenant, source and source id. */
  key: string;
  /** The source's last-updated time of this version. */
  validFrom: Date;
  row: CanonicalRow;
  /** The record was deleted at the source at validFrom (its hash is TOMBSTONE_HASH, its row is not used). */
  tombstone?: boolean;
}

export interface HistoryRow {
  key: string;
  row: CanonicalRow;
  valid_from: Date;
  /** The next version's valid_from; null while current. */
  valid_to: Date | null;
  is_current: boolean;
  record_hash: string;
  /** The deletion that closed this version (its valid_to), when the record was deleted at the source. */
  deleted_at: Date | null;
}

/**
 * SCD Type 2 history from any bag of versions (DESIGN §4.4): the result depends only on the set of
 * versions, never on the order chunks finished or how often a version was delivered. Per key, versions
 * are ordered by valid_from; a version whose content equals its predecessor's is not a new version; two
 * different versions stamped with the same second keep the one with the greater hash, so the choice is
 * deterministic and intervals never have zero length. Intervals are contiguous, and exactly one row per
 * key is current, except for a key whose last kept version is a tombstone: it has none, its last version closed
 * at the deletion with `deleted_at`. Tombstones are versions like any other (a second one is no change, a
 * version after one is a new version: the record came back), so order independence and idempotency hold for
 * deletes too; a tombstone itself is never a history row.
 */
export function buildHistory(versions: readonly Version[]): HistoryRow[] {
  const byKey = new Map<string, Array<Version & { hash: string }>>();
  for (const version of versions) {
    const list = byKey.get(version.key) ?? [];
    list.push({ ...version, hash: version.tombstone ? TOMBSTONE_HASH : recordHash(version.row) });
    byKey.set(version.key, list);
  }
  const history: HistoryRow[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const ordered = byKey
      .get(key)!
      .sort(
        (a, b) =>
          a.validFrom.getTime() - b.validFrom.getTime() || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0),
      );
    const kept: Array<Version & { hash: string }> = [];
    for (const version of ordered) {
      const previous = kept[kept.length - 1];
      if (previous && previous.validFrom.getTime() === version.validFrom.getTime()) {
        kept[kept.length - 1] = version; // same second: the greater hash wins (sorted ascending)
        if (kept.length > 1 && kept[kept.length - 2]!.hash === version.hash) kept.pop();
        continue;
      }
      if (previous && previous.hash === version.hash) continue; // unchanged content: not a new version
      kept.push(version);
    }
    kept.forEach((version, index) => {
      if (version.hash === TOMBSTONE_HASH) return;
      const next = kept[index + 1];
      history.push({
        key,
        row: version.row,
        valid_from: version.validFrom,
        valid_to: next ? next.validFrom : null,
        is_current: next === undefined,
        record_hash: version.hash,
        deleted_at: next?.hash === TOMBSTONE_HASH ? next.validFrom : null,
      });
    });
  }
  return history;
}
