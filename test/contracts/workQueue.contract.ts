import type { AnyEvent } from '../../shared/events/schemas';
import type { WorkQueue } from '../../shared/ports';
import { aChunkPlannedEvent, someChunkPlannedEvents } from './eventFactories';

export interface ArrivedMessage {
  /** The event as its consumer will see it (parsed from the wire). */
  event: AnyEvent;
  /** The delay the queue holds the message for, as the transport recorded it; 0 when sent without delay. */
  delaySeconds: number;
}

export interface WorkQueueFixture {
  queue: WorkQueue;
  /** Every message sent so far, delayed or not, in any order, without consuming them. */
  arrived(): Promise<ArrivedMessage[]>;
  /** Releases what the factory created. */
  cleanup(): Promise<void>;
}

const byEventId = (a: ArrivedMessage, b: ArrivedMessage) => a.event.eventId.localeCompare(b.event.eventId);

/**
 * The behaviour every WorkQueue adapter must have (DESIGN §7). `makeQueue` is called before every test and
 * must return an empty queue.
 */
export function workQueueContract(name: string, makeQueue: () => Promise<WorkQueueFixture>): void {
  describe(`WorkQueue contract: ${name}`, () => {
    let fixture: WorkQueueFixture;

    beforeEach(async () => {
      fixture = await makeQueue();
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('given an event sent without options, when the queue is read, then it arrived intact and is not delayed', async () => {
      const event = aChunkPlannedEvent({ tenantId: 'acme', index: 1 });

      await fixture.queue.send(event);

      expect(await fixture.arrived()).toEqual([{ event, delaySeconds: 0 }]);
    });

    it('given an event sent with a delay, when the queue is read, then it arrived with that delay', async () => {
      const event = aChunkPlannedEvent({ tenantId: 'acme', index: 2 });

      await fixture.queue.send(event, { delaySeconds: 30 });

      expect(await fixture.arrived()).toEqual([{ event, delaySeconds: 30 }]);
    });

    it('given an event sent with the longest delay SQS allows, when the queue is read, then it arrived with 900 seconds', async () => {
      const event = aChunkPlannedEvent({ tenantId: 'acme', index: 3 });

      await fixture.queue.send(event, { delaySeconds: 900 });

      expect(await fixture.arrived()).toEqual([{ event, delaySeconds: 900 }]);
    });

    it('given several events of several tenants with and without delays, when the queue is read, then each arrived exactly once with its own delay', async () => {
      // Prepare
      const events = someChunkPlannedEvents(6, ['acme', 'globex']);
      const delays = [0, 5, 0, 60, 0, 120];

      // Act
      for (const [index, event] of events.entries()) {
        await fixture.queue.send(event, { delaySeconds: delays[index] });
      }

      // Assess
      const expected = events.map((event, index) => ({ event, delaySeconds: delays[index] as number }));
      expect((await fixture.arrived()).sort(byEventId)).toEqual(expected.sort(byEventId));
    });
  });
}
