import { AwsTenantAdmin, stageTenantStorage } from '../../../shared/adapters/aws/awsTenantAdmin';
import { DynamoDbTenantRegistry } from '../../../shared/adapters/aws/dynamoDbTenantRegistry';
import { SecretsManagerSecretStore } from '../../../shared/adapters/aws/secretsManagerSecretStore';
import { ValidationError } from '../../../shared/errors';
import { secretStoreContract, someCredentials } from '../../contracts/secretStore.contract';
import { tenantAdminContract } from '../../contracts/tenantAdmin.contract';
import { aTenantConfig, tenantRegistryContract } from '../../contracts/tenantRegistry.contract';
import { FakeDynamoDbTable } from './support/fakeDynamoDbTable';
import { FakeSecretsManager } from './support/fakeSecretsManager';

/** An admin of stage `test` over a fake tenants table and a fake Secrets Manager, with the read side beside it. */
function anAdmin() {
  const table = new FakeDynamoDbTable({ hashKey: 'tenantId' }, 2);
  const secretsManager = new FakeSecretsManager();
  const { tableName, secretsPrefix } = stageTenantStorage('test');
  const clients = { dynamoDb: table.client(), secretsManager: secretsManager.client() };
  return {
    table,
    secretsManager,
    admin: AwsTenantAdmin.forStage('test', clients),
    registry: new DynamoDbTenantRegistry({ tableName, client: clients.dynamoDb }),
    secrets: new SecretsManagerSecretStore({ prefix: secretsPrefix, client: clients.secretsManager }),
  };
}

tenantAdminContract(
  'AwsTenantAdmin on a fake DynamoDB table and Secrets Manager (aws-sdk-client-mock)',
  async () => ({
    ...anAdmin(),
    cleanup: async () => {},
  }),
);

// What the admin writes is what the deployed functions read: the read ports' own contracts, over items and
// secrets written only through AwsTenantAdmin.
tenantRegistryContract('DynamoDbTenantRegistry over items written by AwsTenantAdmin', async (tenants) => {
  const { admin, registry } = anAdmin();
  for (const tenant of tenants) await admin.putTenant(tenant, { connectwise: someCredentials(tenant.id) });
  return { registry, cleanup: async () => {} };
});

secretStoreContract(
  'SecretsManagerSecretStore over secrets written by AwsTenantAdmin',
  async (credentials) => {
    const { admin, secrets } = anAdmin();
    for (const [tenantId, value] of credentials)
      await admin.putTenant(aTenantConfig({ id: tenantId }), { connectwise: value });
    return { secrets, cleanup: async () => {} };
  },
);

describe('AwsTenantAdmin', () => {
  it('given a stage, when a tenant is put, then the item lands in avesa-<stage>-tenants and the secret under avesa/<stage>/<tenant>/connectwise', async () => {
    const { admin, table, secretsManager } = anAdmin();

    await admin.putTenant(aTenantConfig({ id: 'acme' }), { connectwise: someCredentials('acme') });

    const put = table.calls.find((call) => call.command === 'Put')?.input as { TableName: string };
    expect(put.TableName).toBe('avesa-test-tenants');
    expect(table.stored({ tenantId: 'acme' })).toMatchObject({
      tenantId: 'acme',
      accounts: {
        connectwise: { companyId: 'acme-company', clientId: someCredentials('acme').clientId },
      },
      enabled: true,
    });
    expect(secretsManager.names()).toEqual(['avesa/test/acme/connectwise']);
    expect(JSON.parse(secretsManager.value('avesa/test/acme/connectwise')!)).toEqual(someCredentials('acme'));
  });

  it('given a registered tenant, when it is put again, then the secret gets a new version rather than a second secret', async () => {
    const { admin, secretsManager } = anAdmin();
    await admin.putTenant(aTenantConfig({ id: 'acme' }), { connectwise: someCredentials('acme') });

    await admin.putTenant(aTenantConfig({ id: 'acme' }), {
      connectwise: { ...someCredentials('acme'), publicKey: 'pub-new' },
    });

    expect(secretsManager.names()).toEqual(['avesa/test/acme/connectwise']);
    expect(secretsManager.versions('avesa/test/acme/connectwise')).toBe(2);
  });

  it('given a put, then the table item holds no credential and the secret is written before the item', async () => {
    const { admin, table, secretsManager } = anAdmin();
    const order: string[] = [];
    const credentials = someCredentials('acme');

    await admin.putTenant(aTenantConfig({ id: 'acme' }), { connectwise: credentials });
    order.push(
      ...secretsManager.calls.map((call) => call.command),
      ...table.calls.map((call) => call.command),
    );

    const item = JSON.stringify(table.stored({ tenantId: 'acme' }));
    expect(item).not.toContain(credentials.privateKey);
    expect(item).not.toContain(credentials.publicKey);
    expect(order).toEqual(['CreateSecret', 'Get', 'Put']);
  });

  it('given a listing, then secrets are only described, never read', async () => {
    const { admin, secretsManager } = anAdmin();
    await admin.putTenant(aTenantConfig({ id: 'acme' }), { connectwise: someCredentials('acme') });

    await admin.listRegistered();

    expect(secretsManager.calls.map((call) => call.command)).toEqual(['CreateSecret', 'DescribeSecret']);
  });

  it('given incomplete credentials, when put, then a ValidationError names the field and nothing is written', async () => {
    const { admin, table, secretsManager } = anAdmin();

    const putting = admin.putTenant(aTenantConfig({ id: 'acme' }), {
      connectwise: { ...someCredentials('acme'), clientId: '' },
    });

    await expect(putting).rejects.toThrow(ValidationError);
    await expect(putting).rejects.toThrow(/tenant "acme".*\n.*clientId/);
    expect(secretsManager.calls).toEqual([]);
    expect(table.calls).toEqual([]);
  });

  it('given a stage name with a slash, when an admin is built, then it is rejected', () => {
    expect(() => AwsTenantAdmin.forStage('prod/../dev')).toThrow(/Invalid stage/);
  });
});
