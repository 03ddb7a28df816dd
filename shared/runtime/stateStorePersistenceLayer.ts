import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { StateStore } from '../ports';

interface StoredRecord {
  /** Null once deleted (Powertools deletes the record of a failed attempt, so a retry may run). */
  status: string | null;
  expiryTimestamp?: number;
  inProgressExpiryTimestamp?: number;
  responseData?: unknown;
  payloadHash?: string;
  /** The process that holds an in-progress claim, where that can be known (the local runtime). */
  owner?: string;
}

export interface StateStorePersistenceOptions {
  /**
   * The only live holder, when that can be known: the local runtime owns its state directory exclusively,
   * so an in-progress record of any other owner was left by a process that died and is taken over at once
   * instead of after its in-progress expiry. Leave unset in Lambda.
   */
  liveOwner?: string;
  now?: () => number;
}

/**
 * A Powertools idempotency persistence layer over the StateStore port: DynamoDB state table in AWS, the
 * write-ahead log locally. Same conditions as Powertools' DynamoDBPersistenceLayer (a record may be written
 * when absent, expired, or in progress past its in-progress expiry), made atomic with versioned writes.
 */
export class StateStorePersistenceLayer extends BasePersistenceLayer {
  private readonly now: () => number;

  constructor(
    private readonly store: StateStore,
    private readonly options: StateStorePersistenceOptions = {},
  ) {
    super();
    this.now = options.now ?? Date.now;
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const item = await this.store.get<StoredRecord>(this.pk(idempotencyKey), 'record');
    if (!item || item.value.status === null) throw new IdempotencyItemNotFoundError();
    return this.toRecord(idempotencyKey, item.value);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const pk = this.pk(record.idempotencyKey);
    const value: StoredRecord = {
      status: record.getStatus(),
      ...(record.expiryTimestamp !== undefined ? { expiryTimestamp: record.expiryTimestamp } : {}),
      ...(record.inProgressExpiryTimestamp !== undefined
        ? { inProgressExpiryTimestamp: record.inProgressExpiryTimestamp }
        : {}),
      ...(record.payloadHash !== undefined ? { payloadHash: record.payloadHash } : {}),
      ...(this.options.liveOwner ? { owner: this.options.liveOwner } : {}),
    };
    const existing = await this.store.get<StoredRecord>(pk, 'record');
    if (existing && !this.replaceable(existing.value)) {
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        this.toRecord(record.idempotencyKey, existing.value),
      );
    }
    if (!(await this.store.putIfVersion(pk, 'record', value, existing?.version ?? 0))) {
      // Another invocation claimed it between our read and write.
      const winner = await this.store.get<StoredRecord>(pk, 'record');
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        winner ? this.toRecord(record.idempotencyKey, winner.value) : undefined,
      );
    }
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    await this.write(record.idempotencyKey, (current) => ({
      ...current,
      status: record.getStatus(),
      ...(record.expiryTimestamp !== undefined ? { expiryTimestamp: record.expiryTimestamp } : {}),
      ...(record.responseData !== undefined ? { responseData: record.responseData } : {}),
      ...(record.payloadHash !== undefined ? { payloadHash: record.payloadHash } : {}),
    }));
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.write(record.idempotencyKey, () => ({ status: null }));
  }

  private replaceable(stored: StoredRecord): boolean {
    const now = this.now();
    if (stored.status === null) return true;
    if (stored.expiryTimestamp !== undefined && stored.expiryTimestamp < now / 1000) return true;
    if (stored.status !== IdempotencyRecordStatus.INPROGRESS) return false;
    if (stored.inProgressExpiryTimestamp !== undefined && stored.inProgressExpiryTimestamp < now) return true;
    return this.options.liveOwner !== undefined && stored.owner !== this.options.liveOwner;
  }

  private async write(
    idempotencyKey: string,
    change: (current: StoredRecord) => StoredRecord,
  ): Promise<void> {
    const pk = this.pk(idempotencyKey);
    for (;;) {
      const current = await this.store.get<StoredRecord>(pk, 'record');
      if (
        await this.store.putIfVersion(
          pk,
          'record',
          change(current?.value ?? { status: null }),
          current?.version ?? 0,
        )
      )
        return;
    }
  }

  private toRecord(idempotencyKey: string, stored: StoredRecord): IdempotencyRecord {
    return new IdempotencyRecord({
      idempotencyKey,
      status: stored.status as (typeof IdempotencyRecordStatus)[keyof typeof IdempotencyRecordStatus],
      ...(stored.expiryTimestamp !== undefined ? { expiryTimestamp: stored.expiryTimestamp } : {}),
      ...(stored.inProgressExpiryTimestamp !== undefined
        ? { inProgressExpiryTimestamp: stored.inProgressExpiryTimestamp }
        : {}),
      ...(stored.responseData !== undefined ? { responseData: stored.responseData as never } : {}),
      ...(stored.payloadHash !== undefined ? { payloadHash: stored.payloadHash } : {}),
    });
  }

  private pk(idempotencyKey: string): string {
    return `idempotency#${idempotencyKey}`;
  }
}
