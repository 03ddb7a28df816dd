import fc from 'fast-check';
import { planChunks } from '../../services/chunk-planner/planChunks';

describe('planChunks', () => {
  it('given an empty window, when planned, then there are no chunks', () => {
    expect(planChunks({ count: 0, minId: 1, maxId: 1, targetRecords: 100 })).toEqual([]);
  });

  it('given 25,000 records over ids 1..50,000 and a target of 5,000, when planned, then 5 contiguous ranges cover the span', () => {
    const ranges = planChunks({ count: 25_000, minId: 1, maxId: 50_000, targetRecords: 5000 });
    expect(ranges).toEqual([
      { from: 1, to: 10_000 },
      { from: 10_001, to: 20_000 },
      { from: 20_001, to: 30_000 },
      { from: 30_001, to: 40_000 },
      { from: 40_001, to: 50_000 },
    ]);
  });

  it('given any window, when planned, then ranges are contiguous, non-empty, cover [min, max] exactly and number ceil(count/target) at most', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 0, max: 500_000 }),
        fc.integer({ min: 100, max: 20_000 }),
        (count, minId, extra, targetRecords) => {
          const maxId = minId + extra;
          const ranges = planChunks({ count, minId, maxId, targetRecords });
          expect(ranges[0]!.from).toBe(minId);
          expect(ranges[ranges.length - 1]!.to).toBe(maxId);
          ranges.forEach((range, index) => {
            expect(range.to).toBeGreaterThanOrEqual(range.from);
            if (index > 0) expect(range.from).toBe(ranges[index - 1]!.to + 1);
          });
          expect(ranges.length).toBe(Math.min(Math.ceil(count / targetRecords), extra + 1));
        },
      ),
    );
  });
});
