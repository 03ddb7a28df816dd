import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { CanonicalRow } from '../../mappings/compile';
import { buildHistory, recordHash, type Version } from '../../services/transform/scd2';

const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, second));
const version = (key: string, second: number, status: string): Version => ({
  key,
  validFrom: at(second),
  row: { ticket_id: 1, status, updated_at: at(second) },
});

describe('buildHistory (SCD Type 2)', () => {
  it('given three versions of a ticket, when built, then each is valid until the next and only the last is current', () => {
    const history = buildHistory([
      version('t1', 30, 'Closed'),
      version('t1', 10, 'New'),
      version('t1', 20, 'In Progress'),
    ]);
    expect(history.map((row) => [row.row.status, row.valid_from, row.valid_to, row.is_current])).toEqual([
      ['New', at(10), at(20), false],
      ['In Progress', at(20), at(30), false],
      ['Closed', at(30), null, true],
    ]);
  });

  it('given an update that changes no mapped content, when built, then it is not a new version', () => {
    const history = buildHistory([version('t1', 10, 'New'), version('t1', 20, 'New')]);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ valid_from: at(10), is_current: true });
  });

  it('given any versions delivered in any order with duplicates, when built, then the history equals the one from the ordered de-duplicated versions, with one current row per key and contiguous intervals', () => {
    const versionArb = fc.record({
      key: fc.constantFrom('a', 'b', 'c'),
      second: fc.integer({ min: 0, max: 20 }),
      status: fc.constantFrom('New', 'Open', 'Closed'),
    });
    fc.assert(
      fc.property(
        fc.array(versionArb, { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.func(fc.integer()),
        (specs, duplicates, order) => {
          const versions = specs.map((spec) => version(spec.key, spec.second, spec.status));
          const delivered = [...versions, ...duplicates.map((index) => versions[index % versions.length]!)]
            .map((entry, index) => ({ entry, sortKey: order(index) }))
            .sort((a, b) => a.sortKey - b.sortKey)
            .map(({ entry }) => entry);
          const unique = [
            ...new Map(
              versions.map((entry) => [
                `${entry.key}|${entry.validFrom.toISOString()}|${entry.row.status}`,
                entry,
              ]),
            ).values(),
          ];
          const ordered = unique.sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime());

          const history = buildHistory(delivered);

          expect(history).toEqual(buildHistory(ordered));
          for (const key of new Set(versions.map((entry) => entry.key))) {
            const rows = history.filter((row) => row.key === key);
            expect(rows.filter((row) => row.is_current)).toHaveLength(1);
            rows.forEach((row, index) => {
              const next = rows[index + 1];
              if (next) {
                expect(row.valid_to).toEqual(next.valid_from);
                expect(row.valid_from.getTime()).toBeLessThan(next.valid_from.getTime());
                expect(row.record_hash).not.toBe(next.record_hash);
              } else expect(row.valid_to).toBeNull();
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('buildHistory with deletions (tombstones)', () => {
  const deletion = (key: string, second: number): Version => ({
    ...version(key, second, 'Closed'),
    tombstone: true,
  });
  const summary = (history: ReturnType<typeof buildHistory>) =>
    history.map((row) => ({
      status: row.row.status,
      from: row.valid_from.toISOString().slice(17, 19),
      to: row.valid_to?.toISOString().slice(17, 19) ?? null,
      current: row.is_current,
      deleted: row.deleted_at?.toISOString().slice(17, 19) ?? null,
    }));

  it('given a record deleted after two versions, when built, then its last version is closed at the deletion with deleted_at and none is current', () => {
    const history = buildHistory([version('a', 1, 'New'), version('a', 5, 'Open'), deletion('a', 9)]);

    expect(summary(history)).toEqual([
      { status: 'New', from: '01', to: '05', current: false, deleted: null },
      { status: 'Open', from: '05', to: '09', current: false, deleted: '09' },
    ]);
  });

  it('given a record restored with the very content it had, when built, then the restore opens a new current version after the gap', () => {
    const history = buildHistory([version('a', 1, 'Open'), deletion('a', 4), version('a', 7, 'Open')]);

    expect(summary(history)).toEqual([
      { status: 'Open', from: '01', to: '04', current: false, deleted: '04' },
      { status: 'Open', from: '07', to: null, current: true, deleted: null },
    ]);
  });

  it('given the same deletion delivered twice and a second one later, when built, then the first closes the record and the others change nothing', () => {
    expect(
      buildHistory([version('a', 1, 'Open'), deletion('a', 4), deletion('a', 4), deletion('a', 6)]),
    ).toEqual(buildHistory([version('a', 1, 'Open'), deletion('a', 4)]));
  });

  it('given an edit and a deletion stamped with the same second, when built, then the deletion wins whatever the order', () => {
    const history = buildHistory([version('a', 1, 'New'), deletion('a', 3), version('a', 3, 'Open')]);

    expect(summary(history)).toEqual([
      { status: 'New', from: '01', to: '03', current: false, deleted: '03' },
    ]);
  });

  it('given a deletion of a record never seen before, when built, then it leaves no row', () => {
    expect(buildHistory([deletion('a', 2)])).toEqual([]);
  });

  it('given versions and deletions delivered in any order with duplicates, when built, then the history is the same, and a key has one current row exactly when its last event is not a deletion (property)', () => {
    const eventArb = fc.record({
      key: fc.constantFrom('a', 'b'),
      second: fc.integer({ min: 0, max: 12 }),
      status: fc.constantFrom('New', 'Open'),
      deleted: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.func(fc.integer()),
        (specs, duplicates, order) => {
          const events = specs.map((spec) =>
            spec.deleted ? deletion(spec.key, spec.second) : version(spec.key, spec.second, spec.status),
          );
          const delivered = [...events, ...duplicates.map((index) => events[index % events.length]!)]
            .map((entry, index) => ({ entry, sortKey: order(index) }))
            .sort((a, b) => a.sortKey - b.sortKey)
            .map(({ entry }) => entry);

          const history = buildHistory(delivered);

          expect(history).toEqual(buildHistory(events));
          for (const key of new Set(events.map((event) => event.key))) {
            const rows = history.filter((row) => row.key === key);
            const latest = Math.max(
              ...events.filter((event) => event.key === key).map((event) => event.validFrom.getTime()),
            );
            const deletedLast = events.some(
              (event) => event.key === key && event.tombstone && event.validFrom.getTime() === latest,
            );
            expect(rows.filter((row) => row.is_current).length).toBe(
              deletedLast || rows.length === 0 ? 0 : 1,
            );
            for (const row of rows) if (row.deleted_at) expect(row.valid_to).toEqual(row.deleted_at);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('recordHash', () => {
  /** The definition every stored record_hash was computed with; recordHash must never drift from it. */
  const definition = (row: CanonicalRow) =>
    createHash('sha256')
      .update(
        JSON.stringify(
          Object.keys(row)
            .filter((column) => column !== 'updated_at')
            .sort()
            .map((column) => {
              const value = row[column];
              return [column, value instanceof Date ? value.toISOString() : value];
            }),
        ),
      )
      .digest('hex')
      .slice(0, 32);

  const valueArbitrary = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.date({ noInvalidDate: true }),
  );

  it('equals the stored definition for rows of any shape and content (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), valueArbitrary), (row) => {
        expect(recordHash(row)).toBe(definition(row));
      }),
      { numRuns: 500 },
    );
  });

  it('ignores key order and updated_at, and sees every other change', () => {
    const row = { ticket_id: 1, status: 'New', updated_at: at(1) };
    expect(recordHash({ updated_at: at(2), status: 'New', ticket_id: 1 })).toBe(recordHash(row));
    expect(recordHash({ ...row, status: 'Closed' })).not.toBe(recordHash(row));
  });
});
