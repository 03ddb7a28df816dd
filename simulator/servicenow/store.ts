/**
 * Per-instance record storage: per table, three Uint32 columns by ordinal (creation order), the ordinals sorted by
 * sys_id, and the revised records kept whole; everything else is generated on demand (data.ts). 100,000 incidents
 * cost ~1.6 MB plus the revised records. Also runs encoded queries over those columns: sys_id, sys_created_on,
 * sys_updated_on and sys_mod_count are read without building the record, a keyset page (`sys_id>X^ORDERBYsys_id`)
 * starts with a binary search, and an ORDERBY over those columns walks a cached sorted index. A deleted record
 * keeps its ordinal and columns (so it can be restored) but leaves the sys_id order and every query; its audit row
 * goes to the instance's sys_audit_delete (auditDelete.ts).
 */
import { FIXED_PERIOD, type DataPeriod } from '../core/period';
import { hashString, mix32, Rng } from '../core/prng';
import { lazyReadonlyArray } from '../core/records';
import { AuditDeleteLog } from './auditDelete';
import {
  DEFAULT_SIZES,
  buildColumns,
  compareSysIds,
  generateRecord,
  reviseRecord,
  sysIdOf,
  type DbRecord,
  type GenerationContext,
} from './data';
import { glideDateTime } from './dates';
import { compareForOrder, type OrderTerm, type QueryRow } from './encodedQuery';
import {
  columnExtremes,
  type AggregateResult,
  type PageRequest,
  type PageResult,
  type QueryPlan,
  type QueryableTable,
} from './queryable';
import { SCHEMAS, type FieldSpec, type ServiceNowTableName, type TableSchema } from './tables';

const RESULT_CACHE_ENTRIES = 8;
const { freeze } = Object;
const { floor } = Math;

type ColumnField = 'sys_id' | 'sys_created_on' | 'sys_updated_on' | 'sys_mod_count';
const COLUMN_FIELDS = new Set<string>(['sys_id', 'sys_created_on', 'sys_updated_on', 'sys_mod_count']);

/** Candidate ordinals in the order a query needs them. */
interface Candidates {
  length: number;
  at(position: number): number;
}

/** A record seen by the query evaluator: column values from the columns, others from the record (built once). */
class Row implements QueryRow {
  private ordinal = 0;
  private built: DbRecord | undefined;

  constructor(private readonly table: TableStore) {}

  at(ordinal: number): this {
    this.ordinal = ordinal;
    this.built = undefined;
    return this;
  }

  value(field: string): string {
    switch (field) {
      case 'sys_id':
        return this.table.sysIdOf(this.ordinal);
      case 'sys_updated_on':
        return glideDateTime(this.table.updatedAt(this.ordinal));
      case 'sys_created_on':
        return glideDateTime(this.table.createdAt(this.ordinal));
      case 'sys_mod_count':
        return String(this.table.modCountOf(this.ordinal));
      default:
        this.built ??= this.table.record(this.ordinal);
        return this.built[field] ?? '';
    }
  }
}

export class TableStore implements QueryableTable {
  readonly schema: TableSchema;
  private created: Uint32Array;
  private updated: Uint32Array;
  private modCount: Uint32Array;
  /** Ordinals handed out so far (deleted records keep theirs, so they can be restored). */
  private size: number;
  /** Ordinals of the current (not deleted) records in sys_id order. */
  private bySysId: Uint32Array;
  /** Deleted records by sys_id → ordinal; their columns and overrides stay, for restoreRecords. */
  private readonly removed = new Map<string, number>();
  private readonly removedOrdinals = new Set<number>();
  /** The current ordinals in creation order, built when something was deleted (until the table changes). */
  private liveCache: Uint32Array | undefined;
  /** Whole records for the ones revised since generation (frozen, shared with callers). */
  private readonly overrides = new Map<number, DbRecord>();
  private readonly resultCache = new Map<string, Uint32Array>();
  private readonly indexCache = new Map<string, Uint32Array>();

  constructor(
    private readonly ctx: GenerationContext,
    readonly table: ServiceNowTableName,
    generatedCount: number,
  ) {
    this.schema = SCHEMAS[table];
    const columns = buildColumns(ctx.seed, table, generatedCount, ctx.period);
    this.created = columns.created;
    this.updated = columns.updated;
    this.modCount = columns.modCount;
    this.size = generatedCount;
    const seed = ctx.seed;
    this.bySysId = Uint32Array.from({ length: generatedCount }, (_, i) => i).sort((a, b) =>
      compareSysIds(seed, table, a, b),
    );
  }

  /** Number of current records. */
  get length(): number {
    return this.size - this.removedOrdinals.size;
  }

  /** The current records' ordinals in creation order (all ordinals until something is deleted). */
  private live(): Candidates {
    if (this.removedOrdinals.size === 0) return { length: this.size, at: (position) => position };
    const order = (this.liveCache ??= this.liveOrdinals());
    return { length: order.length, at: (position) => order[position] as number };
  }

  /** A new array of the current records' ordinals in creation order. */
  private liveOrdinals(): Uint32Array {
    const all = Uint32Array.from({ length: this.size }, (_, i) => i);
    return this.removedOrdinals.size === 0
      ? all
      : all.filter((ordinal) => !this.removedOrdinals.has(ordinal));
  }

  /** The ordinal of the position-th current record in creation order. */
  liveOrdinalAt(position: number): number {
    return this.live().at(position);
  }

  sysIdOf(ordinal: number): string {
    return sysIdOf(this.ctx.seed, this.table, ordinal);
  }

  createdAt(ordinal: number): number {
    return this.created[ordinal] as number;
  }

  updatedAt(ordinal: number): number {
    return this.updated[ordinal] as number;
  }

  modCountOf(ordinal: number): number {
    return this.modCount[ordinal] as number;
  }

  /** The first sys_id position whose sys_id is >= text (or > text when not inclusive). */
  private sysIdPosition(text: string, inclusive: boolean): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const sysId = this.sysIdOf(this.bySysId[mid] as number);
      if (sysId < text || (!inclusive && sysId === text)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The ordinal of a sys_id, or -1. */
  ordinalOf(sysId: string): number {
    const position = this.sysIdPosition(sysId, true);
    const ordinal = this.bySysId[position];
    return position < this.length && ordinal !== undefined && this.sysIdOf(ordinal) === sysId ? ordinal : -1;
  }

  record(ordinal: number): DbRecord {
    return (
      this.overrides.get(ordinal) ??
      generateRecord(this.ctx, this.table, {
        ordinal,
        created: this.created[ordinal] as number,
        updated: this.updated[ordinal] as number,
        modCount: this.modCount[ordinal] as number,
      })
    );
  }

  sysIds(): string[] {
    return Array.from(this.bySysId.subarray(0, this.length), (ordinal) => this.sysIdOf(ordinal));
  }

  /** A consistent view of the table in sys_id order as it is now; later changes do not show through. */
  snapshot<T>(present: (record: DbRecord) => T): readonly T[] {
    const length = this.length;
    const order = this.bySysId.slice(0, length);
    const created = this.created.slice(0, this.size);
    const updated = this.updated.slice(0, this.size);
    const modCount = this.modCount.slice(0, this.size);
    const overrides = new Map(this.overrides);
    return lazyReadonlyArray(length, (position) => {
      const ordinal = order[position] as number;
      const record =
        overrides.get(ordinal) ??
        generateRecord(this.ctx, this.table, {
          ordinal,
          created: created[ordinal] as number,
          updated: updated[ordinal] as number,
          modCount: modCount[ordinal] as number,
        });
      return present(record);
    });
  }

  // ----- changes -------------------------------------------------------------------------------------------------

  private changed(): void {
    this.resultCache.clear();
    this.indexCache.clear();
    this.liveCache = undefined;
  }

  revise(ordinal: number, rng: Rng, now: number, revision: number): void {
    const revised = reviseRecord(this.ctx, this.table, { ...this.record(ordinal) }, rng, now, revision);
    this.updated[ordinal] = now;
    this.modCount[ordinal] = (this.modCount[ordinal] as number) + 1;
    revised.sys_updated_on = glideDateTime(now);
    revised.sys_mod_count = String(this.modCount[ordinal]);
    this.overrides.set(ordinal, freeze(revised));
    this.changed();
  }

  /** Appends `count` records created now; returns their ordinals. */
  append(count: number, now: number): number[] {
    const capacity = this.size + count;
    if (capacity > this.created.length) {
      const grow = (column: Uint32Array) => {
        const next = new Uint32Array(Math.max(16, this.created.length * 2, capacity));
        next.set(column.subarray(0, this.size));
        return next;
      };
      this.created = grow(this.created);
      this.updated = grow(this.updated);
      this.modCount = grow(this.modCount);
    }
    const added = Array.from({ length: count }, (_, i) => this.size + i);
    for (const ordinal of added) {
      this.created[ordinal] = now;
      this.updated[ordinal] = now;
      this.modCount[ordinal] = 0;
    }
    this.mergeIntoSysIdOrder(added);
    this.size = capacity;
    this.changed();
    return added;
  }

  /** Merges ordinals that are not in the sys_id order into it. */
  private mergeIntoSysIdOrder(ordinals: readonly number[]): void {
    const seed = this.ctx.seed;
    const table = this.table;
    const current = this.bySysId.length;
    const fresh = [...ordinals].sort((a, b) => compareSysIds(seed, table, a, b));
    const merged = new Uint32Array(current + fresh.length);
    let i = 0;
    let j = 0;
    for (let out = 0; out < merged.length; out++) {
      const old = this.bySysId[i];
      const next = fresh[j];
      const takeOld =
        next === undefined || (i < current && compareSysIds(seed, table, old as number, next) < 0);
      merged[out] = takeOld ? (old as number) : next;
      if (takeOld) i++;
      else j++;
    }
    this.bySysId = merged;
  }

  /** Deletes current records: they leave every list, count and lookup, but stay restorable. */
  remove(ordinals: readonly number[]): void {
    for (const ordinal of ordinals) {
      this.removedOrdinals.add(ordinal);
      this.removed.set(this.sysIdOf(ordinal), ordinal);
    }
    this.bySysId = this.bySysId.filter((ordinal) => !this.removedOrdinals.has(ordinal));
    this.changed();
  }

  /** The ordinal of a deleted record's sys_id, or -1. */
  removedOrdinalOf(sysId: string): number {
    return this.removed.get(sysId) ?? -1;
  }

  /** Brings deleted records back with their sys_id and values; sys_updated_on = now. */
  restore(ordinals: readonly number[], now: number): void {
    const back = ordinals.filter((ordinal) => this.removedOrdinals.has(ordinal));
    for (const ordinal of back) {
      this.removedOrdinals.delete(ordinal);
      this.removed.delete(this.sysIdOf(ordinal));
    }
    this.mergeIntoSysIdOrder(back);
    for (const ordinal of back) this.setUpdated(ordinal, now);
    this.changed();
  }

  setUpdated(ordinal: number, seconds: number): void {
    this.updated[ordinal] = seconds;
    const override = this.overrides.get(ordinal);
    if (override)
      this.overrides.set(ordinal, freeze({ ...override, sys_updated_on: glideDateTime(seconds) }));
    this.changed();
  }

  // ----- queries -------------------------------------------------------------------------------------------------

  private spec(field: string): FieldSpec {
    return this.schema.fields.get(field) as FieldSpec;
  }

  /** The candidates of a query in its order, and whether that order is final (no sort needed). */
  private candidates(plan: QueryPlan): Candidates | undefined {
    const { orderBy, bounds } = plan;
    if (orderBy.length === 0) return this.live();
    if (!orderBy.every((term) => COLUMN_FIELDS.has(term.field))) return undefined;
    const first = orderBy[0] as OrderTerm;
    if (first.field === 'sys_id') {
      // sys_ids are unique: later terms never matter. Keyset bounds narrow the range by binary search.
      const from = bounds.after ? this.sysIdPosition(bounds.after.value, bounds.after.inclusive) : 0;
      const to = bounds.before
        ? this.sysIdPosition(bounds.before.value, !bounds.before.inclusive)
        : this.length;
      const length = Math.max(0, to - from);
      const order = this.bySysId;
      return first.descending
        ? { length, at: (position) => order[to - 1 - position] as number }
        : { length, at: (position) => order[from + position] as number };
    }
    const index = this.columnIndex(orderBy);
    return { length: index.length, at: (position) => index[position] as number };
  }

  /** Ordinals sorted by column-only ORDERBY terms, ties in creation order (cached until the table changes). */
  private columnIndex(orderBy: readonly OrderTerm[]): Uint32Array {
    const key = orderBy.map((term) => `${term.field}${term.descending ? ' desc' : ''}`).join(',');
    const cached = this.indexCache.get(key);
    if (cached) return cached;
    const seed = this.ctx.seed;
    const table = this.table;
    const numeric = (field: ColumnField) =>
      field === 'sys_created_on' ? this.created : field === 'sys_updated_on' ? this.updated : this.modCount;
    const terms = orderBy.map((term) => ({
      descending: term.descending,
      column: term.field === 'sys_id' ? undefined : numeric(term.field as ColumnField),
    }));
    const index = this.liveOrdinals().sort((a, b) => {
      for (const { descending, column } of terms) {
        const order = column
          ? (column[a] as number) - (column[b] as number)
          : compareSysIds(seed, table, a, b);
        if (order !== 0) return descending ? -order : order;
      }
      return a - b;
    });
    this.indexCache.set(key, index);
    return index;
  }

  /** Every match of a query in its order (cached until the table changes). */
  private allMatches(plan: QueryPlan): Uint32Array {
    const order = plan.orderBy.map((term) => `${term.field}${term.descending ? ' desc' : ''}`).join(',');
    const key = `${plan.key}|${order}|${JSON.stringify(plan.bounds)}`;
    const cached = this.resultCache.get(key);
    if (cached) return cached;
    const row = new Row(this);
    const ordered = this.candidates(plan);
    const source = ordered ?? this.live();
    const found: number[] = [];
    for (let position = 0; position < source.length; position++) {
      const ordinal = source.at(position);
      if (!plan.filter || plan.filter(row.at(ordinal))) found.push(ordinal);
    }
    let result: Uint32Array = Uint32Array.from(found);
    if (!ordered) result = this.sort(result, plan.orderBy);
    if (this.resultCache.size >= RESULT_CACHE_ENTRIES) {
      this.resultCache.delete(this.resultCache.keys().next().value as string);
    }
    this.resultCache.set(key, result);
    return result;
  }

  /** Sorts by ORDERBY terms that need the records; ties keep creation order, so offset pages never overlap. */
  private sort(ordinals: Uint32Array, orderBy: readonly OrderTerm[]): Uint32Array {
    const row = new Row(this);
    const specs = orderBy.map((term) => this.spec(term.field));
    const keys = Array.from(ordinals, (ordinal) => {
      row.at(ordinal);
      return orderBy.map((term) => row.value(term.field));
    });
    const positions = Array.from(ordinals.keys());
    positions.sort((a, b) => {
      for (let t = 0; t < orderBy.length; t++) {
        const order = compareForOrder(
          specs[t] as FieldSpec,
          (keys[a] as string[])[t] as string,
          (keys[b] as string[])[t] as string,
        );
        if (order !== 0) return (orderBy[t] as OrderTerm).descending ? -order : order;
      }
      return (ordinals[a] as number) - (ordinals[b] as number);
    });
    return Uint32Array.from(positions, (position) => ordinals[position] as number);
  }

  /** One page of a query: `limit` matches after `offset`, with the total when counted. */
  page(plan: QueryPlan, request: PageRequest): PageResult {
    const { offset, limit } = request;
    const ordered = this.candidates(plan);
    if (ordered && !plan.filter) {
      const end = Math.min(ordered.length, offset + limit);
      const ordinals: number[] = [];
      for (let position = offset; position < end; position++) ordinals.push(ordered.at(position));
      return { ordinals, total: request.count ? ordered.length : undefined, more: end < ordered.length };
    }
    if (ordered && !request.count) {
      // No count asked for: stop after the page and one more match (to know whether there is a next page).
      const row = new Row(this);
      const ordinals: number[] = [];
      let matched = 0;
      for (let position = 0; position < ordered.length; position++) {
        const ordinal = ordered.at(position);
        if (!plan.filter || plan.filter(row.at(ordinal))) {
          if (matched >= offset + limit) return { ordinals, total: undefined, more: true };
          if (matched >= offset) ordinals.push(ordinal);
          matched++;
        }
      }
      return { ordinals, total: undefined, more: false };
    }
    const all = this.allMatches(plan);
    const end = Math.min(all.length, offset + limit);
    return {
      ordinals: offset < end ? Array.from(all.subarray(offset, end)) : [],
      total: request.count ? all.length : undefined,
      more: end < all.length,
    };
  }

  /** Count and per-column minimum / maximum of a query's matches (the Aggregate API); empty values are skipped. */
  aggregate(plan: QueryPlan, minFields: readonly string[], maxFields: readonly string[]): AggregateResult {
    const matches =
      minFields.length === 0 && maxFields.length === 0 && !plan.filter
        ? undefined
        : this.allMatches({ ...plan, orderBy: [] });
    const count = matches ? matches.length : this.length;
    const row = new Row(this);
    const rows = function* () {
      for (const ordinal of matches ?? []) yield row.at(ordinal);
    };
    return {
      count,
      min: columnExtremes(this.schema, rows(), minFields, 1),
      max: columnExtremes(this.schema, rows(), maxFields, -1),
    };
  }
}

export class InstanceData implements GenerationContext {
  private readonly tables = new Map<ServiceNowTableName, TableStore>();
  private changeCounter = 0;
  /** sys_audit_delete: a row per audited deletion. */
  readonly auditLog: AuditDeleteLog;

  constructor(
    readonly instance: string,
    readonly seed: number,
    private readonly sizes: Partial<Record<ServiceNowTableName, number>>,
    readonly period: DataPeriod = FIXED_PERIOD,
  ) {
    this.auditLog = new AuditDeleteLog(seed);
  }

  /** The table's store, generated on first use. */
  table(name: ServiceNowTableName): TableStore {
    let store = this.tables.get(name);
    if (!store) {
      store = new TableStore(this, name, this.generatedCount(name));
      this.tables.set(name, store);
    }
    return store;
  }

  generatedCount(name: ServiceNowTableName): number {
    return Math.max(0, floor(this.sizes[name] ?? DEFAULT_SIZES[name] ?? 0));
  }

  /** The display value of a reference: the referenced record's display column, '' when it does not exist. */
  displayOf(name: ServiceNowTableName, sysId: string): string {
    const store = this.table(name);
    const ordinal = store.ordinalOf(sysId);
    return ordinal < 0 ? '' : (store.record(ordinal)[store.schema.displayField] ?? '');
  }

  private rng(name: ServiceNowTableName, purpose: string): Rng {
    return new Rng(mix32(this.seed, hashString(name), hashString(purpose), ++this.changeCounter));
  }

  /** Revises `count` distinct records chosen by a seeded draw; returns their sys_ids ascending. */
  mutate(name: ServiceNowTableName, count: number, now: Date): string[] {
    const store = this.table(name);
    const n = store.length;
    const wanted = Math.min(n, Math.max(0, floor(count)));
    const rng = this.rng(name, 'mutate');
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
    // Draws pick positions among the current records (the ordinals themselves until something is deleted).
    const ordinals = [...chosen].sort((a, b) => a - b).map((position) => store.liveOrdinalAt(position));
    const seconds = floor(now.getTime() / 1000);
    for (const ordinal of ordinals) store.revise(ordinal, rng, seconds, this.changeCounter);
    return ordinals.map((ordinal) => store.sysIdOf(ordinal)).sort();
  }

  /** Creates `count` records now; returns their sys_ids ascending. */
  addRecords(name: ServiceNowTableName, count: number, now: Date): string[] {
    const store = this.table(name);
    const ordinals = store.append(Math.max(0, floor(count)), floor(now.getTime() / 1000));
    return ordinals.map((ordinal) => store.sysIdOf(ordinal)).sort();
  }

  setUpdatedOn(name: ServiceNowTableName, sysIds: readonly string[], seconds: number): void {
    const store = this.table(name);
    const ordinals = sysIds.map((sysId) => {
      const ordinal = store.ordinalOf(sysId);
      if (ordinal < 0) throw new Error(`setUpdatedOn: ${name} has no record with sys_id ${sysId}`);
      return ordinal;
    });
    for (const ordinal of ordinals) store.setUpdated(ordinal, floor(seconds));
  }

  /**
   * Deletes current records now; with `audit`, each deletion appends a sys_audit_delete row. Every sys_id must
   * name a current record (nothing changes otherwise).
   */
  deleteRecords(name: ServiceNowTableName, sysIds: readonly string[], now: Date, audit: boolean): void {
    const store = this.table(name);
    const ordinals = [...new Set(sysIds)].map((sysId) => {
      const ordinal = store.ordinalOf(sysId);
      if (ordinal < 0) throw new Error(`deleteRecords: ${name} has no record with sys_id ${sysId}`);
      return ordinal;
    });
    const deleted = ordinals.map((ordinal) => store.record(ordinal));
    store.remove(ordinals);
    if (audit) this.auditLog.append(name, deleted, store.schema.displayField, floor(now.getTime() / 1000));
  }

  /** Undeletes: the records come back with their sys_ids and values, sys_updated_on = now. */
  restoreRecords(name: ServiceNowTableName, sysIds: readonly string[], now: Date): void {
    const store = this.table(name);
    const ordinals = [...new Set(sysIds)].map((sysId) => {
      const ordinal = store.removedOrdinalOf(sysId);
      if (ordinal < 0) throw new Error(`restoreRecords: ${name} has no deleted record with sys_id ${sysId}`);
      return ordinal;
    });
    store.restore(ordinals, floor(now.getTime() / 1000));
  }
}
