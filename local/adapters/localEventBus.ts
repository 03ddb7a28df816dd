import {
  CONSUMER_SERVICES,
  consumersOf,
  QUEUE_SETTINGS,
  type ConsumerService,
} from '../../shared/events/routing';
import type { AnyEvent } from '../../shared/events/schemas';
import type { EventBus, WorkQueue } from '../../shared/ports';
import type { LocalQueue } from './localQueue';

/**
 * The embedded EventBridge: routes each event to its consumers' queues with the shared routing table. Consumers
 * left out of `consumers` (the analytics loader when no ClickHouse is configured) receive nothing: a queue no
 * one reads would keep the runtime from ever going idle.
 */
export class LocalEventBus implements EventBus {
  private readonly observers: Array<(event: AnyEvent) => void> = [];
  private readonly consumers: ReadonlySet<ConsumerService>;

  constructor(
    private readonly queues: Record<ConsumerService, LocalQueue>,
    consumers: readonly ConsumerService[] = CONSUMER_SERVICES,
  ) {
    this.consumers = new Set(consumers);
  }

  async publish(events: readonly AnyEvent[]): Promise<void> {
    for (const event of events) {
      for (const consumer of consumersOf(event.type))
        if (this.consumers.has(consumer)) sendTo(this.queues[consumer], consumer, event);
      for (const observe of this.observers) observe(event);
    }
  }

  /** Lets the CLI watch events that no queue consumes (JobCompleted, TableSynced). */
  observe(observer: (event: AnyEvent) => void): void {
    this.observers.push(observer);
  }
}

/** A consumer's own queue as a WorkQueue (the fetcher's continuations). */
export class LocalWorkQueue implements WorkQueue {
  constructor(
    private readonly queue: LocalQueue,
    private readonly consumer: ConsumerService,
  ) {}

  async send(event: AnyEvent, options: { delaySeconds?: number } = {}): Promise<void> {
    sendTo(this.queue, this.consumer, event, options.delaySeconds);
  }
}

function sendTo(queue: LocalQueue, consumer: ConsumerService, event: AnyEvent, delaySeconds = 0): void {
  queue.send(JSON.stringify(event), {
    delaySeconds,
    groupId: QUEUE_SETTINGS[consumer].fairByTenant ? event.tenantId : null,
  });
}
