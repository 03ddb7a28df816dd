import { BudgetExhaustedError } from '../../shared/errors';
import type { RequestBudget } from '../../shared/ports';

export interface RequestBudgetFixture {
  /**
   * Budgets that must behave as one: every worker of a tenant, in one process or (for a shared budget)
   * in several, each holding its own instance.
   */
  workers: RequestBudget[];
  /** The budget's clock, for rate tests; real time when the fixture cannot move it. */
  advance(ms: number): void;
}

/** The behaviour every RequestBudget must have (DESIGN §5): the tenant's limits hold across all of its workers. */
export function requestBudgetContract(name: string, makeBudget: () => RequestBudgetFixture): void {
  describe(`RequestBudget contract: ${name}`, () => {
    it('given a concurrency of 2, when 6 workers ask at once, then at most 2 requests are in flight and every worker is served', async () => {
      const { workers } = makeBudget();
      let active = 0;
      let peak = 0;
      let served = 0;
      await Promise.all(
        Array.from({ length: 6 }, async (_, index) => {
          const release = await workers[index % workers.length]!.acquire(
            'acme',
            { requestsPerMinute: 10_000, maxConcurrentRequests: 2 },
            10_000,
          );
          peak = Math.max(peak, ++active);
          await new Promise((resolve) => setTimeout(resolve, 15));
          active--;
          served++;
          release();
        }),
      );
      expect(peak).toBe(2);
      expect(served).toBe(6);
    });

    it('given a requests-per-minute limit, when workers ask without waiting, then no minute ever holds more than the limit, and the next minute has room', async () => {
      const { workers, advance } = makeBudget();
      const limits = { requestsPerMinute: 120, maxConcurrentRequests: 100 };
      let granted = 0;
      for (let second = 0; second < 60; second++) {
        for (const worker of workers) {
          for (;;) {
            const outcome = await worker.acquire('acme', limits, 0).then(
              (release) => (release(), 'granted'),
              (error: unknown) => error,
            );
            if (outcome !== 'granted') {
              expect(outcome).toBeInstanceOf(BudgetExhaustedError);
              expect((outcome as BudgetExhaustedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
              break;
            }
            granted++;
            if (granted > 10_000) throw new Error('the budget granted requests without limit');
          }
        }
        advance(1000);
      }
      expect(granted).toBeGreaterThan(0);
      expect(granted).toBeLessThanOrEqual(120);
      advance(60_000);
      await expect(workers[0]!.acquire('acme', limits, 0)).resolves.toEqual(expect.any(Function));
    });

    it('given one tenant out of budget, when another tenant asks, then it is served', async () => {
      const { workers } = makeBudget();
      await workers[0]!.acquire('big', { requestsPerMinute: 1000, maxConcurrentRequests: 1 }, 0);
      await expect(
        workers[workers.length - 1]!.acquire(
          'small',
          { requestsPerMinute: 1000, maxConcurrentRequests: 1 },
          0,
        ),
      ).resolves.toEqual(expect.any(Function));
    });
  });
}
