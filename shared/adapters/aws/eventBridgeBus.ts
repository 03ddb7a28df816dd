import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { AnyEvent } from '../../events/schemas';
import type { EventBus } from '../../ports';
import { EventPublishError, EventTooLargeError } from './errors';

export const EVENT_SOURCE = 'avesa.pipeline';

/** https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html: at most 10 entries per call. */
export const MAX_ENTRIES_PER_PUT = 10;

/**
 * 256 KB, for one entry and for the whole PutEvents request, measured as described in
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

export interface EventBridgeBusOptions {
  eventBusName: string;
  /** Defaults to one client per cold start, shared by every instance. */
  client?: EventBridgeClient;
  /** Attempts per entry, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected by tests so retries do not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected by tests to make the jitter deterministic; returns a number in [0, 1). */
  random?: () => number;
}

interface PendingEntry {
  event: AnyEvent;
  entry: PutEventsRequestEntry;
  size: number;
  lastErrorCode?: string;
}

let defaultClient: EventBridgeClient | undefined;

/** Publishes domain events to one EventBridge bus, batched and with failed entries retried. */
export class EventBridgeBus implements EventBus {
  private readonly client: EventBridgeClient;
  private readonly eventBusName: string;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: EventBridgeBusOptions) {
    this.client = options.client ?? (defaultClient ??= new EventBridgeClient({}));
    this.eventBusName = options.eventBusName;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 5_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /**
   * Sends every event, in batches that respect both the entry count and the request size limit, and
   * retries the entries EventBridge reports as failed with exponential backoff and full jitter.
   * Rejects with EventTooLargeError before sending anything when one event can never fit, and with
   * EventPublishError naming the events that still failed after the last attempt. A request that fails
   * as a whole (after the SDK's own retries) rejects with the SDK error; batches sent before it stay sent,
   * which at-least-once delivery and deterministic event ids allow.
   */
  async publish(events: readonly AnyEvent[]): Promise<void> {
    let pending = events.map((event) => this.toPendingEntry(event));
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) await this.sleep(this.backoffMs(attempt - 1));
      const failed: PendingEntry[] = [];
      for (const batch of batchBySizeAndCount(pending)) failed.push(...(await this.putBatch(batch)));
      pending = failed;
      if (pending.length > 0 && attempt >= this.maxAttempts) {
        throw this.publishError(pending, events.length, attempt);
      }
    }
  }

  private toPendingEntry(event: AnyEvent): PendingEntry {
    const entry: PutEventsRequestEntry = {
      EventBusName: this.eventBusName,
      Source: EVENT_SOURCE,
      DetailType: event.type,
      Detail: JSON.stringify(event),
    };
    const size = entrySize(entry);
    if (size > MAX_PUT_EVENTS_BYTES) throw new EventTooLargeError(event.eventId, size, MAX_PUT_EVENTS_BYTES);
    return { event, entry, size };
  }

  /** Returns the entries of the batch that failed. Result entries are in request order (PutEvents API). */
  private async putBatch(batch: PendingEntry[]): Promise<PendingEntry[]> {
    const response = await this.client.send(
      new PutEventsCommand({ Entries: batch.map((item) => item.entry) }),
    );
    if (!response.FailedEntryCount) return [];
    return batch.filter((item, index) => {
      const result = response.Entries?.[index];
      if (result?.EventId && !result.ErrorCode) return false;
      item.lastErrorCode = result?.ErrorCode ?? 'NoResultEntry';
      return true;
    });
  }

  /** Full jitter: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/ */
  private backoffMs(retry: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (retry - 1));
    return Math.floor(this.random() * ceiling);
  }

  private publishError(failed: PendingEntry[], total: number, attempts: number): EventPublishError {
    const codes = new Map<string, number>();
    for (const item of failed) {
      const code = item.lastErrorCode ?? 'Unknown';
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    const codeSummary = [...codes].map(([code, count]) => `${code} x${count}`).join(', ');
    const ids = failed.map((item) => item.event.eventId);
    return new EventPublishError(
      `EventBridge bus ${this.eventBusName} rejected ${failed.length} of ${total} events after ${attempts} attempts ` +
        `(${codeSummary}); event ids: ${ids.join(', ')}`,
      ids,
    );
  }
}

function entrySize(entry: PutEventsRequestEntry): number {
  return (
    Buffer.byteLength(entry.Source ?? '') +
    Buffer.byteLength(entry.DetailType ?? '') +
    Buffer.byteLength(entry.Detail ?? '') +
    (entry.Resources ?? []).reduce((sum, resource) => sum + Buffer.byteLength(resource), 0) +
    (entry.Time ? 14 : 0)
  );
}

function* batchBySizeAndCount(entries: PendingEntry[]): Generator<PendingEntry[]> {
  let batch: PendingEntry[] = [];
  let bytes = 0;
  for (const item of entries) {
    if (
      batch.length === MAX_ENTRIES_PER_PUT ||
      (batch.length > 0 && bytes + item.size > MAX_PUT_EVENTS_BYTES)
    ) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += item.size;
  }
  if (batch.length > 0) yield batch;
}
