import {
  IdempotencyConfig,
  makeIdempotent,
  IdempotencyAlreadyInProgressError,
} from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { StateStorePersistenceLayer } from '../../shared/runtime/stateStorePersistenceLayer';

function idempotentCounter(
  store: LocalStateStore,
  options: { liveOwner?: string; remainingMs?: number; now?: () => number } = {},
) {
  let runs = 0;
  let release: (() => void) | undefined;
  // Settles when a held call runs, i.e. once its in-progress claim is stored (the body runs only after it).
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'eventId' });
  config.registerLambdaContext({ getRemainingTimeInMillis: () => options.remainingMs ?? 60_000 } as Context);
  const fn = makeIdempotent(
    async (_input: { eventId: string; hold?: boolean }) => {
      runs++;
      if (_input.hold) {
        markStarted();
        await new Promise<void>((resolve) => (release = resolve));
      }
      return { runs };
    },
    {
      persistenceStore: new StateStorePersistenceLayer(store, {
        ...(options.liveOwner ? { liveOwner: options.liveOwner } : {}),
        ...(options.now ? { now: options.now } : {}),
      }),
      config,
    },
  );
  return { fn, runs: () => runs, release: () => release?.(), started };
}

describe('StateStorePersistenceLayer (Powertools idempotency over the StateStore port)', () => {
  it('given an event handled once, when it is handled again, then the function does not run and the first response comes back', async () => {
    const counter = idempotentCounter(new LocalStateStore());
    await expect(counter.fn({ eventId: 'e1' })).resolves.toEqual({ runs: 1 });
    await expect(counter.fn({ eventId: 'e1' })).resolves.toEqual({ runs: 1 });
    await expect(counter.fn({ eventId: 'e2' })).resolves.toEqual({ runs: 2 });
  });

  it('given an event in progress, when a duplicate arrives, then it is refused as in progress', async () => {
    const counter = idempotentCounter(new LocalStateStore());
    const first = counter.fn({ eventId: 'e1', hold: true });
    await counter.started;
    await expect(counter.fn({ eventId: 'e1' })).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    counter.release();
    await first;
  });

  it('given a failed attempt, when the event comes back, then it runs again', async () => {
    const store = new LocalStateStore();
    let attempts = 0;
    const config = new IdempotencyConfig({ eventKeyJmesPath: 'eventId' });
    config.registerLambdaContext({ getRemainingTimeInMillis: () => 60_000 } as Context);
    const fn = makeIdempotent(
      async (_input: { eventId: string }) => {
        if (++attempts === 1) throw new Error('boom');
        return { attempts };
      },
      { persistenceStore: new StateStorePersistenceLayer(store), config },
    );
    await expect(fn({ eventId: 'e1' })).rejects.toThrow('boom');
    await expect(fn({ eventId: 'e1' })).resolves.toEqual({ attempts: 2 });
  });

  it('given a claim left in progress by a local process that died, when the live process handles the event, then it takes over at once', async () => {
    const store = new LocalStateStore();
    const dead = idempotentCounter(store, { liveOwner: 'local-dead' });
    void dead.fn({ eventId: 'e1', hold: true }); // never completes: the process "died"
    await dead.started;
    const live = idempotentCounter(store, { liveOwner: 'local-live' });
    await expect(live.fn({ eventId: 'e1' })).resolves.toEqual({ runs: 1 });
    expect(live.runs()).toBe(1);
  });

  it('given a claim whose in-progress expiry has passed (its Lambda timed out), when the event comes back, then it runs again', async () => {
    const store = new LocalStateStore();
    const crashed = idempotentCounter(store, { remainingMs: 1 });
    void crashed.fn({ eventId: 'e1', hold: true });
    await crashed.started;
    // A second later on the redelivery's clock: past the claim's 1 ms in-progress expiry, without sleeping.
    const retry = idempotentCounter(store, { now: () => Date.now() + 1000 });
    await expect(retry.fn({ eventId: 'e1' })).resolves.toEqual({ runs: 1 });
  });
});
