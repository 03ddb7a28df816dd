import {
  DynamoDbTenantRegistry,
  toTenantRegistryItem,
} from '../../../shared/adapters/aws/dynamoDbTenantRegistry';
import {
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  DEFAULT_REQUESTS_PER_MINUTE,
} from '../../../shared/sources/connector';
import { CONNECTWISE_TABLES } from '../../../sources/connectwise/endpoints';
import { InvalidTenantIdError, ValidationError } from '../../../shared/errors';
import { aTenantConfig, tenantRegistryContract } from '../../contracts/tenantRegistry.contract';
import { FakeDynamoDbTable } from './support/fakeDynamoDbTable';

/** A registry over a fake table that pages Scan results every `pageSize` items. */
function aRegistry(pageSize = 2) {
  const table = new FakeDynamoDbTable({ hashKey: 'tenantId' }, pageSize);
  return {
    table,
    registry: new DynamoDbTenantRegistry({ tableName: 'avesa-tenants', client: table.client() }),
  };
}

tenantRegistryContract('DynamoDbTenantRegistry on a fake table (aws-sdk-client-mock)', async (tenants) => {
  const { table, registry } = aRegistry();
  for (const tenant of tenants) table.seed(toTenantRegistryItem(tenant));
  return { registry, cleanup: async () => {} };
});

describe('DynamoDbTenantRegistry', () => {
  it('given more tenants than one Scan page, when listed, then every page is read and tenants come back sorted by id', async () => {
    const { table, registry } = aRegistry(2);
    for (const id of ['e', 'c', 'a', 'd', 'b']) table.seed(toTenantRegistryItem(aTenantConfig({ id })));

    const tenants = await registry.listTenants();

    expect(tenants.map((tenant) => tenant.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(table.calls.filter((call) => call.command === 'Scan')).toHaveLength(3);
  });

  it('given an item with only the required settings, when read, then the tenants-file defaults are applied', async () => {
    const { table, registry } = aRegistry();
    table.seed({
      tenantId: 'acme',
      services: { connectwise: { baseUrl: 'https://cw.example.com/apis/3.0/' } },
    });

    const tenant = await registry.getTenant('acme');

    expect(tenant).toEqual({
      id: 'acme',
      name: 'acme',
      enabled: true,
      services: {
        connectwise: {
          baseUrl: 'https://cw.example.com/apis/3.0',
          tables: [...CONNECTWISE_TABLES],
          requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE,
          maxConcurrentRequests: DEFAULT_MAX_CONCURRENT_REQUESTS,
          backfillFrom: null,
          deletes: { sweepEveryHours: 24 },
          backfillSliceDays: 30,
        },
      },
    });
  });

  it('given malformed items, when tenants are listed, then a ValidationError names every bad tenant and field', async () => {
    const { table, registry } = aRegistry();
    table.seed(toTenantRegistryItem(aTenantConfig({ id: 'acme' })));
    table.seed({ tenantId: 'globex', services: { connectwise: { baseUrl: 'not a url' } } });
    table.seed({ tenantId: 'initech', enabled: 'yes', services: {} });

    const listing = registry.listTenants();

    await expect(listing).rejects.toThrow(ValidationError);
    await expect(listing).rejects.toThrow(/tenant "globex": services\.connectwise\.baseUrl/);
    await expect(listing).rejects.toThrow(/tenant "initech": enabled/);
  });

  it('given a tenant id that is not a slug, when it is looked up, then it is rejected before reaching a key', async () => {
    const { table, registry } = aRegistry();

    await expect(registry.getTenant('../acme')).rejects.toThrow(InvalidTenantIdError);
    expect(table.calls).toEqual([]);
  });
});
