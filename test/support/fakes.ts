import type { ConnectWiseReader, ListOptions, RawRecord } from '../../sources/connectwise/client';
import type { ConnectWiseTable } from '../../sources/connectwise/endpoints';
import type { ReceivedRecord } from '../../shared/sources/recordArray';
import type { AnyEvent, EventType } from '../../shared/events/schemas';
import { connectWise, ConnectWiseSourceReader } from '../../sources/connectwise';
import type { SourceConfig } from '../../shared/config/tenantsFile';
import type { SourceReaderFor } from '../../shared/sources/readers';
import type { Clock, EventBus, ObjectStore, WorkQueue } from '../../shared/ports';

/** Collects published events. Can be told to fail the next publish calls. */
export class RecordingBus implements EventBus {
  readonly events: AnyEvent[] = [];
  async publish(events: readonly AnyEvent[]): Promise<void> {
    this.events.push(...events);
  }
  ofType<T extends EventType>(type: T): Array<Extract<AnyEvent, { type: T }>> {
    return this.events.filter((event) => event.type === type) as Array<Extract<AnyEvent, { type: T }>>;
  }
}

export class RecordingWorkQueue implements WorkQueue {
  readonly sent: Array<{ event: AnyEvent; delaySeconds: number }> = [];
  async send(event: AnyEvent, options: { delaySeconds?: number } = {}): Promise<void> {
    this.sent.push({ event, delaySeconds: options.delaySeconds ?? 0 });
  }
}

export class InMemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  async put(key: string, body: Uint8Array): Promise<void> {
    this.objects.set(key, body);
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key);
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}

export class ManualClock implements Clock {
  constructor(public time = Date.parse('2026-01-15T10:00:00Z')) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/**
 * An in-memory source for one table: honours forward-only paging (`afterId`), page size, orderBy on id and
 * `/count`, and can be scripted to throw on a given call. Conditions are recorded, not interpreted (the
 * simulator's parser is tested on its own); tests give it only records inside the chunk under test.
 */
export class FakeConnectWise implements ConnectWiseReader {
  apiCalls = 0;
  readonly calls: Array<{
    kind: 'count' | 'list';
    table: ConnectWiseTable;
    options?: ListOptions;
    conditions?: string;
  }> = [];
  private failures = new Map<number, unknown>();

  constructor(private readonly records: Partial<Record<ConnectWiseTable, RawRecord[]>>) {}

  /** The n-th call (1-based, counting from now) throws `error`. */
  failCall(n: number, error: unknown): void {
    this.failures.set(this.apiCalls + n, error);
  }

  async count(table: ConnectWiseTable, conditions?: string): Promise<number> {
    this.hit();
    this.calls.push({ kind: 'count', table, ...(conditions ? { conditions } : {}) });
    return (this.records[table] ?? []).length;
  }

  async listPage(table: ConnectWiseTable, options: ListOptions): Promise<RawRecord[]> {
    this.hit();
    this.calls.push({ kind: 'list', table, options });
    let rows = [...(this.records[table] ?? [])].sort((a, b) => a.id - b.id);
    if (options.afterId !== undefined) rows = rows.filter((row) => row.id > options.afterId!);
    if (options.orderBy === 'id desc') rows.reverse();
    return rows.slice(0, options.pageSize);
  }

  /** The records `listPage` answers, as the client hands them to the fetcher: each one's JSON bytes. */
  async listReceivedPage(table: ConnectWiseTable, options: ListOptions): Promise<ReceivedRecord[]> {
    return (await this.listPage(table, options)).map(receivedRecord);
  }

  private hit(): void {
    this.apiCalls++;
    const failure = this.failures.get(this.apiCalls);
    if (failure !== undefined) throw failure;
  }
}

/**
 * The pipeline's view of a fake ConnectWise client: the real connector's reader over it, with the settings
 * a tenants file with only a base URL would have. `pageSize` lets tests page small tables.
 */
export function fakeConnectWiseReaders(client: FakeConnectWise, pageSize = 1000): SourceReaderFor {
  const settings = connectWise.settingsSchema.parse({ baseUrl: 'https://cw.test' }) as SourceConfig;
  return async (tenantId) => ({
    connector: connectWise,
    settings,
    reader: new ConnectWiseSourceReader(client, tenantId, pageSize),
  });
}

/** A record as the ConnectWise client receives it (recordArray.ts): id, `_info.lastUpdated`, JSON bytes. */
export function receivedRecord(record: RawRecord): ReceivedRecord {
  const stamp = (record._info as { lastUpdated?: unknown } | undefined)?.lastUpdated;
  const lastUpdated = typeof stamp === 'string' ? new Date(stamp) : null;
  return {
    id: String(record.id),
    lastUpdated: lastUpdated && !Number.isNaN(lastUpdated.getTime()) ? lastUpdated : null,
    json: new TextEncoder().encode(JSON.stringify(record)),
  };
}

export function makeRecords(ids: number[], lastUpdated = '2025-03-01T12:00:00Z'): RawRecord[] {
  return ids.map((id) => ({ id, summary: `record ${id}`, _info: { lastUpdated } }));
}

export function range(from: number, to: number, step = 1): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}
