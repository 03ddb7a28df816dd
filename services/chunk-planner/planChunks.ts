export interface IdRange {
  from: number;
  to: number;
}

/**
 * Splits the id span of a window into keyset ranges of roughly `targetRecords` each (DESIGN §5).
 * Ranges are inclusive, contiguous and cover [minId, maxId] exactly, so every record of the window is in
 * exactly one chunk whatever the id density. Pure: the same inputs always give the same ranges.
 */
export function planChunks(input: {
  count: number;
  minId: number;
  maxId: number;
  targetRecords: number;
}): IdRange[] {
  const { count, minId, maxId, targetRecords } = input;
  if (count <= 0) return [];
  if (maxId < minId) throw new Error(`id bounds are inverted: min ${minId} > max ${maxId}`);
  const span = maxId - minId + 1;
  const chunks = Math.max(1, Math.min(Math.ceil(count / targetRecords), span));
  const ranges: IdRange[] = [];
  for (let index = 0; index < chunks; index++) {
    const from = minId + Math.floor((span * index) / chunks);
    const to = minId + Math.floor((span * (index + 1)) / chunks) - 1;
    ranges.push({ from, to });
  }
  return ranges;
}
