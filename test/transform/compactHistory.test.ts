import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { CANONICAL_TABLES } from '../../mappings/canonical';
import { encodeCanonicalVersions, type CanonicalVersion } from '../../shared/lake/canonicalParquet';
import { compactHistory } from '../../services/transform/compactHistory';
import { buildHistory, TOMBSTONE_HASH } from '../../services/transform/scd2';
import { at, columnTypes, query, ticketVersion, withTempDir } from './lakeFixtures';

/** One history row in a shape both sides can produce: instants as epoch milliseconds. */
interface ComparableRow {
  key: string;
  valid_from: number;
  valid_to: number | null;
  is_current: boolean;
  record_hash: string;
  deleted_at: number | null;
  row: Record<string, unknown>;
}

const keyOf = (tenantId: unknown, source: unknown, sourceId: unknown) =>
  JSON.stringify([tenantId, source, sourceId]);
const byKeyAndTime = (a: ComparableRow, b: ComparableRow) =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : a.valid_from - b.valid_from;
const ticketColumns = CANONICAL_TABLES.tickets.columns;

function expectedHistory(versions: CanonicalVersion[]): ComparableRow[] {
  return buildHistory(
    versions.map((version) => ({
      key: keyOf(version.tenantId, version.source, version.sourceId),
      validFrom: version.validFrom,
      row: version.row,
      tombstone: version.recordHash === TOMBSTONE_HASH,
    })),
  )
    .map((entry) => ({
      key: entry.key,
      valid_from: entry.valid_from.getTime(),
      valid_to: entry.valid_to?.getTime() ?? null,
      is_current: entry.is_current,
      record_hash: entry.record_hash,
      deleted_at: entry.deleted_at?.getTime() ?? null,
      row: Object.fromEntries(
        ticketColumns.map((column) => {
          const value = entry.row[column.name] ?? null;
          return [column.name, value instanceof Date ? value.getTime() : value];
        }),
      ),
    }))
    .sort(byKeyAndTime);
}

async function readHistory(file: string): Promise<ComparableRow[]> {
  const asComparable = ticketColumns.map((column) => {
    const name = `"${column.name}"`;
    if (column.type === 'timestamp') return `epoch_ms(${name})::DOUBLE AS ${name}`;
    if (column.type === 'integer') return `${name}::DOUBLE AS ${name}`;
    if (column.type === 'json') return `${name}::VARCHAR AS ${name}`;
    return name;
  });
  const rows = await query(
    `SELECT tenant_id, source, source_id, epoch_ms(valid_from)::DOUBLE AS valid_from,
            epoch_ms(valid_to)::DOUBLE AS valid_to, is_current, record_hash,
            epoch_ms(deleted_at)::DOUBLE AS deleted_at, ${asComparable.join(', ')}
     FROM read_parquet('${file}')`,
  );
  return rows
    .map((row) => ({
      key: keyOf(row.tenant_id, row.source, row.source_id),
      valid_from: row.valid_from as number,
      valid_to: row.valid_to as number | null,
      is_current: row.is_current as boolean,
      record_hash: row.record_hash as string,
      deleted_at: row.deleted_at as number | null,
      row: Object.fromEntries(ticketColumns.map((column) => [column.name, row[column.name]])),
    }))
    .sort(byKeyAndTime);
}

/** Writes the versions as chunk files, `fileOf(i)` choosing the file of the i-th version. */
async function writeChunks(dir: string, versions: CanonicalVersion[], fileOf: (index: number) => number) {
  const files = new Map<number, CanonicalVersion[]>();
  versions.forEach((version, index) => {
    const file = fileOf(index);
    files.set(file, [...(files.get(file) ?? []), version]);
  });
  await mkdir(join(dir, 'versions'), { recursive: true });
  for (const [file, chunk] of files) {
    await writeFile(
      join(dir, 'versions', `chunk-${file}.parquet`),
      encodeCanonicalVersions('tickets', chunk),
    );
  }
}

function expectWellFormed(history: ComparableRow[]) {
  const keys = new Set(history.map((row) => row.key));
  for (const key of keys) {
    const rows = history.filter((row) => row.key === key);
    const last = rows[rows.length - 1]!;
    // A deleted record has no current version; any other has exactly one, its last.
    expect(rows.filter((row) => row.is_current)).toEqual(last.deleted_at === null ? [last] : []);
    rows.forEach((row, index) => {
      const next = rows[index + 1];
      expect(row.record_hash).not.toBe(TOMBSTONE_HASH);
      if (row.deleted_at !== null) {
        // Closed at its deletion; a record that came back opens its next version later.
        expect(row.valid_to).toBe(row.deleted_at);
        if (next) expect(next.valid_from).toBeGreaterThan(row.deleted_at);
      } else {
        expect(row.valid_to).toBe(next ? next.valid_from : null); // contiguous: no gap, no overlap
        if (next) expect(next.record_hash).not.toBe(row.record_hash);
      }
      expect(row.is_current).toBe(next === undefined && row.deleted_at === null);
    });
  }
}

describe('compactHistory', () => {
  const customFieldsArb = fc.constantFrom(null, '[]', '[{"id":1,"value":"Zürich"}]');
  const versionArb = fc.record({
    tenantId: fc.constantFrom('acme', 'acme-2'),
    sourceId: fc.constantFrom('1', '2', '3'),
    second: fc.integer({ min: 0, max: 20 }),
    status: fc.constantFrom('New', 'In Progress', 'Closed'),
    /** About one version in five is a deletion (a tombstone), so deletes, restores and repeats all occur. */
    deleted: fc.integer({ min: 0, max: 4 }).map((draw) => draw === 0),
    customFields: customFieldsArb,
    hours: fc.constantFrom(null, 0.5, 2),
  });

  it('given random versions and deletions split across chunk files with duplicates, when compacted, then the history equals buildHistory of the same versions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(versionArb, { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 30 }),
        async (specs, duplicates, fileChoices) => {
          const versions = specs.map((spec) => {
            const version = ticketVersion(
              spec.sourceId,
              at(spec.second),
              {
                status: spec.status,
                custom_fields: spec.customFields,
                actual_hours: spec.hours,
                summary: 'Café ☕',
              },
              spec.tenantId,
            );
            return spec.deleted ? { ...version, recordHash: TOMBSTONE_HASH } : version;
          });
          const delivered = [...versions, ...duplicates.map((index) => versions[index % versions.length]!)];
          await withTempDir(async (dir) => {
            await writeChunks(dir, delivered, (index) => fileChoices[index % fileChoices.length]!);

            const result = await compactHistory({
              versionsGlob: join(dir, 'versions', '*.parquet'),
              outputPath: join(dir, 'history', 'tickets.parquet'),
              table: 'tickets',
            });
            const history = await readHistory(join(dir, 'history', 'tickets.parquet'));

            const expected = expectedHistory(versions);
            expect(history).toEqual(expected);
            expect(result).toEqual({
              versions: delivered.length,
              rows: expected.length,
              current: expected.filter((row) => row.is_current).length,
            });
            expectWellFormed(history);
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('given the same versions, when compacted twice, then the second run writes the identical file', async () => {
    await withTempDir(async (dir) => {
      await writeChunks(
        dir,
        [
          ticketVersion('1', at(10), { status: 'New' }),
          ticketVersion('1', at(20), { status: 'In Progress' }),
          ticketVersion('1', at(30), { status: 'In Progress' }),
          ticketVersion('1', at(40), { status: 'Closed' }),
          ticketVersion('2', at(5), { status: 'New' }),
          ticketVersion('1', at(20), { status: 'In Progress' }),
        ],
        (index) => index % 3,
      );
      const input = {
        versionsGlob: join(dir, 'versions', '*.parquet'),
        outputPath: join(dir, 'history', 'tickets.parquet'),
        table: 'tickets' as const,
      };

      const first = await compactHistory(input);
      const firstBytes = await readFile(input.outputPath);
      const second = await compactHistory(input);
      const secondBytes = await readFile(input.outputPath);

      expect(second).toEqual(first);
      expect(first).toEqual({ versions: 6, rows: 4, current: 2 });
      expect(Buffer.compare(secondBytes, firstBytes)).toBe(0);
      const history = await readHistory(input.outputPath);
      expectWellFormed(history);
      expect(
        history.filter((row) => row.key === keyOf('acme', 'connectwise', '1')).map((row) => row.row.status),
      ).toEqual(['New', 'In Progress', 'Closed']);
    });
  });

  it('given a compacted history, when read by DuckDB, then history columns are typed and custom fields are JSON', async () => {
    await withTempDir(async (dir) => {
      await writeChunks(dir, [ticketVersion('1', at(10), { custom_fields: '{"a":1}' })], () => 0);
      const outputPath = join(dir, 'history', 'tickets.parquet');

      await compactHistory({
        versionsGlob: join(dir, 'versions', '*.parquet'),
        outputPath,
        table: 'tickets',
      });

      expect(await columnTypes(outputPath)).toMatchObject({
        ticket_id: 'VARCHAR',
        custom_fields: 'JSON',
        valid_from: 'TIMESTAMP WITH TIME ZONE',
        valid_to: 'TIMESTAMP WITH TIME ZONE',
        is_current: 'BOOLEAN',
        record_hash: 'VARCHAR',
      });
    });
  });

  it('given no versions files yet, when compacted, then an empty history file with the full schema is written', async () => {
    await withTempDir(async (dir) => {
      const outputPath = join(dir, 'history', 'tickets.parquet');

      const result = await compactHistory({
        versionsGlob: join(dir, 'versions', '*.parquet'),
        outputPath,
        table: 'tickets',
      });

      expect(result).toEqual({ versions: 0, rows: 0, current: 0 });
      expect(await columnTypes(outputPath)).toMatchObject({ ticket_id: 'VARCHAR', is_current: 'BOOLEAN' });
    });
  });

  it('given versions files written before a canonical column existed, when compacted, then that column reads as null', async () => {
    await withTempDir(async (dir) => {
      const outputPath = join(dir, 'history', 'tickets.parquet');
      await writeChunks(dir, [ticketVersion('1', at(10), { status: 'New' })], () => 0);
      // An older file: same data without the severity column, rewritten by DuckDB.
      const file = join(dir, 'versions', 'chunk-0.parquet');
      await query(
        `COPY (SELECT * EXCLUDE (severity) FROM read_parquet('${file}')) TO '${join(dir, 'versions', 'old.parquet')}' (FORMAT parquet)`,
      );

      const result = await compactHistory({
        versionsGlob: join(dir, 'versions', 'old.parquet'),
        outputPath,
        table: 'tickets',
      });
      const [row] = await readHistory(outputPath);

      expect(result).toEqual({ versions: 1, rows: 1, current: 1 });
      expect(row!.row).toMatchObject({ severity: null, status: 'New' });
    });
  });
});
