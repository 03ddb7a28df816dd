import { LRUCache } from 'lru-cache';

export interface ResultCacheOptions {
  /** Entries kept (least recently used go first). */
  maxEntries: number;
  /**
   * A backstop only: keys carry the tenant's data version, so an entry is never stale with respect to the data;
   * the TTL bounds how old the answers that depend on "now" (ticket ages, the open backlog) may get.
   */
  ttlMs: number;
}

export const DEFAULT_CACHE_OPTIONS: ResultCacheOptions = { maxEntries: 10_000, ttlMs: 60_000 };

/**
 * Query results by key, computed once per key: concurrent misses of one key share the one computation in flight
 * (single flight), so a cold dashboard hit by a thousand requests runs its queries once. A failed computation is
 * not cached.
 */
export class ResultCache {
  private readonly entries: LRUCache<string, { value: unknown }>;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  readonly stats = { hits: 0, misses: 0 };

  constructor(readonly options: ResultCacheOptions = DEFAULT_CACHE_OPTIONS) {
    this.entries = new LRUCache({ max: Math.max(1, options.maxEntries), ttl: Math.max(1, options.ttlMs) });
  }

  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.options.maxEntries === 0) return compute();
    const entry = this.entries.get(key);
    if (entry) {
      this.stats.hits += 1;
      return entry.value as T;
    }
    const pending = this.inFlight.get(key);
    if (pending) {
      this.stats.hits += 1;
      return pending as Promise<T>;
    }
    this.stats.misses += 1;
    const computation = compute().then(
      (value) => {
        this.entries.set(key, { value });
        this.inFlight.delete(key);
        return value;
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, computation);
    return computation;
  }

  clear(): void {
    this.entries.clear();
  }
}
