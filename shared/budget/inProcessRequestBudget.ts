import { BudgetExhaustedError } from '../errors';
import type { RequestBudget, RequestLimits } from '../ports';

const WINDOW_MS = 60_000;

interface LaneBudget {
  /** Start times of the requests in the last 60 s, oldest first. */
  started: number[];
  inFlight: number;
  waiters: Array<() => void>;
}

/**
 * A tenant's request budget for every worker in this process: a sliding 60-second window (so no minute
 * ever holds more than requestsPerMinute requests, unlike a token bucket's burst) and a concurrency cap.
 */
export class InProcessRequestBudget implements RequestBudget {
  private readonly lanes = new Map<string, LaneBudget>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(lane: string, limits: RequestLimits, maxWaitMs: number): Promise<() => void> {
    const budget = this.budgetOf(lane);
    const giveUpAt = this.now() + maxWaitMs;
    for (;;) {
      const now = this.now();
      while (budget.started.length > 0 && budget.started[0]! <= now - WINDOW_MS) budget.started.shift();
      const windowFull = budget.started.length >= limits.requestsPerMinute;
      const tooMany = budget.inFlight >= limits.maxConcurrentRequests;
      if (!windowFull && !tooMany) {
        budget.started.push(now);
        budget.inFlight++;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          budget.inFlight--;
          this.wake(budget);
        };
      }
      const windowFreesAt = windowFull ? budget.started[0]! + WINDOW_MS : now;
      if (windowFreesAt > giveUpAt || now >= giveUpAt) {
        throw new BudgetExhaustedError(
          `lane ${lane}: request budget (${limits.requestsPerMinute}/min, ${limits.maxConcurrentRequests} concurrent) has no room in time`,
          Math.max(1, Math.ceil((windowFreesAt - now) / 1000)),
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, Math.max(1, (windowFull ? windowFreesAt : giveUpAt) - now));
        function finish() {
          clearTimeout(timer);
          resolve();
        }
        budget.waiters.push(finish);
      });
    }
  }

  private budgetOf(lane: string): LaneBudget {
    let budget = this.lanes.get(lane);
    if (!budget) this.lanes.set(lane, (budget = { started: [], inFlight: 0, waiters: [] }));
    return budget;
  }

  private wake(budget: LaneBudget): void {
    const waiters = budget.waiters;
    budget.waiters = [];
    for (const wake of waiters) wake();
  }
}
