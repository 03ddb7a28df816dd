import { consumersOf, QUEUE_SETTINGS, type ConsumerService } from '../../shared/events/routing';
import type { AnyEvent } from '../../shared/events/schemas';
import type { EventBus, WorkQueue } from '../../shared/ports';
import type { LocalQueue } from './localQueue';

/** The embedded EventBridge: routes each event to its consumers' queues with the shared routing table. */
export class LocalEventBus implements EventBus {
  private readonly observers: Array<(event: AnyEvent) => void> = [];

  constructor(private readonly queues: Record<ConsumerService, LocalQueue>) {}

  async publish(events: readonly AnyEvent[]): Promise<void> {
    for (const event of events) {
      for (const consumer of consumersOf(event.type)) sendTo(this.queues[consumer], consumer, event);
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
