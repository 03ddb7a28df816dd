import { InProcessRequestBudget } from '../../shared/connectwise/inProcessRequestBudget';
import { BudgetExhaustedError } from '../../shared/errors';

describe('InProcessRequestBudget', () => {
  it('given a concurrency of 2, when 5 workers ask at once, then at most 2 hold a slot at any time and all get one', async () => {
    const budget = new InProcessRequestBudget();
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        const release = await budget.acquire(
          'acme',
          { requestsPerMinute: 1000, maxConcurrentRequests: 2 },
          5000,
        );
        peak = Math.max(peak, ++active);
        await new Promise((resolve) => setTimeout(resolve, 10));
        active--;
        release();
      }),
    );
    expect(peak).toBe(2);
  });

  it('given a full minute window, when asked with little time to wait, then it refuses with the seconds until room', async () => {
    let now = 0;
    const budget = new InProcessRequestBudget(() => now);
    const limits = { requestsPerMinute: 3, maxConcurrentRequests: 10 };
    for (let request = 0; request < 3; request++) (await budget.acquire('acme', limits, 0))();
    now = 20_000;
    const refusal = await budget.acquire('acme', limits, 1000).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BudgetExhaustedError);
    expect((refusal as BudgetExhaustedError).retryAfterSeconds).toBe(40);
    now = 60_000;
    await expect(budget.acquire('acme', limits, 0)).resolves.toEqual(expect.any(Function));
  });

  it('given one tenant at its limit, when another tenant asks, then it is not held back', async () => {
    const budget = new InProcessRequestBudget();
    await budget.acquire('big', { requestsPerMinute: 1, maxConcurrentRequests: 1 }, 0);
    await expect(
      budget.acquire('small', { requestsPerMinute: 1, maxConcurrentRequests: 1 }, 0),
    ).resolves.toEqual(expect.any(Function));
  });
});
