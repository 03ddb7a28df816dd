import { BudgetExhaustedError } from '../errors';
import type { RequestBudget, RequestLimits, StateStore } from '../ports';

interface BucketItem {
  count: number;
}

interface SlotItem {
  /** Ms since epoch until which the slot is held; a holder that crashed loses it then. */
  heldUntil: number;
}

export interface SharedRequestBudgetOptions {
  /** How long a concurrency slot is leased: longer than any request (the client's request timeout). */
  leaseMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A tenant's request budget shared by every worker of every process (each Lambda instance), kept in the
 * StateStore with conditional writes (DESIGN §5).
 *
 * Rate: the minute is cut into buckets of L seconds, each allowing `floor(rpm·L / (60 + L))` requests, so
 * any 60-second window, which touches at most 60/L + 1 buckets, holds at most rpm requests.
 * Concurrency: `maxConcurrentRequests` leased slots; a released slot is free at once, a crashed holder's
 * slot when its lease ends.
 */
export class SharedRequestBudget implements RequestBudget {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly state: StateStore,
    private readonly options: SharedRequestBudgetOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleepFor;
  }

  async acquire(lane: string, limits: RequestLimits, maxWaitMs: number): Promise<() => void> {
    const giveUpAt = this.now() + maxWaitMs;
    const slot = await this.takeSlot(lane, limits, giveUpAt);
    try {
      await this.countRequest(lane, limits, giveUpAt);
    } catch (error) {
      await this.freeSlot(lane, slot);
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // A failed release only delays the slot until its lease ends.
      this.freeSlot(lane, slot).catch(() => undefined);
    };
  }

  private async takeSlot(
    lane: string,
    limits: RequestLimits,
    giveUpAt: number,
  ): Promise<{ sk: string; version: number }> {
    const pk = `budget#${lane}`;
    for (let attempt = 0; ; attempt++) {
      const now = this.now();
      const slots = new Map((await this.state.query<SlotItem>(pk, 'slot#')).map((item) => [item.sk, item]));
      for (let index = 0; index < limits.maxConcurrentRequests; index++) {
        const sk = `slot#${String(index).padStart(3, '0')}`;
        const current = slots.get(sk);
        if (current && current.value.heldUntil > now) continue;
        const taken = await this.state.putIfVersion<SlotItem>(
          pk,
          sk,
          { heldUntil: now + this.options.leaseMs },
          current?.version ?? 0,
        );
        if (taken) return { sk, version: (current?.version ?? 0) + 1 };
      }
      await this.waitOrGiveUp(lane, limits, giveUpAt, Math.min(50 * 2 ** Math.min(attempt, 4), 500), 1);
    }
  }

  private async freeSlot(lane: string, slot: { sk: string; version: number }): Promise<void> {
    // Conditional on our version: a lease that expired and was taken by another worker is left alone.
    await this.state.putIfVersion<SlotItem>(`budget#${lane}`, slot.sk, { heldUntil: 0 }, slot.version);
  }

  private async countRequest(lane: string, limits: RequestLimits, giveUpAt: number): Promise<void> {
    const bucketSeconds = Math.max(1, Math.ceil(60 / limits.requestsPerMinute));
    const allowance = Math.max(
      1,
      Math.floor((limits.requestsPerMinute * bucketSeconds) / (60 + bucketSeconds)),
    );
    const pk = `budget#${lane}`;
    for (;;) {
      const now = this.now();
      const bucket = Math.floor(now / (bucketSeconds * 1000));
      const sk = `rate#${bucket}`;
      const current = await this.state.get<BucketItem>(pk, sk);
      const count = current?.value.count ?? 0;
      if (count < allowance) {
        if (await this.state.putIfVersion<BucketItem>(pk, sk, { count: count + 1 }, current?.version ?? 0))
          return;
        continue; // another worker counted first: read again
      }
      const nextBucketAt = (bucket + 1) * bucketSeconds * 1000;
      await this.waitOrGiveUp(
        lane,
        limits,
        giveUpAt,
        nextBucketAt - now,
        Math.ceil((nextBucketAt - now) / 1000),
      );
    }
  }

  private async waitOrGiveUp(
    lane: string,
    limits: RequestLimits,
    giveUpAt: number,
    waitMs: number,
    retryAfterSeconds: number,
  ): Promise<void> {
    if (this.now() + waitMs > giveUpAt) {
      throw new BudgetExhaustedError(
        `lane ${lane}: shared request budget (${limits.requestsPerMinute}/min, ${limits.maxConcurrentRequests} concurrent) has no room in time`,
        Math.max(1, retryAfterSeconds),
      );
    }
    await this.sleep(waitMs);
  }
}
