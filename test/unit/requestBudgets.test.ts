import { LocalStateStore } from '../../local/adapters/localStateStore';
import { InProcessRequestBudget } from '../../shared/budget/inProcessRequestBudget';
import { SharedRequestBudget } from '../../shared/budget/sharedRequestBudget';
import { requestBudgetContract } from '../contracts/requestBudget.contract';

/** A clock that follows real time, plus whatever a test adds, so waits still pass while rate tests can jump. */
function skewableClock() {
  let skew = 0;
  return { now: () => Date.now() + skew, advance: (ms: number) => (skew += ms) };
}

requestBudgetContract('in-process (one process, all workers)', () => {
  const clock = skewableClock();
  return { workers: [new InProcessRequestBudget(clock.now)], advance: clock.advance };
});

requestBudgetContract('shared through the state store (three instances, as three Lambdas)', () => {
  const clock = skewableClock();
  const state = new LocalStateStore();
  const instance = () =>
    new SharedRequestBudget(state, {
      leaseMs: 30_000,
      now: clock.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))),
    });
  return { workers: [instance(), instance(), instance()], advance: clock.advance };
});

describe('SharedRequestBudget', () => {
  it('given a worker that crashed holding a slot, when its lease ends, then another worker gets the slot', async () => {
    let now = 1_000_000;
    const state = new LocalStateStore();
    const budget = (sleep: (ms: number) => Promise<void>) =>
      new SharedRequestBudget(state, { leaseMs: 5_000, now: () => now, sleep });
    await budget(async () => undefined).acquire(
      'acme',
      { requestsPerMinute: 1000, maxConcurrentRequests: 1 },
      0,
    ); // never released

    const waiting = budget(async (ms) => {
      now += ms;
    }).acquire('acme', { requestsPerMinute: 1000, maxConcurrentRequests: 1 }, 10_000);

    await expect(waiting).resolves.toEqual(expect.any(Function));
    expect(now).toBeGreaterThanOrEqual(1_005_000);
  });
});
