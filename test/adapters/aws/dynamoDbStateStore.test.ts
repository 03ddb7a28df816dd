import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbStateStore } from '../../../shared/adapters/aws/dynamoDbStateStore';
import { stateStoreContract } from '../../contracts/stateStore.contract';
import { FakeDynamoDbTable } from './support/fakeDynamoDbTable';

const TABLE = 'avesa-state';

/** A state store over a fake table that pages Query results every `pageSize` items. */
function aStateStore(pageSize = 10) {
  const table = new FakeDynamoDbTable({ hashKey: 'pk', rangeKey: 'sk' }, pageSize);
  return { table, store: new DynamoDbStateStore({ tableName: TABLE, client: table.client() }) };
}

stateStoreContract('DynamoDbStateStore on a fake table (aws-sdk-client-mock)', async () => ({
  store: aStateStore(4).store,
  cleanup: async () => {},
}));

describe('DynamoDbStateStore', () => {
  it('given a value, when it is put, then the item holds the value as a JSON string and a numeric version', async () => {
    const { table, store } = aStateStore();

    await store.putIfAbsent('watermark#acme', 'connectwise#tickets', { watermark: '2025-01-01T00:00:00Z' });

    expect(table.stored({ pk: 'watermark#acme', sk: 'connectwise#tickets' })).toEqual({
      pk: 'watermark#acme',
      sk: 'connectwise#tickets',
      value: '{"watermark":"2025-01-01T00:00:00Z"}',
      version: 1,
    });
  });

  it('given an item, when it is written by version, then the write is conditioned on the stored version', async () => {
    const { table, store } = aStateStore();
    await store.putIfAbsent('job#1', 'chunk#c00000', { records: 1 });

    await store.putIfVersion('job#1', 'chunk#c00000', { records: 2 }, 1);

    expect(table.calls.filter((call) => call.command === 'Put').map((call) => call.input)).toEqual([
      expect.objectContaining({ TableName: TABLE, ConditionExpression: 'attribute_not_exists(pk)' }),
      expect.objectContaining({
        TableName: TABLE,
        Item: { pk: 'job#1', sk: 'chunk#c00000', value: '{"records":2}', version: 2 },
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': 1 },
      }),
    ]);
  });

  it('given a partition larger than one Query page, when it is queried, then every page is read, consistently', async () => {
    // Prepare
    const { table, store } = aStateStore(2);
    for (const sk of ['a', 'b', 'c', 'd', 'e']) await store.putIfAbsent('job#1', sk, { sk });

    // Act
    const items = await store.query<{ sk: string }>('job#1');

    // Assess
    expect(items.map((item) => item.value.sk)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const queries = table.calls.filter((call) => call.command === 'Query').map((call) => call.input);
    expect(queries).toHaveLength(3);
    expect(queries.every((input) => (input as { ConsistentRead?: boolean }).ConsistentRead === true)).toBe(
      true,
    );
  });

  it('given a read, when it is made, then it is strongly consistent', async () => {
    const { table, store } = aStateStore();

    await store.get('job#1', 'chunk#c00000');

    expect(table.calls).toEqual([
      {
        command: 'Get',
        input: { TableName: TABLE, Key: { pk: 'job#1', sk: 'chunk#c00000' }, ConsistentRead: true },
      },
    ]);
  });

  it('given DynamoDB throttles a conditional write, when it is made, then the error is raised, not reported as a lost race', async () => {
    // Prepare
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );
    mockClient(client)
      .onAnyCommand()
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const store = new DynamoDbStateStore({ tableName: TABLE, client });

    // Act / Assess
    await expect(store.putIfAbsent('job#1', 'chunk#c00000', {})).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
  });

  it.each([-1, 1.5, Number.NaN])(
    'given an expected version of %p, when written, then it is rejected before any call',
    async (version) => {
      const { table, store } = aStateStore();

      await expect(store.putIfVersion('job#1', 'chunk#c00000', {}, version)).rejects.toThrow(RangeError);
      expect(table.calls).toEqual([]);
    },
  );

  it('given a value with no JSON form, when it is put, then it is rejected before any call', async () => {
    const { table, store } = aStateStore();

    await expect(store.putIfAbsent('job#1', 'chunk#c00000', undefined)).rejects.toThrow(/no JSON form/);
    expect(table.calls).toEqual([]);
  });
});
