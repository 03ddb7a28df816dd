import type { StateItem, StateStore } from '../../shared/ports';
import { DurableLog } from './durableLog';

interface PutEntry {
  pk: string;
  sk: string;
  value: unknown;
  version: number;
}

/**
 * The embedded StateStore: a map in memory, made durable by a write-ahead log when given a path.
 * Conditional writes are atomic because all access happens on one event loop; the local runtime takes a
 * lock on the state directory so only one process writes it.
 */
export class LocalStateStore implements StateStore {
  private readonly partitions = new Map<string, Map<string, { value: string; version: number }>>();
  private readonly log: DurableLog<PutEntry> | undefined;

  /** @param options.readOnly replay the log and never write it (a reader beside the owning process). */
  constructor(path?: string, options: { readOnly?: boolean } = {}) {
    if (path === undefined) return;
    this.log = new DurableLog<PutEntry>(path, options.readOnly);
    for (const entry of this.log.replay())
      this.apply(entry.pk, entry.sk, JSON.stringify(entry.value), entry.version);
    this.log.compact(this.entries());
  }

  async get<T>(pk: string, sk: string): Promise<StateItem<T> | undefined> {
    const item = this.partitions.get(pk)?.get(sk);
    return item ? { value: JSON.parse(item.value) as T, version: item.version } : undefined;
  }

  async putIfAbsent<T>(pk: string, sk: string, value: T): Promise<boolean> {
    return this.putIfVersion(pk, sk, value, 0);
  }

  async putIfVersion<T>(pk: string, sk: string, value: T, expectedVersion: number): Promise<boolean> {
    const current = this.partitions.get(pk)?.get(sk)?.version ?? 0;
    if (current !== expectedVersion) return false;
    const serialized = JSON.stringify(value);
    this.log?.append({ pk, sk, value, version: current + 1 });
    this.apply(pk, sk, serialized, current + 1);
    return true;
  }

  async query<T>(pk: string, skPrefix = ''): Promise<Array<StateItem<T> & { sk: string }>> {
    const partition = this.partitions.get(pk);
    if (!partition) return [];
    return [...partition.entries()]
      .filter(([sk]) => sk.startsWith(skPrefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([sk, item]) => ({ sk, value: JSON.parse(item.value) as T, version: item.version }));
  }

  close(): void {
    this.log?.close();
  }

  private apply(pk: string, sk: string, value: string, version: number): void {
    let partition = this.partitions.get(pk);
    if (!partition) this.partitions.set(pk, (partition = new Map()));
    partition.set(sk, { value, version });
  }

  private *entries(): Iterable<PutEntry> {
    for (const [pk, partition] of this.partitions) {
      for (const [sk, item] of partition)
        yield { pk, sk, value: JSON.parse(item.value), version: item.version };
    }
  }
}
