import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type GetCommandInput,
  type GetCommandOutput,
  type PutCommandInput,
  type QueryCommandInput,
  type QueryCommandOutput,
  type ScanCommandInput,
  type ScanCommandOutput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

type Item = Record<string, unknown>;
type Values = Record<string, unknown> | undefined;
type Names = Record<string, string> | undefined;

/**
 * An in-memory DynamoDB table behind aws-sdk-client-mock, for the document client. It honours exactly the
 * expressions the adapters use (`attribute_not_exists(a)`, `a = :v`, `begins_with(a, :v)`, joined by AND)
 * and throws on anything else, so an adapter change cannot silently bypass a condition. Query and Scan
 * return pages of `pageSize` items with LastEvaluatedKey, the way DynamoDB pages at 1 MB.
 */
export class FakeDynamoDbTable {
  /** Every call the adapter made, by command name, for assertions on inputs. */
  readonly calls: Array<{ command: string; input: unknown }> = [];
  private readonly items = new Map<string, Item>();

  constructor(
    private readonly keySchema: { hashKey: string; rangeKey?: string },
    private readonly pageSize = 10,
  ) {}

  /** A document client whose every Get/Put/Update/Query/Scan is answered by this table; other commands reject. */
  client(): DynamoDBDocumentClient {
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );
    const mock = mockClient(client);
    mock.onAnyCommand().rejects(new Error('FakeDynamoDbTable: unsupported command'));
    mock
      .on(GetCommand)
      .callsFake((input: GetCommandInput) => this.record('Get', input, () => this.get(input)));
    mock
      .on(PutCommand)
      .callsFake((input: PutCommandInput) => this.record('Put', input, () => this.put(input)));
    mock
      .on(UpdateCommand)
      .callsFake((input: UpdateCommandInput) => this.record('Update', input, () => this.update(input)));
    mock
      .on(QueryCommand)
      .callsFake((input: QueryCommandInput) => this.record('Query', input, () => this.query(input)));
    mock
      .on(ScanCommand)
      .callsFake((input: ScanCommandInput) => this.record('Scan', input, () => this.scan(input)));
    return client;
  }

  /** Writes an item directly, as another writer or an operator would. */
  seed(item: Item): void {
    this.items.set(this.keyOf(item), structuredClone(item));
  }

  /** The raw stored item, as DynamoDB holds it. */
  stored(key: Item): Item | undefined {
    const item = this.items.get(this.keyOf(key));
    return item && structuredClone(item);
  }

  private record<T>(command: string, input: unknown, run: () => T): T {
    this.calls.push({ command, input: structuredClone(input) });
    return run();
  }

  private get(input: GetCommandInput): Partial<GetCommandOutput> {
    const item = this.items.get(this.keyOf(input.Key ?? {}));
    return { Item: item && structuredClone(item) };
  }

  private put(input: PutCommandInput): object {
    const item = input.Item ?? {};
    const key = this.keyOf(item);
    const existing = this.items.get(key);
    if (
      input.ConditionExpression &&
      !evaluate(
        input.ConditionExpression,
        existing,
        input.ExpressionAttributeNames,
        input.ExpressionAttributeValues,
      )
    ) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    this.items.set(key, structuredClone(item));
    return input.ReturnValues === 'ALL_OLD' && existing ? { Attributes: structuredClone(existing) } : {};
  }

  /** Only `SET a = :v, b = :w` update expressions, with an optional condition. */
  private update(input: UpdateCommandInput): object {
    const names = input.ExpressionAttributeNames;
    const values = input.ExpressionAttributeValues;
    const key = this.keyOf(input.Key ?? {});
    const existing = this.items.get(key);
    if (input.ConditionExpression && !evaluate(input.ConditionExpression, existing, names, values)) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    const match = /^SET\s+(.+)$/i.exec(input.UpdateExpression ?? '');
    if (!match) unsupported(input.UpdateExpression ?? '');
    const item: Item = existing ? structuredClone(existing) : { ...input.Key };
    for (const assignment of (match[1] as string).split(',')) {
      const parts = /^\s*([#\w]+)\s*=\s*(:\w+)\s*$/.exec(assignment);
      if (!parts) unsupported(assignment);
      const [, name, placeholder] = parts as unknown as [string, string, string];
      const attribute = name.startsWith('#') ? names?.[name] : name;
      if (attribute === undefined || !values || !(placeholder in values)) unsupported(assignment);
      item[attribute] = structuredClone(values[placeholder]);
    }
    this.items.set(key, item);
    return {};
  }

  private query(input: QueryCommandInput): Partial<QueryCommandOutput> {
    const expression = input.KeyConditionExpression ?? '';
    const matching = this.sortedItems().filter((item) =>
      evaluate(expression, item, input.ExpressionAttributeNames, input.ExpressionAttributeValues),
    );
    return this.page(matching, input.ExclusiveStartKey);
  }

  private scan(input: ScanCommandInput): Partial<ScanCommandOutput> {
    return this.page(this.sortedItems(), input.ExclusiveStartKey);
  }

  private page(
    items: Item[],
    exclusiveStartKey: Item | undefined,
  ): { Items: Item[]; LastEvaluatedKey?: Item } {
    const start = exclusiveStartKey
      ? items.findIndex((item) => this.keyOf(item) === this.keyOf(exclusiveStartKey)) + 1
      : 0;
    const page = items.slice(start, start + this.pageSize);
    const last = page[page.length - 1];
    const more = start + this.pageSize < items.length;
    return {
      Items: structuredClone(page),
      ...(more && last ? { LastEvaluatedKey: this.keyAttributes(last) } : {}),
    };
  }

  /** Hash key, then range key, in byte order: the order DynamoDB returns within a partition. */
  private sortedItems(): Item[] {
    const { hashKey, rangeKey } = this.keySchema;
    const compare = (a: unknown, b: unknown) =>
      Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
    return [...this.items.values()].sort(
      (a, b) => compare(a[hashKey], b[hashKey]) || (rangeKey ? compare(a[rangeKey], b[rangeKey]) : 0),
    );
  }

  private keyAttributes(item: Item): Item {
    const { hashKey, rangeKey } = this.keySchema;
    return rangeKey ? { [hashKey]: item[hashKey], [rangeKey]: item[rangeKey] } : { [hashKey]: item[hashKey] };
  }

  private keyOf(item: Item): string {
    const { hashKey, rangeKey } = this.keySchema;
    const hash = item[hashKey];
    const range = rangeKey ? item[rangeKey] : '';
    if (typeof hash !== 'string' || (rangeKey && typeof range !== 'string')) {
      throw new Error(`FakeDynamoDbTable: the key ${JSON.stringify(this.keyAttributes(item))} is incomplete`);
    }
    return JSON.stringify([hash, range]);
  }
}

function evaluate(expression: string, item: Item | undefined, names: Names, values: Values): boolean {
  return expression.split(/\s+AND\s+/i).every((clause) => evaluateClause(clause.trim(), item, names, values));
}

function evaluateClause(clause: string, item: Item | undefined, names: Names, values: Values): boolean {
  const attribute = (token: string) =>
    (token.startsWith('#') ? names?.[token] : token) ?? unsupported(clause);
  const value = (token: string) => {
    if (!values || !(token in values)) unsupported(clause);
    return values[token];
  };
  let match = /^attribute_not_exists\(\s*([#\w]+)\s*\)$/.exec(clause);
  if (match) return item?.[attribute(match[1] as string)] === undefined;
  match = /^attribute_exists\(\s*([#\w]+)\s*\)$/.exec(clause);
  if (match) return item?.[attribute(match[1] as string)] !== undefined;
  match = /^begins_with\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)$/.exec(clause);
  if (match) {
    const actual = item?.[attribute(match[1] as string)];
    return typeof actual === 'string' && actual.startsWith(String(value(match[2] as string)));
  }
  match = /^([#\w]+)\s*=\s*(:\w+)$/.exec(clause);
  if (match) return item !== undefined && item[attribute(match[1] as string)] === value(match[2] as string);
  return unsupported(clause);
}

function unsupported(clause: string): never {
  throw new Error(`FakeDynamoDbTable does not understand the expression "${clause}"`);
}
