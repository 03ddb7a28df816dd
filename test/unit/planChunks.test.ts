import fc from 'fast-check';
import { planChunks } from '../../services/chunk-planner/planChunks';
import type { KeyRange } from '../../shared/events/schemas';

const integerKeys = { kind: 'integer' } as const;
const hexKeys = { kind: 'string', alphabet: '0123456789abcdef', length: 32 } as const;
const integers = (from: number, to: number): KeyRange => ({ kind: 'integer', from, to });
const hexToBig = (key: string) => BigInt(`0x${key}`);

describe('planChunks', () => {
  it('given an empty window, when planned, then there are no chunks', () => {
    expect(
      planChunks({ count: 0, bounds: integers(1, 1), keyKind: integerKeys, targetRecords: 100 }),
    ).toEqual([]);
  });

  it('given 25,000 records over ids 1..50,000 and a target of 5,000, when planned, then 5 contiguous ranges cover the span', () => {
    const ranges = planChunks({
      count: 25_000,
      bounds: integers(1, 50_000),
      keyKind: integerKeys,
      targetRecords: 5000,
    });
    expect(ranges).toEqual([
      integers(1, 10_000),
      integers(10_001, 20_000),
      integers(20_001, 30_000),
      integers(30_001, 40_000),
      integers(40_001, 50_000),
    ]);
  });

  it('given any integer window, when planned, then ranges are contiguous, non-empty, cover [min, max] exactly and number ceil(count/target) at most (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 0, max: 500_000 }),
        fc.integer({ min: 100, max: 20_000 }),
        (count, minId, extra, targetRecords) => {
          const maxId = minId + extra;
          const ranges = planChunks({
            count,
            bounds: integers(minId, maxId),
            keyKind: integerKeys,
            targetRecords,
          }) as Array<Extract<KeyRange, { kind: 'integer' }>>;
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

  it('given sys_id bounds, when planned, then hex ranges are contiguous in key order, 32 characters each, and cover the bounds exactly (property)', () => {
    const hexKey = fc
      .array(fc.constantFrom(...'0123456789abcdef'), { minLength: 32, maxLength: 32 })
      .map((characters) => characters.join(''));
    fc.assert(
      fc.property(hexKey, hexKey, fc.integer({ min: 1, max: 200_000 }), (a, b, count) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const ranges = planChunks({
          count,
          bounds: { kind: 'string', from, to },
          keyKind: hexKeys,
          targetRecords: 20_000,
        }) as Array<Extract<KeyRange, { kind: 'string' }>>;
        expect(ranges[0]!.from).toBe(from);
        expect(ranges[ranges.length - 1]!.to).toBe(to);
        ranges.forEach((range, index) => {
          expect(range.from).toMatch(/^[0-9a-f]{32}$/);
          expect(range.to).toMatch(/^[0-9a-f]{32}$/);
          // String order is the source's order (ServiceNow compares sys_ids as text).
          expect(range.from <= range.to).toBe(true);
          if (index > 0) expect(hexToBig(range.from)).toBe(hexToBig(ranges[index - 1]!.to) + 1n);
        });
        expect(ranges.length).toBe(
          Math.min(Math.ceil(count / 20_000), Number(hexToBig(to) - hexToBig(from) + 1n)),
        );
      }),
    );
  });

  it('given text keys outside the declared alphabet, when planned, then one range covers the window exactly', () => {
    const bounds: KeyRange = { kind: 'string', from: 'ABC', to: 'XYZ' };
    expect(planChunks({ count: 90_000, bounds, keyKind: hexKeys, targetRecords: 20_000 })).toEqual([bounds]);
  });

  it('given time bounds, when planned, then millisecond ranges split the span contiguously', () => {
    const ranges = planChunks({
      count: 40_000,
      bounds: { kind: 'time', from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.999Z' },
      keyKind: { kind: 'time' },
      targetRecords: 20_000,
    });
    expect(ranges).toEqual([
      { kind: 'time', from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.499Z' },
      { kind: 'time', from: '2026-01-01T00:00:00.500Z', to: '2026-01-01T00:00:00.999Z' },
    ]);
  });
});
