import { LocalStateStore } from '../../local/adapters/localStateStore';
import { EventIdempotency } from '../../shared/runtime/idempotency';

describe('EventIdempotency', () => {
  it('given a claim in progress, when claimed again before it lapses, then it is busy; after completion, completed', async () => {
    const idempotency = new EventIdempotency(new LocalStateStore(), 'fetcher');
    const claim = await idempotency.claim('e1', 2_000, 1_000);
    expect(claim).toEqual({ kind: 'claimed', version: 1 });
    expect(await idempotency.claim('e1', 3_000, 1_500)).toEqual({ kind: 'busy' });
    await idempotency.complete('e1', claim as { version: number });
    expect(await idempotency.claim('e1', 3_000, 1_500)).toEqual({ kind: 'completed' });
  });

  it('given a claim whose holder ran past its expiry, when claimed, then it is taken over', async () => {
    const idempotency = new EventIdempotency(new LocalStateStore(), 'fetcher');
    await idempotency.claim('e1', 2_000, 1_000);
    expect(await idempotency.claim('e1', 9_000, 2_001)).toEqual({ kind: 'claimed', version: 2 });
  });

  it('given a claim left by a process that died, when the live local process claims it, then it is taken over at once', async () => {
    const store = new LocalStateStore();
    await new EventIdempotency(store, 'fetcher', { liveOwner: 'local-dead' }).claim('e1', 600_000, 1_000);
    const live = new EventIdempotency(store, 'fetcher', { liveOwner: 'local-live' });
    expect(await live.claim('e1', 600_000, 1_001)).toEqual({ kind: 'claimed', version: 2 });
    expect(await live.claim('e1', 600_000, 1_002)).toEqual({ kind: 'busy' });
  });

  it('given a failed attempt, when claimed again, then it can run again', async () => {
    const idempotency = new EventIdempotency(new LocalStateStore(), 'progress');
    const claim = await idempotency.claim('e1', 2_000, 1_000);
    await idempotency.release('e1', claim as { version: number });
    expect(await idempotency.claim('e1', 2_000, 1_100)).toEqual({ kind: 'claimed', version: 3 });
  });
});
