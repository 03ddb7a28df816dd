import type { CanonicalTableName } from '../../mappings/canonical';
import type { KeyRange, SyncWindow } from '../../shared/events/schemas';
import type { SourceConnector, SourceReader } from '../../shared/sources/connector';
import { planChunks } from './planChunks';

const DAY_MS = 86_400_000;
/**
 * At most this many slices (50 years of monthly slices); an older start widens the slices instead, so planning
 * stays a bounded number of surveys whatever `backfillFrom` says.
 */
export const MAX_BACKFILL_SLICES = 600;

/**
 * Cuts a backfill's window into slices of change time (DESIGN §11): the first from the window's own lower bound
 * (null: everything older) to `start` + one slice, then one every `sliceDays`, the last ending at the window's
 * end. Contiguous and disjoint (`> from`, `<= to`), so every record of the window is in exactly one slice.
 * Pure: the same inputs give the same slices, which is what lets a later job name the slices still missing.
 */
export function sliceWindows(window: SyncWindow, start: string, sliceDays: number): SyncWindow[] {
  const end = Date.parse(window.to);
  const first = Date.parse(start);
  const step = Math.max(sliceDays * DAY_MS, Math.ceil((end - first) / MAX_BACKFILL_SLICES));
  const slices: SyncWindow[] = [];
  let from = window.from;
  for (let boundary = first + step; boundary < end; boundary += step) {
    const to = new Date(boundary).toISOString();
    slices.push({ from, to });
    from = to;
  }
  slices.push({ from, to: window.to });
  return slices;
}

/** Where a backfill's slices start: `backfillFrom` when given, else the window's oldest change. */
export async function backfillStart(
  reader: SourceReader,
  table: CanonicalTableName,
  window: SyncWindow,
  backfillFrom: string | null,
): Promise<string> {
  if (backfillFrom !== null) return new Date(backfillFrom).toISOString();
  // A source that cannot name its oldest change backfills in one slice (still on the lane, still key-chunked).
  const oldest = reader.oldestChange ? await reader.oldestChange(table, window) : null;
  return oldest ?? window.to;
}

export interface SlicedPlan {
  ranges: KeyRange[];
  /** Per range, the slice it reads (an index into the backfill's slices). */
  chunkSlices: number[];
  /** Per range, its share of its slice's records. */
  rangeRecords: number[];
  expectedRecords: number;
}

/**
 * Plans the given slices of a backfill like windows of their own: each is surveyed and split into key ranges of
 * about `targetRecords`, so a month dense with changes still spreads over many chunks, and an empty one costs
 * its survey only. Surveys run at once; the tenant's request budget bounds how many are in flight.
 */
export async function planSlices(
  reader: SourceReader,
  connector: SourceConnector,
  table: CanonicalTableName,
  slices: readonly SyncWindow[],
  indexes: readonly number[],
  targetRecords: number,
): Promise<SlicedPlan> {
  const surveys = await Promise.all(indexes.map((index) => reader.survey(table, slices[index]!)));
  const plan: SlicedPlan = { ranges: [], chunkSlices: [], rangeRecords: [], expectedRecords: 0 };
  surveys.forEach(({ count, bounds }, position) => {
    if (count === 0 || bounds === null) return;
    const ranges = planChunks({ count, bounds, keyKind: connector.keyKind, targetRecords });
    plan.expectedRecords += count;
    for (const range of ranges) {
      plan.ranges.push(range);
      plan.chunkSlices.push(indexes[position]!);
      plan.rangeRecords.push(Math.ceil(count / ranges.length));
    }
  });
  return plan;
}
