import { EventBridgeBus, MAX_PUT_EVENTS_BYTES } from '../../../shared/adapters/aws/eventBridgeBus';
import { EventPublishError, EventTooLargeError } from '../../../shared/adapters/aws/errors';
import { parseEvent, type AnyEvent } from '../../../shared/events/schemas';
import { eventBusContract } from '../../contracts/eventBus.contract';
import { aChunkPlannedEvent, someChunkPlannedEvents } from '../../contracts/eventFactories';
import { FakeEventBridge, type EntryFailure } from './support/fakeEventBridge';

const BUS = 'avesa-prod';

/** A bus over a fake EventBridge, with retries that record their backoff instead of waiting. */
function aBus(failure?: EntryFailure, options: { maxAttempts?: number } = {}) {
  const eventBridge = new FakeEventBridge(failure);
  const sleeps: number[] = [];
  const bus = new EventBridgeBus({
    eventBusName: BUS,
    client: eventBridge.client(),
    maxAttempts: options.maxAttempts,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
  const delivered = () => eventBridge.accepted.map((entry) => parseEvent(JSON.parse(entry.Detail ?? 'null')));
  return { bus, eventBridge, sleeps, delivered };
}

/** A ChunkPlanned whose entry is about `bytes` long, padded through its event id (the schema bounds nothing else). */
function anEventOfAbout(bytes: number, index: number): AnyEvent {
  const event = aChunkPlannedEvent({ index });
  return {
    ...event,
    eventId: `${event.eventId}-${'x'.repeat(Math.max(0, bytes - JSON.stringify(event).length))}`,
  };
}

const ids = (events: readonly AnyEvent[]) => events.map((event) => event.eventId);

eventBusContract('EventBridgeBus on a fake EventBridge (aws-sdk-client-mock)', async () => {
  const { bus, delivered } = aBus();
  return { bus, delivered: async () => delivered(), cleanup: async () => {} };
});

eventBusContract('EventBridgeBus on a fake EventBridge that throttles every other entry once', async () => {
  const { bus, delivered } = aBus((call, _entry, index) =>
    call === 1 && index % 2 === 0 ? 'ThrottlingException' : undefined,
  );
  return { bus, delivered: async () => delivered(), cleanup: async () => {} };
});

describe('EventBridgeBus', () => {
  it('given 25 events, when published, then they go in calls of at most 10 entries, in order, each entry shaped for the bus', async () => {
    // Prepare
    const { bus, eventBridge } = aBus();
    const events = someChunkPlannedEvents(25);

    // Act
    await bus.publish(events);

    // Assess
    expect(eventBridge.calls.map((call) => call.length)).toEqual([10, 10, 5]);
    expect(eventBridge.calls.flat()).toEqual(
      events.map((event) => ({
        EventBusName: BUS,
        Source: 'avesa.pipeline',
        DetailType: event.type,
        Detail: JSON.stringify(event),
      })),
    );
  });

  it('given events whose total size exceeds one request, when published, then no call carries more than 256 KB', async () => {
    const { bus, eventBridge, delivered } = aBus();
    const events = Array.from({ length: 10 }, (_, index) => anEventOfAbout(60_000, index));

    await bus.publish(events);

    const callSizes = eventBridge.calls.map((call) =>
      call.reduce((sum, entry) => sum + Buffer.byteLength(entry.Detail ?? ''), 0),
    );
    expect(Math.max(...callSizes)).toBeLessThanOrEqual(MAX_PUT_EVENTS_BYTES);
    expect(eventBridge.calls.length).toBeGreaterThan(1);
    expect(ids(delivered())).toEqual(ids(events));
  });

  it('given one event over 256 KB among others, when published, then it is rejected naming the event and nothing is sent', async () => {
    const { bus, eventBridge } = aBus();
    const tooLarge = anEventOfAbout(MAX_PUT_EVENTS_BYTES + 1, 7);

    const publishing = bus.publish([aChunkPlannedEvent({ index: 1 }), tooLarge]);

    await expect(publishing).rejects.toThrow(EventTooLargeError);
    await expect(publishing).rejects.toThrow(tooLarge.eventId);
    expect(eventBridge.calls).toEqual([]);
  });

  it('given the first call fails half the entries, when published, then only those are retried and every event is delivered exactly once', async () => {
    // Prepare
    const { bus, eventBridge, sleeps, delivered } = aBus((call, _entry, index) =>
      call === 1 && index % 2 === 1 ? 'InternalFailure' : undefined,
    );
    const events = someChunkPlannedEvents(10);

    // Act
    await bus.publish(events);

    // Assess
    expect(eventBridge.calls.map((call) => call.length)).toEqual([10, 5]);
    expect(ids(delivered()).sort()).toEqual(ids(events).sort());
    expect(new Set(ids(delivered())).size).toBe(events.length);
    expect(sleeps).toHaveLength(1);
  });

  it('given entries that always fail, when published, then it gives up after the bounded attempts naming how many and which events failed', async () => {
    // Prepare
    const doomed = new Set(ids(someChunkPlannedEvents(12)).filter((_, index) => index % 4 === 0));
    const { bus, eventBridge, sleeps } = aBus(
      (_call, entry) =>
        doomed.has(JSON.parse(entry.Detail ?? '{}').eventId) ? 'ThrottlingException' : undefined,
      { maxAttempts: 4 },
    );

    // Act
    const error = await bus.publish(someChunkPlannedEvents(12)).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(EventPublishError);
    const publishError = error as EventPublishError;
    expect(publishError.message).toContain(`rejected 3 of 12 events after 4 attempts`);
    expect(publishError.message).toContain('ThrottlingException x3');
    expect(publishError.failedEventIds.sort()).toEqual([...doomed].sort());
    for (const id of doomed) expect(publishError.message).toContain(id);
    expect(publishError.retryable).toBe(true);
    expect(eventBridge.calls.map((call) => call.length)).toEqual([10, 2, 3, 3, 3]);
    expect(sleeps).toHaveLength(3);
  });

  it('given repeated failures, when retrying, then the backoff grows exponentially with jitter up to the cap', async () => {
    const { bus, sleeps } = aBus(() => 'InternalFailure', { maxAttempts: 6 });

    await expect(bus.publish([aChunkPlannedEvent()])).rejects.toThrow(EventPublishError);

    // random() = 0.5 of ceilings 100, 200, 400, 800, then the 1,000 ms cap
    expect(sleeps).toEqual([50, 100, 200, 400, 500]);
  });

  it('given the whole request fails, when published, then the SDK error is raised', async () => {
    const { bus } = aBus(() => {
      throw Object.assign(new Error('AccessDeniedException: not allowed'), { name: 'AccessDeniedException' });
    });

    await expect(bus.publish([aChunkPlannedEvent()])).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});
