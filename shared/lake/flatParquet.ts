/**
 * A Parquet writer for the lake's own files: flat schemas of required or optional primitive columns, one
 * row group, one DATA_PAGE_V2 page per column, PLAIN values, optional min/max statistics.
 *
 * Why not hyparquet-writer (which wrote them before): it converts, samples for dictionaries and copies
 * every value on its way, which cost more than compressing the data itself —
 * 16 ms for a 1,000-ticket raw part of which Brotli was 5, and 13 ms for a 1,000-row versions file before
 * any compression. Here every column is written once into a buffer of its exact size.
 *
 * Format: https://github.com/apache/parquet-format (parquet.thrift, Encodings.md); Thrift compact protocol:
 * https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md
 */

export type FlatColumnType = 'string' | 'json' | 'int64' | 'double' | 'boolean' | 'timestamp';

/** Values per type: strings as text, json as its text or its UTF-8 bytes, timestamps as Dates. */
export type FlatValue = string | Uint8Array | number | boolean | Date | null | undefined;

export interface FlatColumn {
  name: string;
  type: FlatColumnType;
  optional: boolean;
  values: readonly FlatValue[];
  /** Min/max (int64 and timestamp only) and the null count, so readers can prune. Default false. */
  statistics?: boolean;
}

export interface FlatParquetOptions {
  columns: readonly FlatColumn[];
  /** Compresses one page's values; undefined writes them uncompressed. */
  compression?: { codec: 'BROTLI' | 'GZIP' | 'ZSTD'; compress: (bytes: Uint8Array) => Uint8Array };
  keyValueMetadata?: ReadonlyArray<{ key: string; value: string }>;
  /** Rows per row group (DEFAULT_ROW_GROUP_ROWS). */
  rowGroupRows?: number;
}

const PHYSICAL = { boolean: 0, int64: 2, double: 5, byteArray: 6 } as const;
const CONVERTED = { UTF8: 0, TIMESTAMP_MILLIS: 9, JSON: 19 } as const;
const CODEC = { UNCOMPRESSED: 0, GZIP: 2, BROTLI: 4, ZSTD: 6 } as const;
const ENCODING = { PLAIN: 0, RLE: 3 } as const;
const DATA_PAGE_V2 = 3;

/** Encodes one Parquet file from columns of equal length. */
export function writeFlatParquet(options: FlatParquetOptions): Uint8Array {
  const { columns } = options;
  const rows = columns[0]?.values.length ?? 0;
  for (const column of columns) {
    if (column.values.length !== rows)
      throw new Error(`column ${column.name} has ${column.values.length} values, expected ${rows}`);
  }
  const out = new Chunks();
  out.push(MAGIC);
  const rowGroups: ThriftStruct[] = [];
  const groupSize = Math.max(1, options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS);
  // An empty file still gets one (empty) row group, as other writers do.
  for (let first = 0; first === 0 || first < rows; first += groupSize) {
    const count = Math.min(groupSize, rows - first);
    const group = columns.map((column) =>
      rows <= groupSize ? column : { ...column, values: column.values.slice(first, first + count) },
    );
    rowGroups.push(writeRowGroup(out, group, count, options));
  }
  const footer = thrift([
    [1, 'i32', 2],
    [2, 'list', { type: 'struct', items: [rootElement(columns.length), ...columns.map(schemaElement)] }],
    [3, 'i64', rows],
    [
      4,
      'list',
      {
        type: 'struct',
        items: rowGroups,
      },
    ],
    ...(options.keyValueMetadata?.length
      ? ([
          [
            5,
            'list',
            {
              type: 'struct',
              items: options.keyValueMetadata.map(({ key, value }) => [
                [1, 'binary', key],
                [2, 'binary', value],
              ]),
            },
          ],
        ] as ThriftStruct)
      : []),
    [6, 'binary', 'avesa flatParquet'],
  ]);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, footer.length, true);
  out.push(footer, length, MAGIC);
  return out.concat();
}

/**
 * Rows per row group: one page per column each. Readers hold a column's page whole, so a row group of a
 * 20,000-row versions file with ~600-byte JSON columns in one page made DuckDB's compaction run out of its
 * memory limit; 4,096 rows keep a page to a few MB.
 */
const DEFAULT_ROW_GROUP_ROWS = 4096;

/** Appends one row group (a DATA_PAGE_V2 page per column) and returns its metadata. */
function writeRowGroup(
  out: Chunks,
  columns: readonly FlatColumn[],
  rows: number,
  options: FlatParquetOptions,
): ThriftStruct {
  const chunkMetadata: ThriftStruct[] = [];
  let rowGroupBytes = 0;
  for (const column of columns) {
    const page = encodeColumn(column);
    const compressed = options.compression ? options.compression.compress(page.values) : page.values;
    const header = thrift([
      [1, 'i32', DATA_PAGE_V2],
      [2, 'i32', page.levels.length + page.values.length],
      [3, 'i32', page.levels.length + compressed.length],
      [
        8,
        'struct',
        [
          [1, 'i32', rows],
          [2, 'i32', page.nulls],
          [3, 'i32', rows],
          [4, 'i32', ENCODING.PLAIN],
          [5, 'i32', page.levels.length],
          [6, 'i32', 0],
          [7, 'bool', options.compression !== undefined],
        ],
      ],
    ]);
    const offset = out.length;
    out.push(header, page.levels, compressed);
    const uncompressed = header.length + page.levels.length + page.values.length;
    const written = out.length - offset;
    rowGroupBytes += uncompressed;
    chunkMetadata.push([
      [2, 'i64', offset],
      [
        3,
        'struct',
        [
          [1, 'i32', physicalType(column.type)],
          [
            2,
            'list',
            { type: 'i32', items: column.optional ? [ENCODING.PLAIN, ENCODING.RLE] : [ENCODING.PLAIN] },
          ],
          [3, 'list', { type: 'binary', items: [column.name] }],
          [4, 'i32', options.compression ? CODEC[options.compression.codec] : CODEC.UNCOMPRESSED],
          [5, 'i64', rows],
          [6, 'i64', uncompressed],
          [7, 'i64', written],
          [9, 'i64', offset],
          ...(column.statistics ? ([[12, 'struct', statistics(column, page.nulls)]] as ThriftStruct) : []),
        ],
      ],
    ]);
  }
  return [
    [1, 'list', { type: 'struct', items: chunkMetadata }],
    [2, 'i64', rowGroupBytes],
    [3, 'i64', rows],
  ];
}

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // PAR1

function physicalType(type: FlatColumnType): number {
  switch (type) {
    case 'string':
    case 'json':
      return PHYSICAL.byteArray;
    case 'int64':
    case 'timestamp':
      return PHYSICAL.int64;
    case 'double':
      return PHYSICAL.double;
    case 'boolean':
      return PHYSICAL.boolean;
  }
}

function rootElement(children: number): ThriftStruct {
  return [
    [4, 'binary', 'root'],
    [5, 'i32', children],
  ];
}

function schemaElement(column: FlatColumn): ThriftStruct {
  const fields: ThriftStruct = [
    [1, 'i32', physicalType(column.type)],
    [3, 'i32', column.optional ? 1 : 0],
    [4, 'binary', column.name],
  ];
  if (column.type === 'string') {
    fields.push([6, 'i32', CONVERTED.UTF8], [10, 'struct', [[1, 'struct', []]]]);
  } else if (column.type === 'json') {
    fields.push([6, 'i32', CONVERTED.JSON], [10, 'struct', [[12, 'struct', []]]]);
  } else if (column.type === 'timestamp') {
    // TIMESTAMP(isAdjustedToUTC = true, MILLIS): DuckDB reads TIMESTAMP WITH TIME ZONE.
    fields.push(
      [6, 'i32', CONVERTED.TIMESTAMP_MILLIS],
      [
        10,
        'struct',
        [
          [
            8,
            'struct',
            [
              [1, 'bool', true],
              [2, 'struct', [[1, 'struct', []]]],
            ],
          ],
        ],
      ],
    );
  }
  return fields;
}

function statistics(column: FlatColumn, nulls: number): ThriftStruct {
  const fields: ThriftStruct = [[3, 'i64', nulls]];
  if (column.type !== 'int64' && column.type !== 'timestamp') return fields;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of column.values) {
    if (value === null || value === undefined) continue;
    const number = value instanceof Date ? value.getTime() : (value as number);
    if (number < min) min = number;
    if (number > max) max = number;
  }
  if (min > max) return fields;
  return [...fields, [5, 'binary', int64Bytes(max)], [6, 'binary', int64Bytes(min)]];
}

function int64Bytes(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(value), true);
  return bytes;
}

interface EncodedPage {
  /** Definition levels (RLE, without the length prefix: DATA_PAGE_V2 stores their length in the header). */
  levels: Uint8Array;
  values: Uint8Array;
  nulls: number;
}

/** PLAIN values of one column, nulls left out, and its definition levels when the column is optional. */
function encodeColumn(column: FlatColumn): EncodedPage {
  const present: FlatValue[] = [];
  for (const value of column.values) {
    if (value === null || value === undefined) {
      if (!column.optional) throw new Error(`column ${column.name} is required but has a null value`);
    } else present.push(value);
  }
  const nulls = column.values.length - present.length;
  const levels = column.optional ? definitionLevels(column.values) : new Uint8Array(0);
  switch (column.type) {
    case 'string':
    case 'json':
      return { levels, nulls, values: plainByteArrays(column, present) };
    case 'int64':
    case 'timestamp': {
      const values = new Uint8Array(present.length * 8);
      const view = new DataView(values.buffer);
      present.forEach((value, index) => {
        const number = value instanceof Date ? value.getTime() : (value as number);
        if (!Number.isSafeInteger(number))
          throw new Error(`column ${column.name} expects an integer, got ${String(value)}`);
        // Two 32-bit halves: a safe integer never needs a BigInt.
        view.setUint32(index * 8, number >>> 0, true);
        view.setInt32(index * 8 + 4, Math.floor(number / 2 ** 32), true);
      });
      return { levels, nulls, values };
    }
    case 'double': {
      const values = new Uint8Array(present.length * 8);
      const view = new DataView(values.buffer);
      present.forEach((value, index) => view.setFloat64(index * 8, value as number, true));
      return { levels, nulls, values };
    }
    case 'boolean': {
      // PLAIN booleans are bit-packed, least significant bit first.
      const values = new Uint8Array(Math.ceil(present.length / 8));
      present.forEach((value, index) => {
        if (value) values[index >> 3]! |= 1 << (index & 7);
      });
      return { levels, nulls, values };
    }
  }
}

/** Each value as a 4-byte little-endian length and its bytes, in one buffer. */
function plainByteArrays(column: FlatColumn, present: FlatValue[]): Uint8Array {
  // Text is written straight into the buffer (no intermediate byte array per value), which needs room
  // for the worst case first: 3 UTF-8 bytes per UTF-16 code unit.
  let capacity = 0;
  for (const value of present) {
    if (value instanceof Uint8Array) capacity += 4 + value.length;
    else if (typeof value === 'string') capacity += 4 + 3 * value.length;
    else throw new Error(`column ${column.name} expects text, got ${typeof value}`);
  }
  const values = Buffer.allocUnsafe(capacity);
  let at = 0;
  for (const value of present) {
    let length: number;
    if (typeof value === 'string') length = values.write(value, at + 4, 'utf8');
    else {
      values.set(value as Uint8Array, at + 4);
      length = (value as Uint8Array).length;
    }
    values.writeUInt32LE(length, at);
    at += 4 + length;
  }
  return new Uint8Array(values.buffer, values.byteOffset, at);
}

/** Definition levels (0 null, 1 present) as RLE runs of the RLE/bit-packing hybrid, bit width 1. */
function definitionLevels(values: readonly FlatValue[]): Uint8Array {
  const bytes: number[] = [];
  let index = 0;
  while (index < values.length) {
    const present = values[index] !== null && values[index] !== undefined;
    let run = 1;
    while (
      index + run < values.length &&
      (values[index + run] !== null && values[index + run] !== undefined) === present
    )
      run++;
    pushVarint(bytes, run << 1); // header: run length, low bit 0 = RLE run
    bytes.push(present ? 1 : 0); // the repeated value, in ceil(1 / 8) = 1 byte
    index += run;
  }
  return Uint8Array.from(bytes);
}

function pushVarint(bytes: number[], value: number): void {
  let remaining = value;
  while (remaining >= 0x80) {
    bytes.push((remaining & 0x7f) | 0x80);
    remaining = Math.floor(remaining / 128);
  }
  bytes.push(remaining);
}

// --- Thrift compact protocol (only what the metadata above needs) -----------------------------------------

type ThriftValue =
  | number
  | boolean
  | string
  | Uint8Array
  | ThriftStruct
  | { type: 'i32' | 'binary' | 'struct'; items: ReadonlyArray<number | string | ThriftStruct> };
type ThriftField = readonly [
  id: number,
  type: 'i32' | 'i64' | 'bool' | 'binary' | 'struct' | 'list',
  value: ThriftValue,
];
type ThriftStruct = ThriftField[];

const encoder = new TextEncoder();

const COMPACT = { true: 1, false: 2, i32: 5, i64: 6, binary: 8, list: 9, struct: 12 } as const;

function thrift(struct: ThriftStruct): Uint8Array {
  const bytes: number[] = [];
  writeStruct(bytes, struct);
  return Uint8Array.from(bytes);
}

function writeStruct(bytes: number[], struct: ThriftStruct): void {
  let lastId = 0;
  for (const [id, type, value] of struct) {
    const typeCode = type === 'bool' ? (value ? COMPACT.true : COMPACT.false) : COMPACT[type];
    const delta = id - lastId;
    if (delta > 0 && delta <= 15) bytes.push((delta << 4) | typeCode);
    else {
      bytes.push(typeCode);
      pushVarint(bytes, zigzag(id));
    }
    lastId = id;
    if (type !== 'bool') writeValue(bytes, type, value);
  }
  bytes.push(0); // stop
}

function writeValue(
  bytes: number[],
  type: 'i32' | 'i64' | 'binary' | 'struct' | 'list',
  value: ThriftValue,
): void {
  switch (type) {
    case 'i32':
    case 'i64':
      pushVarint(bytes, zigzag(value as number));
      return;
    case 'binary': {
      const data = typeof value === 'string' ? encoder.encode(value) : (value as Uint8Array);
      pushVarint(bytes, data.length);
      for (const byte of data) bytes.push(byte);
      return;
    }
    case 'struct':
      writeStruct(bytes, value as ThriftStruct);
      return;
    case 'list': {
      const list = value as {
        type: 'i32' | 'binary' | 'struct';
        items: ReadonlyArray<number | string | ThriftStruct>;
      };
      const elementType = COMPACT[list.type];
      if (list.items.length < 15) bytes.push((list.items.length << 4) | elementType);
      else {
        bytes.push(0xf0 | elementType);
        pushVarint(bytes, list.items.length);
      }
      for (const item of list.items) writeValue(bytes, list.type, item as ThriftValue);
      return;
    }
  }
}

/** Zigzag encoding of a signed integer (safe integers; multiplication keeps it exact beyond 32 bits). */
function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** Byte chunks appended in order and joined once. */
class Chunks {
  private readonly parts: Uint8Array[] = [];
  length = 0;

  push(...chunks: Uint8Array[]): void {
    for (const chunk of chunks) {
      this.parts.push(chunk);
      this.length += chunk.length;
    }
  }

  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}
