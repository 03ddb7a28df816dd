import type { ReceivedRecord } from './recordArray';

/**
 * What a delete sweep writes to the raw lake for each record deleted at the source: the deleted record's key,
 * when it was deleted, and the signal it came from with that signal's own evidence (the audit row, getDeleted's
 * entry). The transform turns each into a tombstone (services/transform/scd2.ts).
 */
export interface DeletionMarker {
  id: string;
  deletedAt: string;
  /** e.g. `sys_audit_delete`, `getDeleted`. */
  signal: string;
  evidence: unknown;
}

const utf8 = new TextEncoder();

/** A deletion marker as a received record: its key, the deletion time as its change time, its JSON. */
export function deletionMarker(
  id: string,
  deletedAt: Date,
  signal: string,
  evidence: unknown,
): ReceivedRecord {
  const marker: DeletionMarker = { id, deletedAt: deletedAt.toISOString(), signal, evidence };
  return { id, lastUpdated: deletedAt, json: utf8.encode(JSON.stringify(marker)) };
}

/** A stored marker's deletion time, or a reason it is not a marker. */
export function deletionTime(payload: unknown): Date | string {
  const at = (payload as Partial<DeletionMarker> | null)?.deletedAt;
  const date = typeof at === 'string' ? new Date(at) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : 'a delete sweep row without a deletedAt time';
}
