import {
  InvokeCommand,
  LambdaClient,
  type InvokeCommandInput,
  type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../local/cli/main';
import { trigger } from '../../local/cli/trigger';
import { makeHandler as makeDiscoveryHandler } from '../../services/discovery/handler';
import {
  DynamoDbTenantRegistry,
  toTenantRegistryItem,
} from '../../shared/adapters/aws/dynamoDbTenantRegistry';
import { silentLog } from '../../shared/ports';
import { FakeDynamoDbTable } from '../adapters/aws/support/fakeDynamoDbTable';
import { aTenantConfig } from '../contracts/tenantRegistry.contract';
import { RecordingBus } from '../support/fakes';
import { recordingIo } from './support';

/** A response payload as the SDK hands it back: bytes (the SDK's own type adds string helpers the CLI does not use). */
const encode = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as unknown as InvokeCommandOutput['Payload'];
/** The CLI sends its payload as bytes. */
const decode = (payload: InvokeCommandInput['Payload']) =>
  JSON.parse(new TextDecoder().decode(payload as Uint8Array)) as Record<string, unknown>;

/**
 * A Lambda client whose `avesa-test-discovery` is the real discovery handler over a fake tenants table, with
 * Lambda's invoke semantics: an exception becomes a 200 response with FunctionError and an error payload.
 */
function aDeployedDiscovery(tenants = [aTenantConfig({ id: 'acme' }), aTenantConfig({ id: 'globex' })]) {
  const table = new FakeDynamoDbTable({ hashKey: 'tenantId' });
  for (const tenant of tenants) table.seed(toTenantRegistryItem(tenant));
  const bus = new RecordingBus();
  const handler = makeDiscoveryHandler({
    registry: new DynamoDbTenantRegistry({ tableName: 'avesa-test-tenants', client: table.client() }),
    bus,
    log: silentLog,
  });
  const lambda = new LambdaClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  const mock = mockClient(lambda);
  mock.on(InvokeCommand).callsFake(async (input: InvokeCommandInput) => {
    if (input.FunctionName !== 'avesa-test-discovery')
      throw Object.assign(new Error(`Function not found: ${input.FunctionName}`), {
        name: 'ResourceNotFoundException',
      });
    try {
      const result = await handler(decode(input.Payload), { awsRequestId: 'request-1' });
      return { StatusCode: 200, Payload: encode(result), $metadata: { requestId: 'request-1' } };
    } catch (error) {
      return {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: encode({ errorType: (error as Error).name, errorMessage: (error as Error).message }),
        $metadata: { requestId: 'request-1' },
      };
    }
  });
  return { lambda, mock, bus };
}

describe('avesa trigger', () => {
  it('given a deployed stage, when triggered for one tenant, then discovery is invoked synchronously with its id and the job id and tenant are printed', async () => {
    // Prepare
    const { lambda, mock, bus } = aDeployedDiscovery();
    const io = recordingIo();

    // Act
    const code = await trigger(['--stage', 'test', '--tenant', 'globex'], io.io, { lambdaClient: lambda });

    // Assess
    expect(code).toBe(0);
    const input = mock.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input.FunctionName).toBe('avesa-test-discovery');
    expect(input.InvocationType).toBe('RequestResponse');
    expect(decode(input.Payload)).toEqual({ tenantIds: ['globex'] });
    const jobId = bus.events[0]!.jobId;
    expect(bus.events.map((event) => event.tenantId)).toEqual(['globex']);
    expect(io.out[0]).toMatch(
      new RegExp(`^job ${jobId} started at \\S+ in stage test for 1 tenant\\(s\\): globex$`),
    );
    expect(io.err).toEqual([]);
  });

  it('given `avesa backfill --stage`, when started, then discovery is invoked with the backfill range and starts that tenant only', async () => {
    const { lambda, mock, bus } = aDeployedDiscovery();
    const io = recordingIo();

    const code = await main(
      [
        'backfill',
        '--stage',
        'test',
        '--tenant',
        'globex',
        '--from',
        '2025-01-01T00:00:00Z',
        '--table',
        'tickets',
      ],
      io.io,
      { lambdaClient: lambda },
    );

    expect(io.err).toEqual([]);
    expect(code).toBe(0);
    expect(decode(mock.commandCalls(InvokeCommand)[0]!.args[0].input.Payload)).toEqual({
      tenantIds: ['globex'],
      backfill: { from: '2025-01-01T00:00:00Z', table: 'tickets' },
    });
    expect(
      bus.events.map((event) => [event.tenantId, event.type === 'TenantDiscovered' && event.data.sources]),
    ).toEqual([['globex', [{ source: 'connectwise', tables: ['tickets'] }]]]);
    expect(bus.events[0]!.type === 'TenantDiscovered' && bus.events[0]!.data.backfill?.from).toBe(
      '2025-01-01T00:00:00.000Z',
    );
  });

  it('given `avesa backfill --stage` with a table the tenant does not sync, then the discovery error names it and the exit code is 1', async () => {
    const { lambda, bus } = aDeployedDiscovery();
    const io = recordingIo();

    const code = await main(
      [
        'backfill',
        '--stage',
        'test',
        '--tenant',
        'globex',
        '--from',
        '2025-01-01T00:00:00Z',
        '--table',
        'contacts',
      ],
      io.io,
      { lambdaClient: lambda },
    );

    expect(code).toBe(1);
    expect(io.err.join('\n')).toContain('Nothing to backfill for tenant "globex"');
    expect(bus.events).toEqual([]);
  });

  it('given no --tenant, when triggered with --json, then every enabled tenant is started and the summary is JSON', async () => {
    const { lambda, mock } = aDeployedDiscovery([
      aTenantConfig({ id: 'acme' }),
      aTenantConfig({ id: 'globex', enabled: false }),
      aTenantConfig({ id: 'initech' }),
    ]);
    const io = recordingIo();

    const code = await trigger(['--stage', 'test', '--json'], io.io, { lambdaClient: lambda });

    expect(code).toBe(0);
    expect(decode(mock.commandCalls(InvokeCommand)[0]!.args[0].input.Payload)).toEqual({});
    expect(JSON.parse(io.out.join('\n'))).toMatchObject({
      stage: 'test',
      jobId: expect.stringMatching(/^job-/),
      tenants: ['acme', 'initech'],
      skipped: [],
    });
  });

  it('given an unknown tenant, when triggered, then the function error is reported with its type and message and the exit code is 1', async () => {
    const { lambda, bus } = aDeployedDiscovery();
    const io = recordingIo();

    const code = await trigger(['--stage', 'test', '--tenant', 'ghost'], io.io, { lambdaClient: lambda });

    expect(code).toBe(1);
    expect(io.err.join('\n')).toContain(
      'error: avesa-test-discovery failed (ValidationError): Unknown tenants requested:\n  - tenant "ghost" is not registered',
    );
    expect(io.err.join('\n')).toContain('/aws/lambda/avesa-test-discovery, request request-1');
    expect(bus.events).toEqual([]);
  });

  it('given only a disabled tenant is requested, when triggered, then it is named as skipped and the exit code is 1', async () => {
    const { lambda } = aDeployedDiscovery([aTenantConfig({ id: 'acme', enabled: false })]);
    const io = recordingIo();

    const code = await trigger(['--stage', 'test', '--tenant', 'acme'], io.io, { lambdaClient: lambda });

    expect(code).toBe(1);
    expect(io.err.join('\n')).toContain('warning: not started (disabled, or no source configured): acme');
  });

  it('given a stage that is not deployed, when triggered, then the error names the function and suggests deploying', async () => {
    const { lambda } = aDeployedDiscovery();
    const io = recordingIo();

    const code = await trigger(['--stage', 'qa'], io.io, { lambdaClient: lambda });

    expect(code).toBe(1);
    expect(io.err.join('\n')).toMatch(
      /^error: cannot invoke avesa-qa-discovery: ResourceNotFoundException: .*is stage qa deployed/,
    );
  });

  it.each([
    [['--tenant', 'acme'], 'avesa trigger needs --stage'],
    [['--stage', 'test', '--tenant', 'Not/A/Slug'], 'Invalid tenant id "Not/A/Slug"'],
    [['--stage', 'test', 'acme'], 'Unexpected argument'],
  ])('given %j, when triggered, then it is a usage error and nothing is invoked', async (argv, message) => {
    const { lambda, mock } = aDeployedDiscovery();
    const io = recordingIo();

    const code = await trigger(argv, io.io, { lambdaClient: lambda });

    expect(code).toBe(2);
    expect(io.err.join('\n')).toContain(message);
    expect(mock.commandCalls(InvokeCommand)).toEqual([]);
  });

  it('given the CLI entry point, when triggered, then the default Lambda client invokes the stage function', async () => {
    // Class-level mock: the CLI builds its client from the environment.
    const lambda = mockClient(LambdaClient);
    try {
      lambda.on(InvokeCommand).resolves({
        StatusCode: 200,
        Payload: encode({ jobId: 'job-1', jobStartedAt: '2026-11-23T12:00:00.000Z', tenants: ['acme'] }),
      });
      const io = recordingIo();

      const code = await main(['trigger', '--stage', 'prod'], io.io);

      expect(code).toBe(0);
      expect(lambda.commandCalls(InvokeCommand)[0]?.args[0].input.FunctionName).toBe('avesa-prod-discovery');
      expect(io.out[0]).toBe(
        'job job-1 started at 2026-11-23T12:00:00.000Z in stage prod for 1 tenant(s): acme',
      );
    } finally {
      lambda.restore();
    }
  });
});
