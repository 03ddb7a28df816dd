/**
 * Per-tenant record storage: columns of (id, dateEntered, lastUpdated) per table, the mutated records kept whole,
 * everything else generated on demand (see data.ts). Also answers list/count queries over those columns.
 */
import type { ConnectWiseTable } from '../../sources/connectwise/endpoints';
import { parseDateTimeLiteral } from './conditions';
import {
  buildColumns,
  firstIdOf,
  generateRecord,
  isoSeconds,
  nextId,
  reviseRecord,
  withoutUndefined,
  type GenerationContext,
} from './data';
import { FIXED_PERIOD, type DataPeriod } from '../core/period';
import { hashString, mix32, Rng } from '../core/prng';
import { deepFreeze, lazyReadonlyArray } from '../core/records';
import {
  compareSortValues,
  isIdAscending,
  isIdDescending,
  type ColumnTest,
  type OrderTerm,
  type RecordFilter,
} from './query';
import type { CwRecord } from './types';

export { lazyReadonlyArray };

const RESULT_CACHE_ENTRIES = 8;
/**
 * Id-ordered navigable pages that start within this many matches of the first (or, for `id desc`, the last) match
 * are found by scanning from that end; deeper pages use the cached full result.
 */
const DIRECT_SCAN_LIMIT = 10_000;
// Aliases of globals used per element (see prng.ts: global lookups are slow inside jest's vm context).
const { isInteger } = Number;
const { ceil, floor } = Math;

/**
 * Column tests folded into inclusive ranges of whole seconds, plus excluded seconds for `!=`. The columns hold whole
 * seconds (generated, appended and forced values are all floored), so `seconds * 1000 >= ms` is `seconds >=
 * ceil(ms / 1000)`, and so on: one pair of comparisons per column instead of a loop over the tests per record.
 */
interface ColumnBounds {
  lastUpdatedMin: number;
  lastUpdatedMax: number;
  dateEnteredMin: number;
  dateEnteredMax: number;
  /** Seconds excluded by `!=` tests, or undefined when there are none. */
  excluded: { column: ColumnTest['column']; seconds: number }[] | undefined;
}

function foldColumnTests(tests: readonly ColumnTest[]): ColumnBounds {
  const bounds: ColumnBounds = {
    lastUpdatedMin: -Infinity,
    lastUpdatedMax: Infinity,
    dateEnteredMin: -Infinity,
    dateEnteredMax: Infinity,
    excluded: undefined,
  };
  for (const test of tests) {
    const seconds = test.ms / 1000;
    const whole = isInteger(seconds);
    let low = -Infinity;
    let high = Infinity;
    switch (test.op) {
      case '=':
        if (whole) low = high = seconds;
        else [low, high] = [Infinity, -Infinity];
        break;
      case '!=':
        if (whole) (bounds.excluded ??= []).push({ column: test.column, seconds });
        break;
      case '<':
        high = ceil(seconds) - 1;
        break;
      case '<=':
        high = floor(seconds);
        break;
      case '>':
        low = floor(seconds) + 1;
        break;
      case '>=':
        low = ceil(seconds);
        break;
    }
    if (test.column === 'lastUpdated') {
      if (low > bounds.lastUpdatedMin) bounds.lastUpdatedMin = low;
      if (high < bounds.lastUpdatedMax) bounds.lastUpdatedMax = high;
    } else {
      if (low > bounds.dateEnteredMin) bounds.dateEnteredMin = low;
      if (high < bounds.dateEnteredMax) bounds.dateEnteredMax = high;
    }
  }
  return bounds;
}

/** First index in [0, length) whose value is >= target (binary search over a sorted column). */
function lowerBound(column: Float64Array, length: number, target: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((column[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `orderBy=id desc` as matchAll's order (only the path and direction are read for id order). */
const ID_DESCENDING: OrderTerm[] = [
  { path: ['id'], get: (record) => (record as CwRecord).id, descending: true },
];

export class TableData {
  private ids: Float64Array;
  private dateEntered: Float64Array;
  private lastUpdated: Float64Array;
  private size: number;
  /** Whole records for the ones mutated since generation (plain, deep-frozen, shared with callers). */
  private readonly overrides = new Map<number, CwRecord>();
  private readonly resultCache = new Map<string, Uint32Array>();
  /**
   * Indexes of records deleted for good (a hard delete: the API answers as if they never existed). They stay in
   * the columns, since a generated record depends on its index, and every read skips them.
   */
  private readonly removed = new Set<number>();

  constructor(
    private readonly ctx: GenerationContext,
    readonly table: ConnectWiseTable,
    readonly generatedCount: number,
  ) {
    const columns = buildColumns(ctx.seed, table, generatedCount, ctx.period);
    this.ids = columns.ids;
    this.dateEntered = columns.dateEntered;
    this.lastUpdated = columns.lastUpdated;
    this.size = generatedCount;
  }

  get length(): number {
    return this.size;
  }

  idAt(index: number): number {
    return this.ids[index] as number;
  }

  /** First index whose id is >= id. */
  lowerBound(id: number): number {
    return lowerBound(this.ids, this.size, id);
  }

  indexOfId(id: number): number {
    const index = this.lowerBound(id);
    return index < this.size && this.ids[index] === id && !this.removed.has(index) ? index : -1;
  }

  /** Deletes records for good; returns the ids that existed. */
  remove(ids: readonly number[]): number[] {
    const gone: number[] = [];
    for (const id of ids) {
      const index = this.indexOfId(id);
      if (index < 0) continue;
      this.removed.add(index);
      gone.push(id);
    }
    this.changed();
    return gone;
  }

  isRemoved(index: number): boolean {
    return this.removed.has(index);
  }

  record(index: number): CwRecord {
    return (
      this.overrides.get(index) ??
      generateRecord(this.ctx, this.table, {
        index,
        id: this.ids[index] as number,
        dateEntered: this.dateEntered[index] as number,
        lastUpdated: this.lastUpdated[index] as number,
      })
    );
  }

  /** True when the record at `index` is as generated (never revised). */
  isGenerated(index: number): boolean {
    return !this.overrides.has(index);
  }

  /** A consistent view of the table as it is now; later changes do not show through. */
  snapshot(): readonly CwRecord[] {
    const length = this.size;
    const ids = this.ids.slice(0, length);
    const dateEntered = this.dateEntered.slice(0, length);
    const lastUpdated = this.lastUpdated.slice(0, length);
    const overrides = new Map(this.overrides);
    // Positions of the live records (all of them, unless some were deleted for good).
    const live =
      this.removed.size === 0
        ? undefined
        : Array.from({ length }, (_, index) => index).filter((index) => !this.removed.has(index));
    return lazyReadonlyArray(live?.length ?? length, (position) => {
      const index = live ? (live[position] as number) : position;
      return (
        overrides.get(index) ??
        withoutUndefined(
          generateRecord(this.ctx, this.table, {
            index,
            id: ids[index] as number,
            dateEntered: dateEntered[index] as number,
            lastUpdated: lastUpdated[index] as number,
          }),
        )
      );
    });
  }

  allIds(): number[] {
    return Array.from(this.ids.subarray(0, this.size)).filter((_, index) => !this.removed.has(index));
  }

  private changed(): void {
    this.resultCache.clear();
  }

  // ----- changes -------------------------------------------------------------------------------------------------

  revise(index: number, rng: Rng, nowSeconds: number, revision: number): number {
    // A fresh top level (overrides are frozen); nested objects stay shared and reviseRecord only replaces them.
    const current = { ...withoutUndefined(this.record(index)) };
    const revised = reviseRecord(this.table, current, rng, isoSeconds(nowSeconds), revision);
    this.overrides.set(index, deepFreeze(revised));
    this.lastUpdated[index] = nowSeconds;
    this.changed();
    return this.ids[index] as number;
  }

  append(count: number, rng: Rng, nowSeconds: number): number[] {
    if (this.size + count > this.ids.length) {
      const capacity = Math.max(16, this.ids.length * 2, this.size + count);
      const grow = (column: Float64Array) => {
        const next = new Float64Array(capacity);
        next.set(column.subarray(0, this.size));
        return next;
      };
      this.ids = grow(this.ids);
      this.dateEntered = grow(this.dateEntered);
      this.lastUpdated = grow(this.lastUpdated);
    }
    const added: number[] = [];
    let lastId =
      this.size > 0 ? (this.ids[this.size - 1] as number) : firstIdOf(this.ctx.seed, this.table) - 1;
    for (let i = 0; i < count; i++) {
      lastId = nextId(lastId, rng);
      this.ids[this.size] = lastId;
      this.dateEntered[this.size] = nowSeconds;
      this.lastUpdated[this.size] = nowSeconds;
      this.size++;
      added.push(lastId);
    }
    this.changed();
    return added;
  }

  setLastUpdated(index: number, seconds: number): void {
    this.lastUpdated[index] = seconds;
    const override = this.overrides.get(index);
    if (override) {
      const info = { ...(override._info as Record<string, unknown>), lastUpdated: isoSeconds(seconds) };
      this.overrides.set(index, deepFreeze({ ...override, _info: info }));
    }
    this.changed();
  }

  // ----- queries -------------------------------------------------------------------------------------------------

  private matches(filter: RecordFilter, bounds: ColumnBounds, index: number): boolean {
    const lastUpdated = this.lastUpdated[index] as number;
    const dateEntered = this.dateEntered[index] as number;
    if (
      lastUpdated < bounds.lastUpdatedMin ||
      lastUpdated > bounds.lastUpdatedMax ||
      dateEntered < bounds.dateEnteredMin ||
      dateEntered > bounds.dateEnteredMax
    ) {
      return false;
    }
    if (bounds.excluded) {
      for (const { column, seconds } of bounds.excluded) {
        if ((column === 'lastUpdated' ? lastUpdated : dateEntered) === seconds) return false;
      }
    }
    return filter.residual ? filter.residual(this.record(index)) : true;
  }

  /**
   * Up to `take` matching indexes of [from, to) after skipping `skip` matches, scanning upwards, or downwards from
   * `to - 1` when `descending`.
   */
  private scan(
    filter: RecordFilter | undefined,
    [from, to]: [number, number],
    descending: boolean,
    skip: number,
    take: number,
  ): number[] {
    const found: number[] = [];
    const bounds = filter ? foldColumnTests(filter.columnTests) : undefined;
    const step = descending ? -1 : 1;
    let skipped = 0;
    for (let i = descending ? to - 1 : from; i >= from && i < to && found.length < take; i += step) {
      if (this.removed.has(i)) continue;
      if (filter && !this.matches(filter, bounds as ColumnBounds, i)) continue;
      if (skipped < skip) skipped++;
      else found.push(i);
    }
    return found;
  }

  /** The index range [from, to) allowed by the filter's id bounds and an optional exclusive lower id. */
  private range(filter: RecordFilter | undefined, afterId = -Infinity): [number, number] {
    const min = Math.max(
      filter?.idMin ?? -Infinity,
      afterId === -Infinity ? -Infinity : Math.floor(afterId) + 1,
    );
    const max = filter?.idMax ?? Infinity;
    if (min > max) return [0, 0];
    return [lowerBound(this.ids, this.size, min), lowerBound(this.ids, this.size, max + 1)];
  }

  count(filter: RecordFilter | undefined): number {
    const [from, to] = this.range(filter);
    if (!filter || (filter.columnTests.length === 0 && !filter.residual)) {
      let removed = 0;
      for (const index of this.removed) if (index >= from && index < to) removed++;
      return to - from - removed;
    }
    if (filter.residual) return this.matchAll(filter, []).length;
    const bounds = foldColumnTests(filter.columnTests);
    let count = 0;
    for (let i = from; i < to; i++) if (this.matches(filter, bounds, i)) count++;
    return count;
  }

  /** Indexes of every matching record in the requested order (cached until the table changes). */
  matchAll(filter: RecordFilter | undefined, order: OrderTerm[]): Uint32Array {
    const key = `${filter?.key ?? ''}|${order.map((term) => `${term.path.join('/')} ${term.descending}`).join(',')}`;
    const cached = this.resultCache.get(key);
    if (cached) return cached;
    const [from, to] = this.range(filter);
    let result: Uint32Array;
    if (isIdDescending(order)) {
      // Ids are unique, so `id desc` is the default order reversed: no records to build, nothing to sort.
      result = this.matchAll(filter, []).slice().reverse();
    } else if (!filter || (filter.columnTests.length === 0 && !filter.residual)) {
      result = new Uint32Array(to - from);
      for (let i = 0; i < result.length; i++) result[i] = from + i;
      if (this.removed.size > 0) result = result.filter((index) => !this.removed.has(index));
    } else {
      result = Uint32Array.from(this.scan(filter, [from, to], false, 0, Infinity));
    }
    if (!isIdAscending(order) && !isIdDescending(order)) result = this.sort(result, order);
    if (this.resultCache.size >= RESULT_CACHE_ENTRIES) {
      this.resultCache.delete(this.resultCache.keys().next().value as string);
    }
    this.resultCache.set(key, result);
    return result;
  }

  /** Sorts by the orderBy terms; ties keep id order, so navigable pages never overlap. */
  private sort(indexes: Uint32Array, order: OrderTerm[]): Uint32Array {
    const keys = Array.from(indexes, (index) => {
      const record = this.record(index);
      return order.map((term) => term.get(record));
    });
    const positions = Array.from(indexes.keys());
    positions.sort((a, b) => {
      for (let t = 0; t < order.length; t++) {
        const term = order[t] as OrderTerm;
        const diff = compareSortValues((keys[a] as unknown[])[t], (keys[b] as unknown[])[t]);
        if (diff !== 0) return term.descending ? -diff : diff;
      }
      return a - b;
    });
    return Uint32Array.from(positions, (position) => indexes[position] as number);
  }

  /**
   * Forward-only page (reference §1.5): matching records with id > afterId in id order. Starts with a binary search
   * for afterId and stops after `pageSize` matches, so each page costs about one page of work.
   */
  forwardPage(filter: RecordFilter | undefined, afterId: number, pageSize: number): number[] {
    return this.scan(filter, this.range(filter, afterId), false, 0, pageSize);
  }

  /**
   * A navigable page in id order, ascending or descending, and the number of matches (for the `Link` header). The
   * chunk planner's bound queries (`orderBy=id desc&pageSize=1` with a lastUpdated window) land here: a column count
   * and a scan from the matching end, instead of collecting and sorting the whole table.
   */
  idOrderedPage(
    filter: RecordFilter | undefined,
    descending: boolean,
    offset: number,
    pageSize: number,
  ): { indexes: ArrayLike<number>; total: number } {
    const total = this.count(filter);
    const from = Math.min(total, offset);
    if (filter?.residual || from > DIRECT_SCAN_LIMIT) {
      // Residual conditions need the records: the cached full result is cheaper for every later page.
      const all = this.matchAll(filter, descending ? ID_DESCENDING : []);
      return { indexes: all.subarray(from, Math.min(all.length, from + pageSize)), total };
    }
    return { indexes: this.scan(filter, this.range(filter), descending, from, pageSize), total };
  }
}

export class TenantData implements GenerationContext {
  private readonly tables = new Map<ConnectWiseTable, TableData>();
  private changeCounter = 0;

  constructor(
    readonly companyId: string,
    readonly seed: number,
    private readonly sizes: Partial<Record<ConnectWiseTable, number>>,
    readonly period: DataPeriod = FIXED_PERIOD,
  ) {}

  /** The table's store, generated on first use. */
  table(table: ConnectWiseTable): TableData {
    let data = this.tables.get(table);
    if (!data) {
      data = new TableData(this, table, Math.max(0, Math.floor(this.sizes[table] ?? 0)));
      this.tables.set(table, data);
    }
    return data;
  }

  generatedCount(table: ConnectWiseTable): number {
    return Math.max(0, Math.floor(this.sizes[table] ?? 0));
  }

  idAt(table: ConnectWiseTable, index: number): number {
    return this.table(table).idAt(index);
  }

  private rng(table: ConnectWiseTable, purpose: string): Rng {
    return new Rng(mix32(this.seed, hashString(table), hashString(purpose), ++this.changeCounter));
  }

  /** Revises `count` distinct records chosen by a seeded draw; returns their ids ascending. */
  mutate(table: ConnectWiseTable, count: number, now: Date): number[] {
    const data = this.table(table);
    const n = data.length;
    const wanted = Math.min(n, Math.max(0, Math.floor(count)));
    const rng = this.rng(table, 'mutate');
    const chosen = new Set<number>();
    if (wanted > n / 2) {
      const all = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < wanted; i++) {
        const j = i + rng.int(n - i);
        [all[i], all[j]] = [all[j] as number, all[i] as number];
        chosen.add(all[i] as number);
      }
    } else {
      while (chosen.size < wanted) chosen.add(rng.int(n));
    }
    // A record deleted for good cannot change any more.
    for (const index of chosen) if (data.isRemoved(index)) chosen.delete(index);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const ids = [...chosen]
      .sort((a, b) => a - b)
      .map((index) => data.revise(index, rng, nowSeconds, this.changeCounter));
    return ids;
  }

  addRecords(table: ConnectWiseTable, count: number, now: Date): number[] {
    return this.table(table).append(
      Math.max(0, Math.floor(count)),
      this.rng(table, 'add'),
      Math.floor(now.getTime() / 1000),
    );
  }

  /** Hard-deletes records of a table (ConnectWise keeps no trace of them); returns the ids that existed. */
  deleteRecords(table: ConnectWiseTable, ids: readonly number[]): number[] {
    return this.table(table).remove(ids);
  }

  setLastUpdated(table: ConnectWiseTable, ids: number[], iso: string): void {
    const ms = parseDateTimeLiteral(iso.trim()) ?? Date.parse(iso);
    if (Number.isNaN(ms)) throw new Error(`setLastUpdated: '${iso}' is not an ISO datetime`);
    const data = this.table(table);
    const indexes = ids.map((id) => {
      const index = data.indexOfId(id);
      if (index < 0) throw new Error(`setLastUpdated: ${table} has no record with id ${id}`);
      return index;
    });
    for (const index of indexes) data.setLastUpdated(index, Math.floor(ms / 1000));
  }
}
