import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { FsObjectStore } from '../../local/adapters/fsObjectStore';
import { compactHistory } from '../../services/transform/compactHistory';
import { compactTable, MERGE_DELTA_SHARE } from '../../services/transform/compactTable';
import { TOMBSTONE_HASH } from '../../services/transform/scd2';
import { makeEvent, type TableCompactedEvent } from '../../shared/events/schemas';
import { createCanonicalViews } from '../../shared/lake/canonicalViews';
import { encodeCanonicalVersions, type CanonicalVersion } from '../../shared/lake/canonicalParquet';
import { canonicalVersionsKey, historyDeltasPrefix } from '../../shared/lake/keys';
import { ManualClock, RecordingBus } from '../support/fakes';
import { at, ticketVersion, withTempDir } from './lakeFixtures';

const TENANT = 'acme';
const SOURCE = 'connectwise';

const transformed = (jobId: string) =>
  makeEvent(
    'TableTransformed',
    { tenantId: TENANT, jobId, occurredAt: new Date() },
    { source: SOURCE, table: 'tickets', versions: 1 },
    [SOURCE, 'tickets'],
  );

/** A job's versions file, where the transform writes it. */
async function writeJob(lake: FsObjectStore, jobId: string, versions: CanonicalVersion[]) {
  const key = canonicalVersionsKey({
    tenantId: TENANT,
    source: SOURCE,
    table: 'tickets',
    jobId,
    chunkId: 'c00000',
  });
  await lake.put(key, encodeCanonicalVersions('tickets', versions));
}

/** The history as readers see it (the canonical views, layers resolved), in a comparable shape. */
async function resolvedRows(lakeDir: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await createCanonicalViews(connection, lakeDir, TENANT);
    return await historyRows(connection, 'tickets_history');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The oracle: a full rebuild of every versions file of the lake. */
async function rebuiltRows(lakeDir: string, scratch: string): Promise<string[]> {
  const output = join(scratch, `oracle-${Math.random()}.parquet`);
  await compactHistory({
    versionsGlob: join(lakeDir, TENANT, 'canonical', 'tickets', SOURCE, 'versions', '*', '*.parquet'),
    outputPath: output,
    table: 'tickets',
  });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return await historyRows(connection, `read_parquet('${output}')`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function historyRows(
  connection: Awaited<ReturnType<DuckDBInstance['connect']>>,
  relation: string,
): Promise<string[]> {
  const reader = await connection.runAndReadAll(
    `SELECT concat_ws('|', source_id, valid_from::VARCHAR, coalesce(valid_to::VARCHAR, '-'), is_current::VARCHAR,
                      record_hash, coalesce(deleted_at::VARCHAR, '-'), coalesce(status, '-')) AS row
     FROM ${relation} ORDER BY row`,
  );
  return reader.getRowObjectsJS().map((row) => String(row.row));
}

const compactedEvent = (bus: RecordingBus) => bus.ofType('TableCompacted').at(-1) as TableCompactedEvent;

function given(dir: string) {
  const lakeDir = join(dir, 'lake');
  const lake = new FsObjectStore(lakeDir);
  const bus = new RecordingBus();
  const deps = { lake, bus, clock: new ManualClock(), scratchDirectory: dir };
  return { lakeDir, lake, bus, deps };
}

describe('compactTable: a history in layers', () => {
  it('given hourly jobs whose changes are later than the history, when each is compacted, then each writes one delta of only its records, and readers see the full rebuild', async () => {
    await withTempDir(async (dir) => {
      // Prepare: 40 tickets, then two jobs changing two of them and adding one
      const { lakeDir, lake, bus, deps } = given(dir);
      await writeJob(
        lake,
        'job-1',
        Array.from({ length: 40 }, (_, index) => ticketVersion(String(index), at(1), { status: 'New' })),
      );
      await compactTable(transformed('job-1'), deps);
      await writeJob(lake, 'job-2', [
        ticketVersion('3', at(10), { status: 'Closed' }),
        ticketVersion('40', at(10), { status: 'New' }),
      ]);

      // Act
      const second = await compactTable(transformed('job-2'), deps);
      await writeJob(lake, 'job-3', [
        ticketVersion('3', at(20), { status: 'Reopened' }),
        { ...ticketVersion('7', at(20), {}), recordHash: TOMBSTONE_HASH },
      ]);
      const third = await compactTable(transformed('job-3'), deps);
      const again = await compactTable(transformed('job-3'), deps);

      // Assess
      expect(second).toMatchObject({ mode: 'folded', versions: 2, rows: 42, current: 41 });
      expect(third).toMatchObject({ mode: 'folded', versions: 2, rows: 43, current: 40 });
      expect(again).toMatchObject({ mode: 'unchanged', versions: 0, rows: 43, current: 40 });
      const deltas = await lake.list(historyDeltasPrefix(TENANT, 'tickets', SOURCE));
      expect(deltas).toHaveLength(2);
      expect(compactedEvent(bus).data).toMatchObject({ rows: 43, currentRows: 40, deltaKeys: deltas });
      expect(await resolvedRows(lakeDir)).toEqual(await rebuiltRows(lakeDir, dir));
      expect((await resolvedRows(lakeDir)).filter((row) => row.startsWith('3|'))).toHaveLength(3);
    });
  });

  it('given a version earlier than what the history has seen of its record (an out-of-order arrival), when compacted, then the history is rebuilt in full and the deltas are gone', async () => {
    await withTempDir(async (dir) => {
      const { lakeDir, lake, deps } = given(dir);
      // Twenty more tickets keep the deltas a small share of the base (no merge).
      await writeJob(lake, 'job-1', [
        ticketVersion('1', at(1), { status: 'New' }),
        ticketVersion('1', at(9), { status: 'New' }),
        ticketVersion('2', at(1), {}),
        ...Array.from({ length: 20 }, (_, index) => ticketVersion(`f${index}`, at(1), {})),
      ]);
      await compactTable(transformed('job-1'), deps);
      await writeJob(lake, 'job-2', [ticketVersion('2', at(12), { status: 'Closed' })]);
      expect(await compactTable(transformed('job-2'), deps)).toMatchObject({ mode: 'folded' });
      // At second 5, between two versions that changed nothing: only a full rebuild knows ticket 1 returns to New at 9.
      await writeJob(lake, 'job-3', [ticketVersion('1', at(5), { status: 'Closed' })]);

      const result = await compactTable(transformed('job-3'), deps);

      expect(result).toMatchObject({ mode: 'rebuilt', rows: 25, current: 22 });
      expect(result.rebuiltBecause).toContain('record 1');
      expect(await lake.list(historyDeltasPrefix(TENANT, 'tickets', SOURCE))).toEqual([]);
      expect(await resolvedRows(lakeDir)).toEqual(await rebuiltRows(lakeDir, dir));
    });
  });

  it('given a delta no newer than the base (a fold that raced a rebuild, or a merge cut off before its deletes), when the table is next compacted, then it is rebuilt and readers see the full rebuild', async () => {
    await withTempDir(async (dir) => {
      // Prepare: a fold's delta kept aside, then an out-of-order version rebuilds the history over it
      const { lakeDir, lake, deps } = given(dir);
      await writeJob(lake, 'job-1', [
        ticketVersion('1', at(5), { status: 'New' }),
        ...Array.from({ length: 20 }, (_, index) => ticketVersion(`f${index}`, at(1), {})),
      ]);
      await compactTable(transformed('job-1'), deps);
      await writeJob(lake, 'job-2', [ticketVersion('1', at(10), { status: 'Closed' })]);
      await compactTable(transformed('job-2'), deps);
      const [raced] = await lake.list(historyDeltasPrefix(TENANT, 'tickets', SOURCE));
      const racedBody = (await lake.get(raced!))!;
      await writeJob(lake, 'job-3', [ticketVersion('1', at(7), { status: 'Triaged' })]);
      expect(await compactTable(transformed('job-3'), deps)).toMatchObject({ mode: 'rebuilt' });
      await lake.put(raced!, racedBody);
      await writeJob(lake, 'job-4', [ticketVersion('f0', at(20), { status: 'Closed' })]);

      // Act
      const result = await compactTable(transformed('job-4'), deps);

      // Assess
      expect(result).toMatchObject({ mode: 'rebuilt', rows: 24, current: 21 });
      expect(result.rebuiltBecause).toContain('not newer than the base');
      expect(await lake.list(historyDeltasPrefix(TENANT, 'tickets', SOURCE))).toEqual([]);
      expect(await resolvedRows(lakeDir)).toEqual(await rebuiltRows(lakeDir, dir));
      expect((await resolvedRows(lakeDir)).filter((row) => row.startsWith('1|'))).toHaveLength(3);
    });
  });

  it("given a fold that raced a rebuild of a history with no deltas (after a merge), when the table is next compacted, then the rebuild outranks the fold's delta and the history is rebuilt again", async () => {
    await withTempDir(async (dir) => {
      // Prepare: a merged base, then two compactions from the same layers, one in a copy of the lake
      const { lakeDir, lake, deps } = given(dir);
      await writeJob(lake, 'job-1', [
        ticketVersion('1', at(5), { status: 'New' }),
        ...Array.from({ length: 3 }, (_, index) => ticketVersion(`f${index}`, at(1), {})),
      ]);
      await compactTable(transformed('job-1'), deps);
      // Thirty new tickets: a delta far past a quarter of the base, merged at once (and a large base after).
      await writeJob(lake, 'job-2', [
        ticketVersion('1', at(10), { status: 'Closed' }),
        ...Array.from({ length: 30 }, (_, index) => ticketVersion(`n${index}`, at(10), {})),
      ]);
      expect(await compactTable(transformed('job-2'), deps)).toMatchObject({ mode: 'folded+merged' });
      const racing = given(join(dir, 'racing'));
      await cp(lakeDir, racing.lakeDir, { recursive: true });
      await writeJob(racing.lake, 'job-5', [ticketVersion('1', at(20), { status: 'Reopened' })]);
      expect(await compactTable(transformed('job-5'), racing.deps)).toMatchObject({ mode: 'folded' });
      await writeJob(lake, 'job-4', [ticketVersion('1', at(7), { status: 'Triaged' })]);
      expect(await compactTable(transformed('job-4'), deps)).toMatchObject({ mode: 'rebuilt' });
      for (const key of await racing.lake.list(`${TENANT}/`))
        if (key.includes('/history.deltas/') || key.includes('/job-5/'))
          await lake.put(key, (await racing.lake.get(key))!);

      // Act
      const result = await compactTable(transformed('job-5'), deps);

      // Assess
      expect(result).toMatchObject({ mode: 'rebuilt' });
      expect(result.rebuiltBecause).toContain('not newer than the base');
      expect(await resolvedRows(lakeDir)).toEqual(await rebuiltRows(lakeDir, dir));
      expect((await resolvedRows(lakeDir)).filter((row) => row.startsWith('1|'))).toHaveLength(4);
    });
  });

  it(`given deltas past ${MERGE_DELTA_SHARE * 100}% of the base, when another is folded in, then they merge into a new base and no delta is left`, async () => {
    await withTempDir(async (dir) => {
      const { lakeDir, lake, bus, deps } = given(dir);
      await writeJob(
        lake,
        'job-1',
        Array.from({ length: 8 }, (_, index) => ticketVersion(String(index), at(1), {})),
      );
      await compactTable(transformed('job-1'), deps);
      await writeJob(lake, 'job-2', [ticketVersion('1', at(2), { status: 'Closed' })]);
      expect(await compactTable(transformed('job-2'), deps)).toMatchObject({ mode: 'folded' });
      await writeJob(lake, 'job-3', [ticketVersion('2', at(3), { status: 'Closed' })]);

      const result = await compactTable(transformed('job-3'), deps);

      // 2 + 2 delta rows of 8 base rows: past a quarter.
      expect(result).toMatchObject({ mode: 'folded+merged', rows: 10, current: 8 });
      expect(await lake.list(historyDeltasPrefix(TENANT, 'tickets', SOURCE))).toEqual([]);
      expect(compactedEvent(bus).data.deltaKeys).toBeUndefined();
      expect(await resolvedRows(lakeDir)).toEqual(await rebuiltRows(lakeDir, dir));
      await writeJob(lake, 'job-4', [ticketVersion('5', at(4), { status: 'Closed' })]);
      expect(await compactTable(transformed('job-4'), deps)).toMatchObject({ mode: 'folded' });
      expect(await resolvedRows(lakeDir)).toEqual(await rebuiltRows(lakeDir, dir));
    });
  });

  it('given random jobs of versions and deletions arriving in any order, when each is compacted, then readers always see exactly the full rebuild of every version so far', async () => {
    const versionArb = fc.record({
      sourceId: fc.constantFrom('1', '2', '3', '4'),
      second: fc.integer({ min: 0, max: 30 }),
      status: fc.constantFrom('New', 'Closed'),
      deleted: fc.integer({ min: 0, max: 4 }).map((draw) => draw === 0),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(versionArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        async (jobs) => {
          await withTempDir(async (dir) => {
            const { lakeDir, lake, deps } = given(dir);
            for (const [index, specs] of jobs.entries()) {
              const versions = specs.map((spec) => {
                const version = ticketVersion(spec.sourceId, at(spec.second), { status: spec.status });
                return spec.deleted ? { ...version, recordHash: TOMBSTONE_HASH } : version;
              });
              await writeJob(lake, `job-${index}`, versions);
              await compactTable(transformed(`job-${index}`), deps);
              expect(await resolvedRows(lakeDir)).toEqual(await rebuiltRows(lakeDir, dir));
            }
          });
        },
      ),
      { numRuns: Number(process.env.RUNS ?? 12) },
    );
  }, 240_000);
});
