import {
  CreateSecretCommand,
  DescribeSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../local/cli/main';
import { tenants, type TenantsDeps } from '../../local/cli/tenants';
import { makeHandler as makeDiscoveryHandler } from '../../services/discovery/handler';
import { AwsTenantAdmin } from '../../shared/adapters/aws/awsTenantAdmin';
import { DynamoDbTenantRegistry } from '../../shared/adapters/aws/dynamoDbTenantRegistry';
import { SecretsManagerSecretStore } from '../../shared/adapters/aws/secretsManagerSecretStore';
import { silentLog } from '../../shared/ports';
import { FakeDynamoDbTable } from '../adapters/aws/support/fakeDynamoDbTable';
import { FakeSecretsManager } from '../adapters/aws/support/fakeSecretsManager';
import { RecordingBus } from '../support/fakes';
import { recordingIo } from './support';

const PUBLIC_KEY = 'pub-acme-1d9f77';
const PRIVATE_KEY = 'priv-acme-SECRET-5e0c21';
const KEYS_ENV = { CONNECTWISE_PUBLIC_KEY: PUBLIC_KEY, CONNECTWISE_PRIVATE_KEY: PRIVATE_KEY };
const BASE_URL = 'https://api-na.myconnectwise.net/v4_6_release/apis/3.0';

/** Stage `test` of a deployment: a fake tenants table and Secrets Manager, and the CLI's deps over them. */
function aStage() {
  const table = new FakeDynamoDbTable({ hashKey: 'tenantId' });
  const secretsManager = new FakeSecretsManager();
  const clients = { dynamoDb: table.client(), secretsManager: secretsManager.client() };
  const deps: TenantsDeps = { adminFor: (stage) => AwsTenantAdmin.forStage(stage, clients) };
  return {
    table,
    secretsManager,
    deps,
    /** The read side the deployed discovery and fetcher use. */
    registry: new DynamoDbTenantRegistry({ tableName: 'avesa-test-tenants', client: clients.dynamoDb }),
    secrets: new SecretsManagerSecretStore({ prefix: 'avesa/test', client: clients.secretsManager }),
  };
}

function addArgs(tenantId: string, ...extra: string[]): string[] {
  return [
    'add',
    '--stage',
    'test',
    '--tenant',
    tenantId,
    '--company',
    `${tenantId}-co`,
    '--base-url',
    BASE_URL,
    '--client-id',
    'client-1',
    ...extra,
  ];
}

describe('avesa tenants', () => {
  it('given a deployed stage, when a tenant is added, listed and disabled, then the deployed discovery no longer starts it and no key is ever printed', async () => {
    // Prepare
    const stage = aStage();
    const io = recordingIo(KEYS_ENV);

    // Act
    const added = await tenants(
      addArgs('acme', '--name', 'Acme IT', '--requests-per-minute', '600'),
      io.io,
      stage.deps,
    );
    const addedOther = await tenants(addArgs('globex'), io.io, stage.deps);
    const listing = recordingIo();
    const listed = await tenants(['list', '--stage', 'test'], listing.io, stage.deps);
    const disabled = await tenants(['disable', '--stage', 'test', '--tenant', 'acme'], io.io, stage.deps);
    const jsonListing = recordingIo();
    await tenants(['list', '--stage', 'test', '--json'], jsonListing.io, stage.deps);
    const discovery = makeDiscoveryHandler({
      registry: stage.registry,
      bus: new RecordingBus(),
      log: silentLog,
    });
    const job = await discovery({});

    // Assess
    expect([added, addedOther, listed, disabled]).toEqual([0, 0, 0, 0]);
    expect(io.out[0]).toBe(
      'tenant acme added to stage test (enabled, source connectwise): settings in DynamoDB table avesa-test-tenants, credentials in secret avesa/test/acme/connectwise',
    );
    expect(listing.out[0]).toMatch(/^TENANT\s+ENABLED\s+ACCOUNT\s+NAME\s+SOURCES\s+REQ\/MIN\s+SECRET$/);
    expect(listing.out[1]).toMatch(/^acme\s+yes\s+acme-co\s+Acme IT\s+connectwise\s+600\s+yes$/);
    expect(listing.out[2]).toMatch(/^globex\s+yes\s+globex-co\s+globex\s/);
    expect(io.out).toContain(
      'tenant acme disabled in stage test: discovery skips it from the next job on (a job already running finishes); its data and credentials are kept',
    );
    const json = JSON.parse(jsonListing.out.join('\n')) as {
      tenants: Array<{ tenantId: string; enabled: boolean; hasCredentials: boolean }>;
    };
    expect(json.tenants.map((tenant) => [tenant.tenantId, tenant.enabled, tenant.hasCredentials])).toEqual([
      ['acme', false, true],
      ['globex', true, true],
    ]);
    expect((await stage.registry.getTenant('acme'))?.enabled).toBe(false);
    expect(job.tenants).toEqual(['globex']);
    expect(await stage.secrets.sourceCredentials('acme', 'connectwise')).toEqual({
      companyId: 'acme-co',
      publicKey: PUBLIC_KEY,
      privateKey: PRIVATE_KEY,
      clientId: 'client-1',
    });
    const printed = [io.all(), listing.all(), jsonListing.all()].join('\n');
    expect(printed).not.toContain(PRIVATE_KEY);
    expect(printed).not.toContain(PUBLIC_KEY);
    expect(JSON.stringify(stage.table.stored({ tenantId: 'acme' }))).not.toContain(PRIVATE_KEY);
  });

  it('given a disabled tenant, when it is enabled, then the registry returns it enabled with its settings unchanged', async () => {
    const stage = aStage();
    const io = recordingIo(KEYS_ENV);
    await tenants(addArgs('acme', '--disabled', '--tables', 'tickets,companies'), io.io, stage.deps);
    const before = await stage.registry.getTenant('acme');

    const code = await tenants(['enable', '--stage', 'test', '--tenant', 'acme'], io.io, stage.deps);

    expect(code).toBe(0);
    expect(before?.enabled).toBe(false);
    expect(await stage.registry.getTenant('acme')).toEqual({ ...before, enabled: true });
    expect(before?.services.connectwise?.tables).toEqual(['tickets', 'companies']);
  });

  it('given a registered tenant, when it is added again with rotated keys, then it is updated in place and the secret holds the new keys', async () => {
    const stage = aStage();
    await tenants(addArgs('acme'), recordingIo(KEYS_ENV).io, stage.deps);
    const io = recordingIo({ ...KEYS_ENV, CONNECTWISE_PRIVATE_KEY: 'priv-rotated-77aa' });

    const code = await tenants(addArgs('acme', '--json'), io.io, stage.deps);

    expect(code).toBe(0);
    expect(JSON.parse(io.out.join('\n'))).toMatchObject({
      tenantId: 'acme',
      created: false,
      secret: 'avesa/test/acme/connectwise',
    });
    expect((await stage.secrets.sourceCredentials('acme', 'connectwise')).privateKey).toBe(
      'priv-rotated-77aa',
    );
    expect(stage.secretsManager.names()).toEqual(['avesa/test/acme/connectwise']);
  });

  it('given keys on stdin, when a tenant is added without key variables, then the secret holds the keys from stdin', async () => {
    const stage = aStage();
    const io = recordingIo({});
    const deps: TenantsDeps = {
      ...stage.deps,
      readStdin: async () =>
        JSON.stringify({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, clientId: 'from-stdin' }),
    };

    const code = await tenants(
      [
        'add',
        '--stage',
        'test',
        '--tenant',
        'acme',
        '--company',
        'acme-co',
        '--base-url',
        BASE_URL,
        '--credentials-stdin',
      ],
      io.io,
      deps,
    );

    expect(code).toBe(0);
    expect(await stage.secrets.sourceCredentials('acme', 'connectwise')).toEqual({
      companyId: 'acme-co',
      publicKey: PUBLIC_KEY,
      privateKey: PRIVATE_KEY,
      clientId: 'from-stdin',
    });
    expect(io.all()).not.toContain(PRIVATE_KEY);
  });

  it('given stdin that is not JSON, when a tenant is added, then the error says what is expected without echoing stdin', async () => {
    const stage = aStage();
    const io = recordingIo({});
    const deps: TenantsDeps = { ...stage.deps, readStdin: async () => `${PUBLIC_KEY} ${PRIVATE_KEY}` };

    const code = await tenants([...addArgs('acme'), '--credentials-stdin'], io.io, deps);

    expect(code).toBe(2);
    expect(io.err.join('\n')).toContain('--credentials-stdin: stdin is not a JSON object');
    expect(io.all()).not.toContain(PRIVATE_KEY);
    expect(stage.secretsManager.calls).toEqual([]);
  });

  it('given invalid settings, when a tenant is added, then every problem is named by tenant and flag, the exit code is 2, and nothing is written', async () => {
    const stage = aStage();
    const io = recordingIo({ CONNECTWISE_PRIVATE_KEY: PRIVATE_KEY });

    const code = await tenants(
      [
        'add',
        '--stage',
        'test',
        '--tenant',
        'acme',
        '--company',
        'acme-co',
        '--base-url',
        'ftp://cw.example.com',
        '--tables',
        'tickets,invoices',
        '--requests-per-minute',
        'lots',
      ],
      io.io,
      stage.deps,
    );

    expect(code).toBe(2);
    const message = io.err.join('\n');
    expect(message).toContain('error: Invalid tenant "acme":');
    for (const problem of [
      'tenant "acme": CONNECTWISE_PUBLIC_KEY is not set',
      'tenant "acme": --client-id (or CONNECTWISE_CLIENT_ID) is not set',
      'tenant "acme": --requests-per-minute must be a positive integer (got "lots")',
      'tenant "acme": --base-url: ',
      'tenant "acme": --tables: ',
    ])
      expect(message).toContain(problem);
    expect(message).not.toContain(PRIVATE_KEY);
    expect(stage.table.calls).toEqual([]);
    expect(stage.secretsManager.calls).toEqual([]);
  });

  it('given a tenant id that is not a slug, when added, then the error names the id rule and nothing is written', async () => {
    const stage = aStage();
    const io = recordingIo(KEYS_ENV);

    const code = await tenants(addArgs('Acme/../x'), io.io, stage.deps);

    expect(code).toBe(2);
    expect(io.err.join('\n')).toContain('tenant "Acme/../x": --tenant: must match ^[a-z0-9][a-z0-9-]{0,62}$');
    expect(stage.table.calls).toEqual([]);
  });

  it.each([[['--private-key', PRIVATE_KEY]], [[`--public-key=${PUBLIC_KEY}`]], [[PRIVATE_KEY]]])(
    'given a key on the command line (%#), when a tenant is added, then it is refused without repeating the value',
    async (extra) => {
      const stage = aStage();
      const io = recordingIo({});

      const code = await tenants([...addArgs('acme'), ...extra], io.io, stage.deps);

      expect(code).toBe(2);
      expect(io.all()).not.toContain(PRIVATE_KEY);
      expect(io.all()).not.toContain(PUBLIC_KEY);
      expect(stage.secretsManager.calls).toEqual([]);
    },
  );

  it('given a tenant that is not registered, when it is disabled, then the exit code is 1 and the error names it', async () => {
    const stage = aStage();
    const io = recordingIo();

    const code = await tenants(['disable', '--stage', 'test', '--tenant', 'ghost'], io.io, stage.deps);

    expect(code).toBe(1);
    expect(io.err).toEqual(['error: tenant "ghost" is not registered in stage test']);
    expect(await stage.registry.listTenants()).toEqual([]);
  });

  it('given Secrets Manager refuses the write, when a tenant is added, then the AWS error is reported with exit 1, no key, and no tenant is registered', async () => {
    const table = new FakeDynamoDbTable({ hashKey: 'tenantId' });
    const secretsManager = new SecretsManagerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const denied = Object.assign(
      new Error(
        'User: arn:aws:iam::123456789012:user/ops is not authorized to perform: secretsmanager:CreateSecret',
      ),
      {
        name: 'AccessDeniedException',
      },
    );
    mockClient(secretsManager).on(CreateSecretCommand).rejects(denied);
    const io = recordingIo(KEYS_ENV);

    const code = await tenants(addArgs('acme'), io.io, {
      adminFor: (stage) => AwsTenantAdmin.forStage(stage, { dynamoDb: table.client(), secretsManager }),
    });

    expect(code).toBe(1);
    expect(io.err.join('\n')).toMatch(/^error: AccessDeniedException: User: .* secretsmanager:CreateSecret$/);
    expect(io.all()).not.toContain(PRIVATE_KEY);
    expect(table.calls).toEqual([]);
  });

  it('given a stage that is not deployed, when tenants are listed, then the error says so', async () => {
    const dynamoDb = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
    );
    mockClient(dynamoDb)
      .on(ScanCommand)
      .rejects(
        Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }),
      );
    const io = recordingIo();

    const code = await tenants(['list', '--stage', 'qa'], io.io, {
      adminFor: (stage) => AwsTenantAdmin.forStage(stage, { dynamoDb }),
    });

    expect(code).toBe(1);
    expect(io.err.join('\n')).toContain('is stage qa deployed in this account and region?');
  });
});

describe('avesa tenants through the CLI entry point', () => {
  it('given no --stage, when tenants are listed, then it is a usage error', async () => {
    const io = recordingIo();

    expect(await main(['tenants', 'list'], io.io)).toBe(2);
    expect(io.err.join('\n')).toContain('avesa tenants list needs --stage');
  });

  it('given the default AWS clients, when tenants are listed, then the stage table and secrets are read with them', async () => {
    // Class-level mocks: the CLI builds its own clients from the environment.
    const dynamoDb = mockClient(DynamoDBDocumentClient);
    const secretsManager = mockClient(SecretsManagerClient);
    try {
      dynamoDb.on(ScanCommand, { TableName: 'avesa-prod-tenants' }).resolves({
        Items: [
          {
            tenantId: 'acme',
            accounts: { connectwise: { companyId: 'acme-co' } },
            services: { connectwise: { baseUrl: BASE_URL } },
          },
        ],
      });
      secretsManager
        .on(DescribeSecretCommand)
        .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
      const io = recordingIo();

      const code = await main(['tenants', 'list', '--stage', 'prod'], io.io);

      expect(code).toBe(0);
      expect(io.out[1]).toMatch(/^acme\s+yes\s+acme-co\s+acme\s+\S+\s+1000\s+MISSING$/);
      expect(secretsManager.commandCalls(DescribeSecretCommand)[0]?.args[0].input).toEqual({
        SecretId: 'avesa/prod/acme/connectwise',
      });
    } finally {
      dynamoDb.restore();
      secretsManager.restore();
    }
  });

  describe('--source servicenow', () => {
    const serviceNowArgs = (...extra: string[]) => [
      'add',
      '--stage',
      'test',
      '--tenant',
      'acme',
      '--source',
      'servicenow',
      '--instance-url',
      'https://acme.service-now.com',
      '--username',
      'svc.avesa',
      ...extra,
    ];

    it('given a ConnectWise tenant, when its ServiceNow is added with a password from the environment, then both sources are registered, the password is in avesa/test/acme/servicenow and never printed', async () => {
      // Prepare
      const stage = aStage();
      const io = recordingIo({ ...KEYS_ENV, SERVICENOW_PASSWORD: 'sn-Secret-pw-77' });
      await tenants(addArgs('acme'), io.io, stage.deps);

      // Act
      const code = await tenants(
        serviceNowArgs('--table-map', '{"tickets":"sn_customerservice_case"}'),
        io.io,
        stage.deps,
      );

      // Assess
      expect(code).toBe(0);
      const registered = await stage.registry.getTenant('acme');
      expect(Object.keys(registered!.services).sort()).toEqual(['connectwise', 'servicenow']);
      expect(registered!.services.servicenow).toMatchObject({
        instanceUrl: 'https://acme.service-now.com',
        tableMap: { tickets: 'sn_customerservice_case' },
      });
      expect(await stage.secrets.sourceCredentials('acme', 'servicenow')).toEqual({
        username: 'svc.avesa',
        password: 'sn-Secret-pw-77',
      });
      expect(io.out.join('\n')).toContain('credentials in secret avesa/test/acme/servicenow');
      expect(io.all()).not.toContain('sn-Secret-pw-77');
    });

    it('given no password and no OAuth secret, when added, then the error names what to set and nothing is written', async () => {
      const stage = aStage();
      const io = recordingIo({});

      const code = await tenants(serviceNowArgs(), io.io, stage.deps);

      expect(code).toBe(2);
      expect(io.err.join('\n')).toMatch(/password is needed with username \(Basic auth\)/);
      expect(stage.secretsManager.names()).toEqual([]);
    });

    it('given a ConnectWise flag with --source servicenow, when added, then it is refused by name', async () => {
      const stage = aStage();
      const io = recordingIo({ SERVICENOW_PASSWORD: 'pw' });

      const code = await tenants(serviceNowArgs('--base-url', BASE_URL), io.io, stage.deps);

      expect(code).toBe(2);
      expect(io.err.join('\n')).toContain('--base-url: not a setting of source servicenow');
    });

    it('given a tenant, when its Salesforce is added with the consumer secret from the environment, then its settings and a custom time-entry object are registered, the secret is in avesa/test/acme/salesforce and never printed', async () => {
      const stage = aStage();
      const io = recordingIo({ SALESFORCE_CLIENT_SECRET: 'sf-Consumer-secret-9' });
      const timeEntries = {
        object: 'Time_Entry__c',
        columns: { time_entry_id: 'Id', time_start: 'Start__c' },
      };

      const code = await tenants(
        [
          'add',
          '--stage',
          'test',
          '--tenant',
          'acme',
          '--name',
          'Acme IT',
          '--source',
          'salesforce',
          '--login-url',
          'https://acme.my.salesforce.com',
          '--client-id',
          'acme-connected-app',
          '--daily-quota-share',
          '0.5',
          '--table-map',
          JSON.stringify({ time_entries: timeEntries }),
        ],
        io.io,
        stage.deps,
      );

      expect(io.err).toEqual([]);
      expect(code).toBe(0);
      expect((await stage.registry.getTenant('acme'))!.services.salesforce).toMatchObject({
        loginUrl: 'https://acme.my.salesforce.com',
        apiVersion: '62.0',
        dailyQuotaShare: 0.5,
        tableMap: { time_entries: timeEntries },
      });
      expect(await stage.secrets.sourceCredentials('acme', 'salesforce')).toEqual({
        clientId: 'acme-connected-app',
        clientSecret: 'sf-Consumer-secret-9',
      });
      expect(io.all()).not.toContain('sf-Consumer-secret-9');
    });
  });
});
