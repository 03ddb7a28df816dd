import { DynamoDbStateStore } from '../../../shared/adapters/aws/dynamoDbStateStore';
import {
  IDEMPOTENCY_RETENTION_SECONDS,
  REQUEST_BUDGET_RETENTION_SECONDS,
  stateRetentionPolicy,
} from '../../../shared/state/retention';
import { parseLambdaEnvironment } from '../../../shared/config/lambdaEnvironment';
import { stateStoreContract } from '../../contracts/stateStore.contract';
import { FakeDynamoDbTable } from './support/fakeDynamoDbTable';

const DAY = 24 * 3600;
const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 0, 500);
const NOW_SECONDS = Math.floor(NOW_MS / 1000);

/** A state store over a fake table, with the production policy (30 days of job state) and a fixed clock. */
function aRetainingStore() {
  const table = new FakeDynamoDbTable({ hashKey: 'pk', rangeKey: 'sk' }, 4);
  const store = new DynamoDbStateStore({
    tableName: 'avesa-state',
    client: table.client(),
    retention: stateRetentionPolicy({ jobStateDays: 30 }),
    now: () => NOW_MS,
  });
  return { table, store };
}

stateStoreContract('DynamoDbStateStore with a retention policy (aws-sdk-client-mock)', async () => ({
  store: aRetainingStore().store,
  cleanup: async () => {},
}));

describe('stateRetentionPolicy', () => {
  const policy = stateRetentionPolicy({ jobStateDays: 45 });

  it.each([
    ['idempotency#fetcher#evt-1', 'record', IDEMPOTENCY_RETENTION_SECONDS],
    ['budget#acme', 'slot#000', REQUEST_BUDGET_RETENTION_SECONDS],
    ['budget#acme', 'rate#29441122', REQUEST_BUDGET_RETENTION_SECONDS],
    ['plan#job-1#acme', 'connectwise#tickets', 45 * DAY],
    ['jobs', '2026-01-01T00:00:00.000Z#job-1', 45 * DAY],
    ['job#job-1', 'tenant#acme', 45 * DAY],
    ['progress#job-1#acme', 'chunk#connectwise#tickets#c00000', 45 * DAY],
  ])('given %s / %s, then it is kept %i seconds after its last write', (pk, sk, seconds) => {
    expect(policy(pk, sk)).toBe(seconds);
  });

  it('given a watermark or an unknown partition, then it is kept forever', () => {
    expect(policy('watermark#acme', 'connectwise#tickets')).toBeUndefined();
    expect(policy('something-new#acme', 'x')).toBeUndefined();
  });

  it('given idempotency records, then they outlive the 14-day Powertools expiry and DLQ retention', () => {
    expect(IDEMPOTENCY_RETENTION_SECONDS).toBeGreaterThan(14 * DAY);
  });

  it('given fewer job-state days than the DLQ retention, then the policy is refused', () => {
    expect(() => stateRetentionPolicy({ jobStateDays: 7 })).toThrow(RangeError);
    expect(() => stateRetentionPolicy({ jobStateDays: 15.5 })).toThrow(RangeError);
  });

  it('given JOB_STATE_RETENTION_DAYS in the Lambda environment, then it is read as whole days of at least 15, 30 when unset', () => {
    const env = {
      AVESA_STAGE: 'prod',
      EVENT_BUS_NAME: 'bus',
      STATE_TABLE: 'state',
      TENANTS_TABLE: 'tenants',
      LAKE_BUCKET: 'lake',
      SECRETS_PREFIX: 'avesa/prod',
    };
    expect(parseLambdaEnvironment({ ...env, JOB_STATE_RETENTION_DAYS: '90' }).JOB_STATE_RETENTION_DAYS).toBe(
      90,
    );
    expect(parseLambdaEnvironment(env).JOB_STATE_RETENTION_DAYS).toBe(30);
    for (const bad of ['ninety', '7', '20.5'])
      expect(() => parseLambdaEnvironment({ ...env, JOB_STATE_RETENTION_DAYS: bad })).toThrow(
        /JOB_STATE_RETENTION_DAYS/,
      );
  });
});

describe('DynamoDbStateStore with a retention policy', () => {
  it('given an idempotency record, when it is written, then the item carries expiresAt in epoch seconds', async () => {
    // Prepare
    const { table, store } = aRetainingStore();

    // Act
    await store.putIfAbsent('idempotency#fetcher#evt-1', 'record', { status: 'INPROGRESS' });

    // Assess
    expect(table.stored({ pk: 'idempotency#fetcher#evt-1', sk: 'record' })).toEqual({
      pk: 'idempotency#fetcher#evt-1',
      sk: 'record',
      value: '{"status":"INPROGRESS"}',
      version: 1,
      expiresAt: NOW_SECONDS + IDEMPOTENCY_RETENTION_SECONDS,
    });
  });

  it('given a budget lease, when it is rewritten later, then its expiry moves with the latest write', async () => {
    const table = new FakeDynamoDbTable({ hashKey: 'pk', rangeKey: 'sk' }, 4);
    let now = NOW_MS;
    const store = new DynamoDbStateStore({
      tableName: 'avesa-state',
      client: table.client(),
      retention: stateRetentionPolicy({ jobStateDays: 30 }),
      now: () => now,
    });
    await store.putIfVersion('budget#acme', 'slot#000', { heldUntil: now + 35_000 }, 0);

    now += 3600_000;
    await store.putIfVersion('budget#acme', 'slot#000', { heldUntil: 0 }, 1);

    expect(table.stored({ pk: 'budget#acme', sk: 'slot#000' })).toMatchObject({
      version: 2,
      expiresAt: NOW_SECONDS + 3600 + REQUEST_BUDGET_RETENTION_SECONDS,
    });
  });

  it('given a job-progress item, then it expires after the configured days', async () => {
    const { table, store } = aRetainingStore();

    await store.putIfAbsent('progress#job-1#acme', 'job-outcome', { status: 'succeeded' });

    expect(table.stored({ pk: 'progress#job-1#acme', sk: 'job-outcome' })).toMatchObject({
      expiresAt: NOW_SECONDS + 30 * DAY,
    });
  });

  it('given a watermark, when it is written, then the item has no expiresAt', async () => {
    const { table, store } = aRetainingStore();

    await store.putIfAbsent('watermark#acme', 'connectwise#tickets', { watermark: '2026-01-01T00:00:00Z' });

    expect(table.stored({ pk: 'watermark#acme', sk: 'connectwise#tickets' })).not.toHaveProperty('expiresAt');
  });

  it('given a stored item with expiresAt, when it is read, then the value and version come back without it', async () => {
    const { store } = aRetainingStore();
    await store.putIfAbsent('job#job-1', 'tenant#acme', { tenantId: 'acme' });

    await expect(store.get('job#job-1', 'tenant#acme')).resolves.toEqual({
      value: { tenantId: 'acme' },
      version: 1,
    });
    await expect(store.query('job#job-1')).resolves.toEqual([
      { value: { tenantId: 'acme' }, version: 1, sk: 'tenant#acme' },
    ]);
  });

  it('given no retention policy, then no item carries expiresAt (the default keeps everything)', async () => {
    const table = new FakeDynamoDbTable({ hashKey: 'pk', rangeKey: 'sk' }, 4);
    const store = new DynamoDbStateStore({ tableName: 'avesa-state', client: table.client() });

    await store.putIfAbsent('idempotency#fetcher#evt-1', 'record', { status: 'INPROGRESS' });

    expect(table.stored({ pk: 'idempotency#fetcher#evt-1', sk: 'record' })).not.toHaveProperty('expiresAt');
  });
});
