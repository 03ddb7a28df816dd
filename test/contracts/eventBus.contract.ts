import type { AnyEvent } from '../../shared/events/schemas';
import type { EventBus } from '../../shared/ports';
import { aChunkPlannedEvent, aTableSyncedEvent, someChunkPlannedEvents } from './eventFactories';

export interface EventBusFixture {
  bus: EventBus;
  /**
   * Every event delivered so far, as its consumer would see it (parsed from the wire), in any order.
   * The bus is at-least-once, so an event may appear more than once.
   */
  delivered(): Promise<AnyEvent[]>;
  /** Releases what the factory created. */
  cleanup(): Promise<void>;
}

const ids = (events: readonly AnyEvent[]) => [...new Set(events.map((event) => event.eventId))].sort();

/**
 * The behaviour every EventBus adapter must have (DESIGN §3, §7). `makeBus` is called before every test and
 * must return a bus that has delivered nothing yet.
 */
export function eventBusContract(name: string, makeBus: () => Promise<EventBusFixture>): void {
  describe(`EventBus contract: ${name}`, () => {
    let fixture: EventBusFixture;

    beforeEach(async () => {
      fixture = await makeBus();
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('given one event, when it is published, then it is delivered intact', async () => {
      const event = aChunkPlannedEvent({ tenantId: 'acme', index: 3 });

      await fixture.bus.publish([event]);

      const delivered = await fixture.delivered();
      expect(delivered.length).toBeGreaterThanOrEqual(1);
      for (const copy of delivered) expect(copy).toEqual(event);
    });

    it('given events of several types and tenants, more than one PutEvents batch, when published, then each is delivered at least once and nothing else', async () => {
      // Prepare
      const events = [
        ...someChunkPlannedEvents(23, ['acme', 'globex', 'initech']),
        aTableSyncedEvent({ tenantId: 'acme' }),
        aTableSyncedEvent({ tenantId: 'globex' }),
      ];

      // Act
      await fixture.bus.publish(events);

      // Assess
      const delivered = await fixture.delivered();
      expect(ids(delivered)).toEqual(ids(events));
      const byId = new Map(events.map((event) => [event.eventId, event]));
      for (const copy of delivered) expect(copy).toEqual(byId.get(copy.eventId));
    });

    it('given several publish calls, when they complete, then the events of all of them are delivered', async () => {
      const first = someChunkPlannedEvents(3, ['acme']);
      const second = [aTableSyncedEvent({ tenantId: 'globex' })];

      await fixture.bus.publish(first);
      await fixture.bus.publish(second);

      expect(ids(await fixture.delivered())).toEqual(ids([...first, ...second]));
    });

    it('given no events, when an empty list is published, then it resolves and nothing is delivered', async () => {
      await expect(fixture.bus.publish([])).resolves.toBeUndefined();

      expect(await fixture.delivered()).toEqual([]);
    });
  });
}
