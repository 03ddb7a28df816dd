import { InProcessRequestBudget } from '../../shared/budget/inProcessRequestBudget';
import { BudgetExhaustedError } from '../../shared/errors';

// The behaviour shared with every budget is in test/contracts/requestBudget.contract.ts.
describe('InProcessRequestBudget', () => {
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
});
