import type { KeyRange } from '../../shared/events/schemas';
import type { KeyKind } from '../../shared/sources/connector';

/**
 * Splits the key span of a window into ranges of roughly `targetRecords` each (DESIGN §5). Ranges are
 * inclusive, contiguous and cover [bounds.from, bounds.to] exactly, so every record of the window is in
 * exactly one chunk whatever the key density. Integer ids split as numbers, fixed-alphabet text keys
 * (sys_ids) as numbers in their alphabet's base, times by milliseconds. Pure: the same inputs always give
 * the same ranges.
 */
export function planChunks(input: {
  count: number;
  bounds: KeyRange;
  keyKind: KeyKind;
  targetRecords: number;
}): KeyRange[] {
  const { count, bounds, keyKind, targetRecords } = input;
  if (count <= 0) return [];
  if (bounds.kind === 'all' || bounds.kind === 'deletions' || bounds.kind === 'reconcile') return [bounds];
  const wanted = Math.max(1, Math.ceil(count / targetRecords));
  if (bounds.kind === 'integer') {
    return splitSpan(BigInt(bounds.from), BigInt(bounds.to), wanted).map(([from, to]) => ({
      kind: 'integer',
      from: Number(from),
      to: Number(to),
    }));
  }
  if (bounds.kind === 'time') {
    return splitSpan(BigInt(Date.parse(bounds.from)), BigInt(Date.parse(bounds.to)), wanted).map(
      ([from, to]) => ({
        kind: 'time',
        from: new Date(Number(from)).toISOString(),
        to: new Date(Number(to)).toISOString(),
      }),
    );
  }
  if (keyKind.kind !== 'string') throw new Error(`text key bounds for a ${keyKind.kind} key`);
  const codec = alphabetCodec(keyKind.alphabet, keyKind.length);
  const from = codec.decode(bounds.from);
  const to = codec.decode(bounds.to);
  // A key outside the declared alphabet cannot be interpolated: one range still covers the window exactly.
  if (from === undefined || to === undefined) return [bounds];
  return splitSpan(from, to, wanted).map(([low, high]) => ({
    kind: 'string',
    from: codec.encode(low),
    to: codec.encode(high),
  }));
}

/** [min, max] in `wanted` contiguous inclusive parts (fewer when the span is smaller). */
function splitSpan(min: bigint, max: bigint, wanted: number): Array<[bigint, bigint]> {
  if (max < min) throw new Error(`key bounds are inverted: min ${min} > max ${max}`);
  const span = max - min + 1n;
  const parts = BigInt(wanted) < span ? BigInt(wanted) : span;
  const ranges: Array<[bigint, bigint]> = [];
  for (let index = 0n; index < parts; index++) {
    ranges.push([min + (span * index) / parts, min + (span * (index + 1n)) / parts - 1n]);
  }
  return ranges;
}

/** Fixed-length keys over an alphabet (in the source's sort order) as numbers in that base, and back. */
function alphabetCodec(alphabet: string, length: number) {
  const base = BigInt(alphabet.length);
  const digit = new Map([...alphabet].map((character, index) => [character, BigInt(index)]));
  return {
    decode(key: string): bigint | undefined {
      if (key.length !== length) return undefined;
      let value = 0n;
      for (const character of key) {
        const d = digit.get(character);
        if (d === undefined) return undefined;
        value = value * base + d;
      }
      return value;
    },
    encode(value: bigint): string {
      let key = '';
      for (let position = 0; position < length; position++) {
        key = alphabet[Number(value % base)]! + key;
        value /= base;
      }
      return key;
    },
  };
}
