import type { SyncWindow } from '../../shared/events/schemas';

/** ConnectWise datetime literal: whole seconds, UTC, in square brackets (reference §1.4). */
export function dateLiteral(iso: string): string {
  return `[${new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z')}]`;
}

/**
 * The window of DESIGN §5: `lastUpdated > [from]` (absent on a first full backfill) `and lastUpdated <= [to]`.
 * The upper bound is the job's start, so a record changed during the sync lands in the next one.
 */
export function windowCondition(window: SyncWindow): string {
  const upper = `lastUpdated <= ${dateLiteral(window.to)}`;
  return window.from === null ? upper : `lastUpdated > ${dateLiteral(window.from)} and ${upper}`;
}

export function idRangeCondition(range: { from: number; to: number }): string {
  return `id >= ${range.from} and id <= ${range.to}`;
}

export function and(...conditions: string[]): string {
  return conditions.map((condition) => `(${condition})`).join(' and ');
}
