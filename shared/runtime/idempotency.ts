import type { StateStore } from '../ports';

interface IdempotencyRecord {
  status: 'inProgress' | 'completed' | 'failed';
  /** While in progress: when the claim lapses (the holder's deadline), so a crashed holder does not block forever. */
  expiresAt: number;
  /** Who holds the claim (a process of the local runtime); absent in older records. */
  owner?: string;
}

export interface IdempotencyOptions {
  /**
   * The only holder known to be alive, when that can be known: the local runtime owns its state directory
   * exclusively, so a claim by any other owner was left by a process that died and is taken over at once
   * instead of after its expiry. In Lambda, leave it unset: claims lapse at their expiry.
   */
  liveOwner?: string;
}

export type Claim = { kind: 'claimed'; version: number } | { kind: 'completed' } | { kind: 'busy' };

/**
 * Exactly-once effect for at-least-once delivery (DESIGN §4.3): a consumer claims an event id before
 * handling it and marks it completed after, so a redelivered or duplicated message is acknowledged without
 * running again. The same protocol as Powertools idempotency (in progress with an expiry, then completed),
 * over the StateStore port so it runs on DynamoDB and on the local write-ahead log alike.
 */
export class EventIdempotency {
  constructor(
    private readonly store: StateStore,
    private readonly consumer: string,
    private readonly options: IdempotencyOptions = {},
  ) {}

  async claim(eventId: string, holdUntil: number, now = Date.now()): Promise<Claim> {
    const pk = this.key(eventId);
    const existing = await this.store.get<IdempotencyRecord>(pk, 'record');
    const claimed: IdempotencyRecord = {
      status: 'inProgress',
      expiresAt: holdUntil,
      ...(this.options.liveOwner ? { owner: this.options.liveOwner } : {}),
    };
    if (!existing) {
      if (await this.store.putIfAbsent(pk, 'record', claimed)) return { kind: 'claimed', version: 1 };
      return { kind: 'busy' };
    }
    if (existing.value.status === 'completed') return { kind: 'completed' };
    if (
      existing.value.status === 'inProgress' &&
      existing.value.expiresAt > now &&
      !this.abandoned(existing.value)
    ) {
      return { kind: 'busy' };
    }
    if (await this.store.putIfVersion(pk, 'record', claimed, existing.version)) {
      return { kind: 'claimed', version: existing.version + 1 };
    }
    return { kind: 'busy' };
  }

  async complete(eventId: string, claim: { version: number }): Promise<void> {
    await this.store.putIfVersion<IdempotencyRecord>(
      this.key(eventId),
      'record',
      { status: 'completed', expiresAt: 0 },
      claim.version,
    );
  }

  /** Gives the event back after a failure, so its redelivery can run it again. */
  async release(eventId: string, claim: { version: number }): Promise<void> {
    await this.store.putIfVersion<IdempotencyRecord>(
      this.key(eventId),
      'record',
      { status: 'failed', expiresAt: 0 },
      claim.version,
    );
  }

  private abandoned(record: IdempotencyRecord): boolean {
    return this.options.liveOwner !== undefined && record.owner !== this.options.liveOwner;
  }

  private key(eventId: string): string {
    return `idempotency#${this.consumer}#${eventId}`;
  }
}
