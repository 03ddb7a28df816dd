/**
 * Per-org record storage: per object four Uint32 columns by ordinal (creation order = Id order) and the edited
 * field values of revised records; everything else is generated on demand (data.ts), so 100,000 Cases cost
 * ~1.6 MB plus the edits. Runs compiled SOQL over those columns: the audit stamps, Id and IsDeleted are read
 * without building the record. Deletes are soft: IsDeleted and the deletion time, SystemModstamp bumped; the
 * recycle bin keeps them (queryAll, getDeleted) for 15 days of the simulator's clock.
 */
import { FIXED_PERIOD, type DataPeriod } from '../core/period';
import { hashString, mix32, Rng } from '../core/prng';
import { lazyReadonlyArray } from '../core/records';
import {
  buildColumns,
  generateFields,
  reviseFields,
  type GenerationContext,
  type StoredFields,
} from './data';
import {
  compareByOrder,
  type CompiledQuery,
  type FieldValue,
  type ResolvedField,
  type SoqlRow,
} from './evaluate';
import { IdCodec, podOf } from './ids';
import { SALESFORCE_OBJECTS, SCHEMAS, type ObjectSchema, type SalesforceObjectName } from './objects';

const { floor } = Math;
const { freeze } = Object;

/** How long soft-deleted records stay in the recycle bin and the delete log (reference §B.6). */
export const RECYCLE_BIN_SECONDS = 15 * 86_400;

/** A record as the evaluator sees it: columns read directly, other fields from the record (built once). */
export class Row implements SoqlRow {
  private ordinal = 0;
  private built: StoredFields | undefined;
  private readonly parents = new Map<string, Row>();

  constructor(
    private readonly org: OrgData,
    private readonly store: ObjectStore,
  ) {}

  at(ordinal: number): this {
    this.ordinal = ordinal;
    this.built = undefined;
    return this;
  }

  /** The value of a field of this record by API name. */
  own(name: string): FieldValue {
    const store = this.store;
    switch (name) {
      case 'Id':
        return store.idOf(this.ordinal);
      case 'IsDeleted':
        return store.deletedAt(this.ordinal) > 0;
      case 'CreatedDate':
        return store.createdAt(this.ordinal);
      case 'LastModifiedDate':
        return store.lastModifiedAt(this.ordinal);
      case 'SystemModstamp':
        return store.modstampAt(this.ordinal);
      default:
        this.built ??= store.fields(this.ordinal);
        return this.built[name] ?? null;
    }
  }

  /** The parent a reference field points at, positioned on its record, or undefined. */
  parent(via: string, target: SalesforceObjectName): Row | undefined {
    const id = this.own(via);
    if (typeof id !== 'string') return undefined;
    const store = this.org.object(target);
    const ordinal = store.ordinalOf(id);
    if (ordinal < 0) return undefined;
    let row = this.parents.get(via);
    if (!row) {
      row = new Row(this.org, store);
      this.parents.set(via, row);
    }
    return row.at(ordinal);
  }

  value(field: ResolvedField): FieldValue {
    if (!field.via) return this.own(field.spec.name);
    return (
      this.parent(field.via.name, field.via.target as SalesforceObjectName)?.own(field.spec.name) ?? null
    );
  }
}

export class ObjectStore {
  readonly schema: ObjectSchema;
  readonly codec: IdCodec;
  private created: Uint32Array;
  private lastModified: Uint32Array;
  private modstamp: Uint32Array;
  /** Epoch seconds of the soft delete; 0 while not deleted. */
  private deleted: Uint32Array;
  private size: number;
  /** Field values of revised records (frozen, shared with snapshots). */
  private readonly edits = new Map<number, StoredFields>();

  constructor(
    private readonly ctx: GenerationContext,
    readonly object: SalesforceObjectName,
    generatedCount: number,
  ) {
    this.schema = SCHEMAS[object];
    this.codec = ctx.codec(object);
    const columns = buildColumns(ctx.seed, object, generatedCount, ctx.period);
    this.created = columns.created;
    this.lastModified = columns.lastModified;
    this.modstamp = columns.modstamp;
    this.deleted = new Uint32Array(generatedCount);
    this.size = generatedCount;
  }

  get length(): number {
    return this.size;
  }

  idOf(ordinal: number): string {
    return this.codec.idOf(ordinal);
  }

  /** The ordinal of an Id (15 or 18 characters), or -1. */
  ordinalOf(id: string): number {
    const ordinal = this.codec.ordinalOf(id);
    return ordinal < this.size ? ordinal : -1;
  }

  createdAt(ordinal: number): number {
    return this.created[ordinal] as number;
  }

  lastModifiedAt(ordinal: number): number {
    return this.lastModified[ordinal] as number;
  }

  modstampAt(ordinal: number): number {
    return this.modstamp[ordinal] as number;
  }

  deletedAt(ordinal: number): number {
    return this.deleted[ordinal] as number;
  }

  fields(ordinal: number): StoredFields {
    return this.edits.get(ordinal) ?? generateFields(this.ctx, this.object, ordinal, this.createdAt(ordinal));
  }

  /** Deleted records emptied from the recycle bin (hard-deleted): gone from queryAll, still in the delete log. */
  private readonly purged = new Set<number>();

  /** Whether a query sees the record at `now`: live ones always, deleted ones with queryAll until purged. */
  visible(ordinal: number, includeDeleted: boolean, now: number): boolean {
    const deletedAt = this.deleted[ordinal] as number;
    return (
      deletedAt === 0 ||
      (includeDeleted && !this.purged.has(ordinal) && deletedAt > now - RECYCLE_BIN_SECONDS)
    );
  }

  /** Hard delete (emptyRecycleBin): soft-deleted first if it was live, then gone from queryAll. */
  purge(ordinal: number, now: number): void {
    this.softDelete(ordinal, now);
    this.purged.add(ordinal);
  }

  /** Live ordinals in Id order. */
  liveOrdinals(): number[] {
    const out: number[] = [];
    for (let ordinal = 0; ordinal < this.size; ordinal++) if (this.deleted[ordinal] === 0) out.push(ordinal);
    return out;
  }

  /** A consistent view of the live records in Id order as they are now; later changes do not show through. */
  snapshot<T>(present: (row: Row) => T, org: OrgData): readonly T[] {
    const frozen = new ObjectStore(this.ctx, this.object, 0);
    frozen.created = this.created.slice(0, this.size);
    frozen.lastModified = this.lastModified.slice(0, this.size);
    frozen.modstamp = this.modstamp.slice(0, this.size);
    frozen.deleted = this.deleted.slice(0, this.size);
    frozen.size = this.size;
    for (const [ordinal, fields] of this.edits) frozen.edits.set(ordinal, fields);
    const ordinals = frozen.liveOrdinals();
    const row = new Row(org, frozen);
    return lazyReadonlyArray(ordinals.length, (position) => present(row.at(ordinals[position] as number)));
  }

  // ----- changes -------------------------------------------------------------------------------------------------

  revise(ordinal: number, rng: Rng, now: number): void {
    const current = this.fields(ordinal);
    this.edits.set(ordinal, freeze({ ...current, ...reviseFields(this.object, current, rng, now) }));
    this.lastModified[ordinal] = now;
    this.modstamp[ordinal] = now;
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
      this.lastModified = grow(this.lastModified);
      this.modstamp = grow(this.modstamp);
      this.deleted = grow(this.deleted);
    }
    const added = Array.from({ length: count }, (_, i) => this.size + i);
    for (const ordinal of added) {
      this.created[ordinal] = now;
      this.lastModified[ordinal] = now;
      this.modstamp[ordinal] = now;
      this.deleted[ordinal] = 0;
    }
    this.size = capacity;
    return added;
  }

  softDelete(ordinal: number, now: number): void {
    if (this.deleted[ordinal] !== 0) return;
    this.deleted[ordinal] = now;
    this.modstamp[ordinal] = now;
  }

  /** Undelete from the recycle bin: the same Id is live again, SystemModstamp bumped (reference §B.6). */
  restore(ordinal: number, now: number): void {
    if (this.deleted[ordinal] === 0 || this.purged.has(ordinal)) return;
    this.deleted[ordinal] = 0;
    this.modstamp[ordinal] = now;
  }

  /** Forces SystemModstamp (LastModifiedDate follows when it would otherwise be later: it never exceeds it). */
  setModstamp(ordinal: number, seconds: number): void {
    this.modstamp[ordinal] = seconds;
    if ((this.lastModified[ordinal] as number) > seconds) this.lastModified[ordinal] = seconds;
  }

  // ----- queries -------------------------------------------------------------------------------------------------

  /** The ordinals a compiled query returns at `now`, in its order, after OFFSET and LIMIT. */
  run(org: OrgData, query: CompiledQuery, includeDeleted: boolean, now: number): Uint32Array {
    const row = new Row(org, this);
    const found: number[] = [];
    for (let ordinal = 0; ordinal < this.size; ordinal++) {
      if (!this.visible(ordinal, includeDeleted, now)) continue;
      if (!query.filter || query.filter(row.at(ordinal))) found.push(ordinal);
    }
    let ordered: number[] = found;
    if (query.order.length > 0) {
      // Keys are read once per record; ties keep Id order, so pages never overlap.
      const keys = new Map<number, FieldValue[]>();
      for (const ordinal of found) {
        row.at(ordinal);
        keys.set(
          ordinal,
          query.order.map((key) => row.value(key.field)),
        );
      }
      ordered = [...found].sort(
        (a, b) =>
          compareByOrder(query.order, keys.get(a) as FieldValue[], keys.get(b) as FieldValue[]) || a - b,
      );
    }
    const from = query.offset ?? 0;
    const to = query.limit === undefined ? ordered.length : Math.min(ordered.length, from + query.limit);
    return Uint32Array.from(ordered.slice(from, Math.max(from, to)));
  }
}

export class OrgData implements GenerationContext {
  private readonly objects = new Map<SalesforceObjectName, ObjectStore>();
  private readonly codecs: Record<SalesforceObjectName, IdCodec>;
  private changeCounter = 0;
  /** The org's 18-character Id (`00D…`). */
  readonly orgId: string;
  readonly userId: string;

  constructor(
    readonly name: string,
    readonly seed: number,
    private readonly sizes: Partial<Record<SalesforceObjectName, number>>,
    readonly period: DataPeriod = FIXED_PERIOD,
  ) {
    const pod = podOf(seed);
    this.codecs = Object.fromEntries(
      SALESFORCE_OBJECTS.map((object) => [object, new IdCodec(seed, SCHEMAS[object].keyPrefix, pod)]),
    ) as Record<SalesforceObjectName, IdCodec>;
    this.orgId = new IdCodec(seed, '00D', pod).idOf(0);
    this.userId = new IdCodec(seed, '005', pod).idOf(0);
  }

  codec(object: SalesforceObjectName): IdCodec {
    return this.codecs[object];
  }

  /** The object's store, generated on first use. */
  object(name: SalesforceObjectName): ObjectStore {
    let store = this.objects.get(name);
    if (!store) {
      store = new ObjectStore(this, name, this.generatedCount(name));
      this.objects.set(name, store);
    }
    return store;
  }

  generatedCount(name: SalesforceObjectName): number {
    return Math.max(0, floor(this.sizes[name] ?? 0));
  }

  private rng(name: SalesforceObjectName, purpose: string): Rng {
    return new Rng(mix32(this.seed, hashString(name), hashString(purpose), ++this.changeCounter));
  }

  private ordinalsOf(name: SalesforceObjectName, ids: readonly string[], action: string): number[] {
    const store = this.object(name);
    return ids.map((id) => {
      const ordinal = store.ordinalOf(id);
      if (ordinal < 0) throw new Error(`${action}: ${name} has no record with Id ${id}`);
      return ordinal;
    });
  }

  /** Revises `count` distinct live records chosen by a seeded draw; returns their Ids ascending. */
  mutate(name: SalesforceObjectName, count: number, now: number): string[] {
    const store = this.object(name);
    const live = store.liveOrdinals();
    const wanted = Math.min(live.length, Math.max(0, floor(count)));
    const rng = this.rng(name, 'mutate');
    for (let i = 0; i < wanted; i++) {
      const j = i + rng.int(live.length - i);
      [live[i], live[j]] = [live[j] as number, live[i] as number];
    }
    const chosen = live.slice(0, wanted).sort((a, b) => a - b);
    for (const ordinal of chosen) store.revise(ordinal, rng, now);
    return chosen.map((ordinal) => store.idOf(ordinal));
  }

  addRecords(name: SalesforceObjectName, count: number, now: number): string[] {
    const store = this.object(name);
    return store.append(Math.max(0, floor(count)), now).map((ordinal) => store.idOf(ordinal));
  }

  deleteRecords(name: SalesforceObjectName, ids: readonly string[], now: number): void {
    const store = this.object(name);
    for (const ordinal of this.ordinalsOf(name, ids, 'deleteRecords')) store.softDelete(ordinal, now);
  }

  purgeRecords(name: SalesforceObjectName, ids: readonly string[], now: number): void {
    const store = this.object(name);
    for (const ordinal of this.ordinalsOf(name, ids, 'purgeRecords')) store.purge(ordinal, now);
  }

  undeleteRecords(name: SalesforceObjectName, ids: readonly string[], now: number): void {
    const store = this.object(name);
    for (const ordinal of this.ordinalsOf(name, ids, 'undeleteRecords')) store.restore(ordinal, now);
  }

  setSystemModstamp(name: SalesforceObjectName, ids: readonly string[], seconds: number): void {
    const store = this.object(name);
    for (const ordinal of this.ordinalsOf(name, ids, 'setSystemModstamp'))
      store.setModstamp(ordinal, seconds);
  }

  /** Deletions in [fromSeconds, toSeconds) still in the delete log at `now`, oldest first. */
  deletedBetween(
    name: SalesforceObjectName,
    fromSeconds: number,
    toSeconds: number,
    now: number,
  ): { id: string; deletedAt: number }[] {
    const store = this.object(name);
    const out: { id: string; deletedAt: number }[] = [];
    for (let ordinal = 0; ordinal < store.length; ordinal++) {
      const at = store.deletedAt(ordinal);
      if (at > 0 && at >= fromSeconds && at < toSeconds && at > now - RECYCLE_BIN_SECONDS) {
        out.push({ id: store.idOf(ordinal), deletedAt: at });
      }
    }
    return out.sort((a, b) => a.deletedAt - b.deletedAt || (a.id < b.id ? -1 : 1));
  }
}
