import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { writeFlatParquet, type FlatColumn } from '../../shared/lake/flatParquet';
import { PARQUET_COMPRESSION, PARQUET_DECOMPRESSORS } from '../../shared/lake/parquetCodec';

const brotli = PARQUET_COMPRESSION;

const read = (file: Uint8Array, columns?: string[]) =>
  parquetReadObjects({
    file: file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer,
    compressors: PARQUET_DECOMPRESSORS,
    ...(columns ? { columns } : {}),
  });

function sampleColumns(): FlatColumn[] {
  return [
    { name: 'tenant_id', type: 'string', optional: false, values: ['acme', 'acme', 'acme'] },
    { name: 'id', type: 'int64', optional: false, values: [1, 2 ** 40 + 3, -5], statistics: true },
    { name: 'summary', type: 'string', optional: true, values: ['Zürich — 東京', null, ''] },
    { name: 'hours', type: 'double', optional: true, values: [1.5, undefined, -0.25] },
    { name: 'closed', type: 'boolean', optional: true, values: [true, false, null] },
    {
      name: 'updated_at',
      type: 'timestamp',
      optional: true,
      values: [new Date('2025-03-01T12:00:00Z'), null, new Date('1969-12-31T23:59:59.999Z')],
      statistics: true,
    },
    {
      name: 'payload',
      type: 'json',
      optional: false,
      values: [new TextEncoder().encode('{"a":1}'), '{"b":[true,null]}', '"text"'],
    },
  ];
}

describe('writeFlatParquet', () => {
  let scratch: string;
  beforeAll(() => (scratch = mkdtempSync(join(tmpdir(), 'avesa-flat-'))));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('given every column type, required and optional with nulls, then hyparquet reads back exactly the values', async () => {
    for (const compression of [brotli, undefined]) {
      const file = writeFlatParquet({ columns: sampleColumns(), ...(compression ? { compression } : {}) });
      expect(await read(file)).toEqual([
        {
          tenant_id: 'acme',
          id: 1n,
          summary: 'Zürich — 東京',
          hours: 1.5,
          closed: true,
          updated_at: new Date('2025-03-01T12:00:00Z'),
          payload: { a: 1 },
        },
        {
          tenant_id: 'acme',
          id: 2n ** 40n + 3n,
          summary: null,
          hours: null,
          closed: false,
          updated_at: null,
          payload: { b: [true, null] },
        },
        {
          tenant_id: 'acme',
          id: -5n,
          summary: '',
          hours: -0.25,
          closed: null,
          updated_at: new Date('1969-12-31T23:59:59.999Z'),
          payload: 'text',
        },
      ]);
    }
  });

  it('given the same file, then DuckDB reads the declared types (UTC timestamps, JSON) and the values', async () => {
    const path = join(scratch, 'sample.parquet');
    writeFileSync(path, writeFlatParquet({ columns: sampleColumns(), compression: brotli }));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const types = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`))
        .getRowObjectsJS()
        .map((row) => [row.column_name, row.column_type]);
      expect(types).toEqual([
        ['tenant_id', 'VARCHAR'],
        ['id', 'BIGINT'],
        ['summary', 'VARCHAR'],
        ['hours', 'DOUBLE'],
        ['closed', 'BOOLEAN'],
        ['updated_at', 'TIMESTAMP WITH TIME ZONE'],
        ['payload', 'JSON'],
      ]);
      const rows = (
        await connection.runAndReadAll(
          `SELECT id, summary, hours, closed, epoch_ms(updated_at) AS ms, payload->>'$.b[0]' AS b
           FROM read_parquet('${path}') ORDER BY id`,
        )
      ).getRowObjectsJS();
      expect(rows).toEqual([
        { id: -5n, summary: '', hours: -0.25, closed: null, ms: -1n, b: null },
        { id: 1n, summary: 'Zürich — 東京', hours: 1.5, closed: true, ms: 1740830400000n, b: null },
        { id: 2n ** 40n + 3n, summary: null, hours: null, closed: false, ms: null, b: 'true' },
      ]);
      const [stats] = (
        await connection.runAndReadAll(
          `SELECT stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata('${path}') WHERE path_in_schema = 'id'`,
        )
      ).getRowObjectsJS();
      expect(stats).toEqual({
        stats_min_value: '-5',
        stats_max_value: String(2 ** 40 + 3),
        stats_null_count: 0n,
      });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('given key-value metadata and no rows, then the file is valid and carries the metadata', async () => {
    const file = writeFlatParquet({
      columns: [{ name: 'id', type: 'int64', optional: false, values: [] }],
      keyValueMetadata: [{ key: 'avesa.format', value: 'test-v1' }],
    });
    expect(await read(file)).toEqual([]);
    const metadata = parquetMetadata(file.buffer.slice(file.byteOffset) as ArrayBuffer);
    expect(metadata.key_value_metadata).toEqual([{ key: 'avesa.format', value: 'test-v1' }]);
    expect(Number(metadata.num_rows)).toBe(0);
  });

  it('given any optional strings and integers (runs of nulls of any length), then they read back as written (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.option(fc.string()), fc.option(fc.maxSafeInteger())), { maxLength: 300 }),
        async (rows) => {
          const file = writeFlatParquet({
            columns: [
              { name: 'text', type: 'string', optional: true, values: rows.map(([text]) => text) },
              { name: 'number', type: 'int64', optional: true, values: rows.map(([, number]) => number) },
            ],
            compression: brotli,
          });
          expect(await read(file)).toEqual(
            rows.map(([text, number]) => ({ text, number: number === null ? null : BigInt(number) })),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('given a null in a required column or columns of different lengths, then it refuses naming the column', () => {
    expect(() =>
      writeFlatParquet({ columns: [{ name: 'id', type: 'int64', optional: false, values: [1, null] }] }),
    ).toThrow('column id is required but has a null value');
    expect(() =>
      writeFlatParquet({
        columns: [
          { name: 'a', type: 'int64', optional: false, values: [1] },
          { name: 'b', type: 'int64', optional: false, values: [] },
        ],
      }),
    ).toThrow('column b has 0 values, expected 1');
  });
});

describe('writeFlatParquet row groups', () => {
  it('given more rows than a row group holds, then they are split into row groups that read back in order, statistics per group', async () => {
    const ids = Array.from({ length: 10 }, (_, index) => index * 3);
    const file = writeFlatParquet({
      columns: [
        { name: 'id', type: 'int64', optional: false, values: ids, statistics: true },
        { name: 'note', type: 'string', optional: true, values: ids.map((id) => (id % 2 ? `n${id}` : null)) },
      ],
      compression: PARQUET_COMPRESSION,
      rowGroupRows: 4,
    });
    const metadata = parquetMetadata(file.buffer.slice(file.byteOffset) as ArrayBuffer);
    expect(metadata.row_groups.map((group) => Number(group.num_rows))).toEqual([4, 4, 2]);
    expect(
      (
        await parquetReadObjects({
          file: file.buffer.slice(file.byteOffset) as ArrayBuffer,
          compressors: PARQUET_DECOMPRESSORS,
        })
      ).map((row) => [Number(row.id), row.note]),
    ).toEqual(ids.map((id) => [id, id % 2 ? `n${id}` : null]));
  });
});
