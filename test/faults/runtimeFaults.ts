/**
 * Runtime faults injected through LocalPipeline's seams (`wrapHandler`, `wrapBus`): each factory returns a fresh
 * wrapper per run, remembering what it already broke so every fault happens once per message or per batch.
 */
import type { SQSEvent } from 'aws-lambda';
import type { ConsumerService } from '../../shared/events/routing';
import type { AnyEvent } from '../../shared/events/schemas';
import type { EventBus } from '../../shared/ports';
import type { SqsHandler } from '../../shared/runtime/sqsConsumer';
import { mulberry32 } from '../../simulator/prng';

export type HandlerWrapper = (service: ConsumerService, handler: SqsHandler) => SqsHandler;
export type BusWrapper = (bus: EventBus) => EventBus;

/** Counts what a wrapper did, so a scenario can prove its fault really happened. */
export interface InjectionCounter {
  injected: number;
}

/** Ids of the events in a batch: a redelivered message keeps its event id (its SQS message id may change). */
function eventIds(event: SQSEvent): string[] {
  return event.Records.map((record) => (JSON.parse(record.body) as { eventId: string }).eventId);
}

/** The first delivery of any message crashes the invocation: before the handler runs, or after it returned. */
export function crashOncePerMessage(when: 'before' | 'after', counter: InjectionCounter): HandlerWrapper {
  const seen = new Set<string>();
  return (service, handler) => async (event, context) => {
    const fresh = eventIds(event).filter((id) => !seen.has(`${service}/${id}`));
    for (const id of fresh) seen.add(`${service}/${id}`);
    if (fresh.length > 0 && when === 'before') {
      counter.injected++;
      throw new Error(`injected crash of ${service} before handling ${fresh.length} message(s)`);
    }
    const response = await handler(event, context);
    if (fresh.length > 0) {
      counter.injected++;
      throw new Error(`injected crash of ${service} after handling, before acknowledging`);
    }
    return response;
  };
}

/**
 * Reorders deliveries: every batch is shuffled, then held for a seeded random 0-40 ms before the handler sees it,
 * so with several workers per consumer, messages reach the handler in another order than the queue gave them.
 * The counter receives the number of batches handled before a batch that arrived earlier.
 */
export function reorderDeliveries(seed: number, counter: InjectionCounter): HandlerWrapper {
  const random = mulberry32(seed);
  let arrivals = 0;
  let highestHandled = -1;
  return (_service, handler) => async (event, context) => {
    const arrival = arrivals++;
    const records = [...event.Records];
    for (let i = records.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [records[i], records[j]] = [records[j]!, records[i]!];
    }
    await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 40)));
    if (arrival < highestHandled) counter.injected++;
    highestHandled = Math.max(highestHandled, arrival);
    return handler({ Records: records }, context);
  };
}

/** At-least-once delivery at its worst: every event is routed twice, so every consumer receives two copies. */
export function publishTwice(counter: InjectionCounter): BusWrapper {
  return (bus) => ({
    async publish(events: readonly AnyEvent[]) {
      await bus.publish(events);
      counter.injected += events.length;
      await bus.publish(events);
    },
  });
}

/**
 * A partial PutEvents failure: the first attempt to publish any batch delivers only its first half and then
 * fails, as a consumer sees failed entries it must retry. The consumer's retry (a redelivered message) succeeds.
 */
export function failHalfOfPutEvents(counter: InjectionCounter): BusWrapper {
  const failedOnce = new Set<string>();
  return (bus) => ({
    async publish(events: readonly AnyEvent[]) {
      const key = events.map((event) => event.eventId).join(',');
      if (failedOnce.has(key)) return bus.publish(events);
      failedOnce.add(key);
      const delivered = Math.floor(events.length / 2);
      await bus.publish(events.slice(0, delivered));
      counter.injected++;
      throw new Error(
        `injected PutEvents failure: ${events.length - delivered} of ${events.length} entries failed`,
      );
    },
  });
}
