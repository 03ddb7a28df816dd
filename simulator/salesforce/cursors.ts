/**
 * Query locators (reference §B.1): a query with more rows than its batch keeps its result (the ordinals, in order)
 * under an 18-character `01g…` id; `nextRecordsUrl` is `/services/data/vXX.X/query/<id>-<offset>`, also for
 * queryAll. A locator lives `lifetimeSeconds` on the simulator's clock, then INVALID_QUERY_LOCATOR. Records are
 * rendered when their batch is fetched, from the rows as they are then [U].
 */
import type { ResolvedField } from './evaluate';
import { makeId } from './ids';
import type { SalesforceObjectName } from './objects';

/** Open cursors kept per simulator; the oldest is dropped beyond this (its locator then answers invalid). */
const MAX_CURSORS = 500;

export interface Cursor {
  org: string;
  object: SalesforceObjectName;
  fields: readonly ResolvedField[];
  ordinals: Uint32Array;
  batchSize: number;
  expiresAtMs: number;
}

export class CursorStore {
  private readonly cursors = new Map<string, Cursor>();
  private counter = 0;

  constructor(
    private readonly pod: string,
    private readonly lifetimeSeconds: number,
  ) {}

  open(cursor: Omit<Cursor, 'expiresAtMs'>, nowMs: number): string {
    const id = makeId('01g', this.pod, 62 ** 6 + ++this.counter * 7919);
    if (this.cursors.size >= MAX_CURSORS) this.cursors.delete(this.cursors.keys().next().value as string);
    this.cursors.set(id, { ...cursor, expiresAtMs: nowMs + this.lifetimeSeconds * 1000 });
    return id;
  }

  /** The cursor of a locator `<id>-<offset>` for an org, with the offset, if it is valid at `nowMs`. */
  find(locator: string, org: string, nowMs: number): { cursor: Cursor; offset: number } | undefined {
    const match = /^([0-9A-Za-z]{18})-(\d+)$/.exec(locator);
    if (!match) return undefined;
    const cursor = this.cursors.get(match[1] as string);
    const offset = Number(match[2]);
    if (!cursor || cursor.org !== org || nowMs >= cursor.expiresAtMs || offset > cursor.ordinals.length) {
      return undefined;
    }
    return { cursor, offset };
  }
}
