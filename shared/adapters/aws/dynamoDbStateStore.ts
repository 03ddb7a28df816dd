import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { StateItem, StateStore } from '../../ports';
import { keepForever, type StateRetentionPolicy } from '../../state/retention';

export interface DynamoDbStateStoreOptions {
  tableName: string;
  /** Defaults to one document client per cold start, shared by every instance. */
  client?: DynamoDBDocumentClient;
  /**
   * Seconds an item is kept after each write, by key; undefined: forever. Written as `expiresAt` for the
   * table's TTL (shared/state/retention.ts says why nothing may depend on the deletion). Default: forever.
   */
  retention?: StateRetentionPolicy;
  /** Ms since epoch; defaults to Date.now. */
  now?: () => number;
}

/**
 * The item as stored: string keys `pk` and `sk`, the value as a JSON string, and its version.
 *
 * The value is a JSON string rather than a DynamoDB map so that it round-trips exactly as it does through
 * the local write-ahead-log store (JSON semantics: `undefined` members dropped, dates as strings), with no
 * marshalling surprises (empty sets, class instances, number precision) and no reserved-word aliasing if
 * a value is ever read in an expression. Nothing queries inside values, so nothing is lost.
 * An item is still bounded by DynamoDB's 400 KB item limit:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
 */
export interface StateTableItem {
  pk: string;
  sk: string;
  value: string;
  version: number;
  /** Epoch seconds after which DynamoDB TTL may delete the item; absent on items kept forever. */
  expiresAt?: number;
}

let defaultClient: DynamoDBDocumentClient | undefined;

/** Durable state in one DynamoDB table, with optimistic concurrency on an item version. */
export class DynamoDbStateStore implements StateStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retention: StateRetentionPolicy;
  private readonly now: () => number;

  constructor(options: DynamoDbStateStoreOptions) {
    this.client = options.client ?? (defaultClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({})));
    this.tableName = options.tableName;
    this.retention = options.retention ?? keepForever;
    this.now = options.now ?? Date.now;
  }

  /** Reads one item with a strongly consistent read, so a conditional write that follows sees the latest version. */
  async get<T>(pk: string, sk: string): Promise<StateItem<T> | undefined> {
    const response = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return response.Item ? toStateItem<T>(response.Item) : undefined;
  }

  /** Writes version 1 only when no item exists under (pk, sk). Returns whether it wrote. */
  async putIfAbsent<T>(pk: string, sk: string, value: T): Promise<boolean> {
    return this.conditionalPut({
      TableName: this.tableName,
      Item: this.toTableItem(pk, sk, value, 1),
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  }

  /** Writes `expectedVersion + 1` only when the stored version is `expectedVersion` (0: absent). Returns whether it wrote. */
  async putIfVersion<T>(pk: string, sk: string, value: T, expectedVersion: number): Promise<boolean> {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      throw new RangeError(`expectedVersion must be a non-negative integer, got ${expectedVersion}`);
    }
    if (expectedVersion === 0) return this.putIfAbsent(pk, sk, value);
    return this.conditionalPut({
      TableName: this.tableName,
      Item: this.toTableItem(pk, sk, value, expectedVersion + 1),
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': expectedVersion },
    });
  }

  /** Every item of partition `pk` (whose sort key starts with `skPrefix`), in sort-key order, read consistently. */
  async query<T>(pk: string, skPrefix?: string): Promise<Array<StateItem<T> & { sk: string }>> {
    const byPrefix = skPrefix !== undefined && skPrefix !== '';
    const items: Array<StateItem<T> & { sk: string }> = [];
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      // A Query page stops at 1 MB; LastEvaluatedKey says where the next one starts.
      // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: byPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
          ExpressionAttributeValues: byPrefix ? { ':pk': pk, ':prefix': skPrefix } : { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) items.push({ ...toStateItem<T>(item), sk: String(item.sk) });
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
    return items;
  }

  /** Every write replaces the whole item, so the expiry is renewed from the time of the latest write. */
  private toTableItem(pk: string, sk: string, value: unknown, version: number): StateTableItem {
    const item = toTableItem(pk, sk, value, version);
    const keepSeconds = this.retention(pk, sk);
    if (keepSeconds === undefined) return item;
    return { ...item, expiresAt: Math.floor(this.now() / 1000) + Math.ceil(keepSeconds) };
  }

  private async conditionalPut(input: PutCommandInput): Promise<boolean> {
    try {
      await this.client.send(new PutCommand(input));
      return true;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

function toTableItem(pk: string, sk: string, value: unknown, version: number): StateTableItem {
  const json = JSON.stringify(value);
  if (json === undefined)
    throw new TypeError(`The value for ${pk} / ${sk} cannot be stored: it has no JSON form`);
  return { pk, sk, value: json, version };
}

function toStateItem<T>(item: Record<string, unknown>): StateItem<T> {
  if (typeof item.value !== 'string' || typeof item.version !== 'number') {
    throw new TypeError(
      `State item ${String(item.pk)} / ${String(item.sk)} is not a { value: JSON string, version } item`,
    );
  }
  return { value: JSON.parse(item.value) as T, version: item.version };
}
