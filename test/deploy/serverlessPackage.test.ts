import { SOURCE_NAMES } from '../../sources/registry';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSUMER_SERVICES, EVENT_ROUTES, QUEUE_SETTINGS } from '../../shared/events/routing';

const { logicalName } = require('../../deploy/routing.js') as { logicalName: (service: string) => string };
const { bundleSizes, formatSizes } = require('../../deploy/bundleSizes.js') as {
  bundleSizes: (packageDir: string) => Array<{ name: string; zipped: number; unzipped: number }>;
  formatSizes: (sizes: Array<{ name: string; zipped: number; unzipped: number }>) => string;
};

// CloudFormation properties are free-form JSON; the assertions below say which shape they expect.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = { Type: string; Properties: Record<string, any> };

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Resource: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Condition?: any;
};

/** Packages the real serverless.yml offline for a stage and reads the CloudFormation it would deploy. */
function packageStage(
  stage: string,
  extraArgs: string[] = [],
): { resources: Record<string, Resource>; packageDir: string } {
  const output = mkdtempSync(join(tmpdir(), 'avesa-sls-'));
  execFileSync('npx', ['sls', 'package', '--stage', stage, '--package', output, ...extraArgs], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, CI: 'true', SLS_TELEMETRY_DISABLED: '1' },
    stdio: 'pipe',
  });
  const template = JSON.parse(
    readFileSync(join(output, 'cloudformation-template-update-stack.json'), 'utf8'),
  );
  return { resources: template.Resources, packageDir: output };
}

describe('serverless.yml (sls package --stage prod)', () => {
  let resources: Record<string, Resource>;
  let packageDir: string;
  beforeAll(() => {
    // deploy/layersPlugin.js fetches the DuckDB layer from the npm registry on the first run (then keeps .layers/).
    ({ resources, packageDir } = packageStage('prod'));
  }, 300_000);

  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

  it('given the shared routing table, then every EventBridge rule forwards exactly the detail-types routed to its queue', () => {
    const routedByQueue = new Map<string, string[]>();
    for (const [, rule] of ofType('AWS::Events::Rule')) {
      if (!rule.Properties.EventBusName) continue;
      const queueLogicalId = rule.Properties.Targets[0].Arn['Fn::GetAtt'][0] as string;
      routedByQueue.set(queueLogicalId, [...rule.Properties.EventPattern['detail-type']].sort());
    }
    const expected = new Map(
      CONSUMER_SERVICES.map((service) => [
        `${logicalName(service)}Queue`,
        Object.entries(EVENT_ROUTES)
          .filter(([, consumers]) => consumers.includes(service))
          .map(([type]) => type)
          .sort(),
      ]),
    );
    expect(routedByQueue).toEqual(expected);
  });

  it('then every rule delivers the envelope, grouped by tenant (a fair queue) where the routing table says fairByTenant', () => {
    const rules = ofType('AWS::Events::Rule').filter(([, rule]) => rule.Properties.EventBusName);
    expect(rules).toHaveLength(CONSUMER_SERVICES.length);
    for (const service of CONSUMER_SERVICES) {
      const [, rule] = rules.find(([, candidate]) =>
        JSON.stringify(candidate.Properties.Targets[0].Arn).includes(`"${logicalName(service)}Queue"`),
      )!;
      expect(rule.Properties.Targets).toHaveLength(1);
      expect(rule.Properties.Targets[0].InputPath).toBe('$.detail');
      expect(rule.Properties.Targets[0].SqsParameters).toEqual(
        QUEUE_SETTINGS[service].fairByTenant ? { MessageGroupId: '$.detail.tenantId' } : undefined,
      );
    }
    expect(QUEUE_SETTINGS.fetcher.fairByTenant).toBe(true);
  });

  it('then every work queue has a DLQ with its maxReceiveCount and a visibility timeout above its function timeout', () => {
    const queues = ofType('AWS::SQS::Queue').filter(([id]) => !id.endsWith('DeadLetterQueue'));
    expect(queues).toHaveLength(CONSUMER_SERVICES.length);
    const functions = new Map(
      ofType('AWS::Lambda::Function').map(([, fn]) => [fn.Properties.FunctionName as string, fn]),
    );
    for (const service of CONSUMER_SERVICES) {
      const [, queue] = queues.find(
        ([, candidate]) => candidate.Properties.QueueName === `avesa-prod-${service}`,
      )!;
      expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(QUEUE_SETTINGS[service].maxReceiveCount);
      expect(resources[queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]]?.Type).toBe(
        'AWS::SQS::Queue',
      );
      const fn = functions.get(`avesa-prod-${service}`)!;
      expect(fn.Properties.Timeout).toBe(QUEUE_SETTINGS[service].timeoutSeconds);
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThan(fn.Properties.Timeout);
    }
  });

  it('then every SQS event source reports partial batch failures with the shared batch size and concurrency', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(CONSUMER_SERVICES.length);
    for (const [, mapping] of mappings) {
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      const service = CONSUMER_SERVICES.find((candidate) =>
        JSON.stringify(mapping.Properties.EventSourceArn).includes(`"${logicalName(candidate)}Queue"`),
      )!;
      expect(mapping.Properties.BatchSize).toBe(QUEUE_SETTINGS[service].batchSize);
      expect(mapping.Properties.ScalingConfig.MaximumConcurrency).toBe(
        QUEUE_SETTINGS[service].maxConcurrency,
      );
    }
  });

  it('then the backfill lane is the fetcher code on its own queue (FETCHER_LANE=backfill), with a quarter of the fetchers', () => {
    const functions = new Map(
      ofType('AWS::Lambda::Function').map(([, fn]) => [fn.Properties.FunctionName as string, fn]),
    );
    const lane = functions.get('avesa-prod-backfill-fetcher')!;
    expect(lane.Properties.Handler).toBe(functions.get('avesa-prod-fetcher')!.Properties.Handler);
    expect(lane.Properties.Environment.Variables).toMatchObject({
      FETCHER_LANE: 'backfill',
      FETCHER_QUEUE_URL: { Ref: 'BackfillFetcherQueue' },
    });
    expect(
      functions.get('avesa-prod-fetcher')!.Properties.Environment.Variables.FETCHER_LANE,
    ).toBeUndefined();
    expect(QUEUE_SETTINGS['backfill-fetcher'].maxConcurrency * 4).toBe(QUEUE_SETTINGS.fetcher.maxConcurrency);
    expect(EVENT_ROUTES.BackfillChunkPlanned).toEqual(['backfill-fetcher']);
  });

  it('then functions run nodejs22.x on arm64 but the transform on x86_64 with the DuckDB layer, the API with the argon2 layer, and discovery has a schedule', () => {
    const layers: Record<string, unknown> = {
      'avesa-prod-transform': [{ Ref: 'DuckdbLambdaLayer' }],
      'avesa-prod-api': [{ Ref: 'Argon2LambdaLayer' }],
    };
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      const isTransform = fn.Properties.FunctionName === 'avesa-prod-transform';
      expect(fn.Properties.Architectures).toEqual([isTransform ? 'x86_64' : 'arm64']);
      expect(fn.Properties.Layers).toEqual(layers[fn.Properties.FunctionName]);
    }
    expect(resources.Argon2LambdaLayer?.Properties).toMatchObject({ CompatibleArchitectures: ['arm64'] });
    expect(resources.DuckdbLambdaLayer?.Properties).toMatchObject({
      CompatibleRuntimes: ['nodejs22.x'],
      CompatibleArchitectures: ['x86_64'],
    });
    expect(
      ofType('AWS::Events::Rule').some(([, rule]) => rule.Properties.ScheduleExpression === 'rate(1 hour)'),
    ).toBe(true);
  });

  it('then each function is packaged alone, its sizes are printed, and the fetcher stays under 1 MB unzipped', () => {
    const sizes = bundleSizes(packageDir);
    console.log(`Bundle sizes (sls package --stage prod):\n${formatSizes(sizes)}`);
    const functions = sizes.filter((size) => size.name !== 'duckdb' && size.name !== 'argon2');
    expect(functions.map((size) => size.name).sort()).toEqual([
      'analytics-loader',
      'api',
      'backfill-fetcher',
      'chunk-planner',
      'discovery',
      'fetcher',
      'progress',
      'transform',
    ]);
    expect(sizes.find((size) => size.name === 'fetcher')!.unzipped).toBeLessThan(1_000_000);
    for (const size of functions) {
      // A minified bundle compresses about 3:1; an unzipped size at or below the zipped one means a misread zip.
      expect(size.unzipped).toBeGreaterThan(size.zipped);
      expect(size.unzipped).toBeLessThan(5 * 1024 * 1024);
    }
    // Lambda: at most 250 MB unzipped for a function and its layers together.
    const transformWithLayer =
      sizes.find((size) => size.name === 'transform')!.unzipped +
      sizes.find((size) => size.name === 'duckdb')!.unzipped;
    expect(transformWithLayer).toBeLessThan(250 * 1024 * 1024);
  });

  it('then every DLQ and work queue has an alarm to the SNS topic, every function an errors alarm, and a dashboard reads the Powertools metrics', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    const onQueue = (metric: string, queueLogicalId: string) =>
      alarms.find(
        (alarm) =>
          alarm.MetricName === metric && JSON.stringify(alarm.Dimensions).includes(`"${queueLogicalId}"`),
      );
    for (const service of CONSUMER_SERVICES) {
      expect(
        onQueue('ApproximateNumberOfMessagesVisible', `${logicalName(service)}DeadLetterQueue`),
      ).toMatchObject({ Threshold: 0, AlarmActions: [{ Ref: 'AlarmTopic' }] });
      expect(onQueue('ApproximateAgeOfOldestMessage', `${logicalName(service)}Queue`)).toBeDefined();
    }
    const functionNames = ofType('AWS::Lambda::Function').map(
      ([, fn]) => fn.Properties.FunctionName as string,
    );
    for (const name of functionNames) {
      expect(
        alarms.find((alarm) => alarm.MetricName === 'Errors' && alarm.Dimensions[0].Value === name),
      ).toBeDefined();
    }
    expect(resources.AlarmTopic?.Type).toBe('AWS::SNS::Topic');
    // Not alias/aws/sns: CloudWatch alarms cannot use the AWS managed key.
    expect(resources.AlarmTopic!.Properties.KmsMasterKeyId).toEqual({ Ref: 'AlarmTopicKey' });
    expect(JSON.stringify(resources.AlarmTopicKey!.Properties.KeyPolicy)).toContain(
      'cloudwatch.amazonaws.com',
    );
    const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, Resource]];
    const body = dashboard.Properties.DashboardBody['Fn::Sub'] as string;
    for (const metric of ['RecordsFetched', 'ApiCalls', 'Errors', 'JobDuration'])
      expect(body).toContain(`MetricName=\\"${metric}\\"`);
  });

  /** Each function (by its name without the `avesa-prod-` prefix) with the statements of its role. */
  const rolesByFunction = () =>
    new Map(
      ofType('AWS::Lambda::Function').map(([, fn]) => {
        const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
        const statements = resources[roleId]!.Properties.Policies.flatMap(
          (policy: { PolicyDocument: { Statement: Statement[] } }) => policy.PolicyDocument.Statement,
        ) as Statement[];
        return [(fn.Properties.FunctionName as string).replace('avesa-prod-', ''), { roleId, statements }];
      }),
    );
  const allowing = (statements: Statement[], action: string) =>
    statements.filter((statement) => statement.Effect === 'Allow' && statement.Action.includes(action));

  it('then every function has a role of its own, and no shared execution role exists', () => {
    const roles = rolesByFunction();
    expect([...roles.keys()].sort()).toEqual([
      'analytics-loader',
      'api',
      'backfill-fetcher',
      'chunk-planner',
      'discovery',
      'fetcher',
      'progress',
      'transform',
    ]);
    const roleIds = [...roles.values()].map((role) => role.roleId);
    expect(new Set(roleIds).size).toBe(roleIds.length);
    for (const roleId of roleIds) expect(resources[roleId]?.Type).toBe('AWS::IAM::Role');
    expect(resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('then no role allows a wildcard action or any action on every resource', () => {
    for (const [, { statements }] of rolesByFunction()) {
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        for (const action of statement.Action) expect(action).not.toContain('*');
        expect(JSON.stringify(statement.Resource)).not.toMatch(/^"\*"$|^\["\*"\]$/);
        expect(statement.Resource).toBeDefined();
      }
    }
  });

  it('then only the fetchers (of both lanes) send to a queue, each only to its own', () => {
    const roles = rolesByFunction();
    for (const [fn, { statements }] of roles) {
      const sends = allowing(statements, 'sqs:SendMessage');
      if (fn === 'fetcher')
        expect(sends.map((statement) => statement.Resource)).toEqual([
          { 'Fn::GetAtt': ['FetcherQueue', 'Arn'] },
        ]);
      else if (fn === 'backfill-fetcher')
        expect(sends.map((statement) => statement.Resource)).toEqual([
          { 'Fn::GetAtt': ['BackfillFetcherQueue', 'Arn'] },
        ]);
      else expect(sends).toEqual([]);
    }
  });

  it('then each consumer receives from its own queue only, and discovery from none', () => {
    for (const [fn, { statements }] of rolesByFunction()) {
      const receives = allowing(statements, 'sqs:ReceiveMessage');
      if (fn === 'discovery' || fn === 'api') {
        expect(receives).toEqual([]);
        continue;
      }
      expect(receives).toHaveLength(1);
      expect(receives[0]!.Resource).toEqual({ 'Fn::GetAtt': [`${logicalName(fn)}Queue`, 'Arn'] });
      expect(receives[0]!.Action).toEqual(
        expect.arrayContaining([
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:ChangeMessageVisibility',
        ]),
      );
    }
  });

  it('then only the functions that call a source read tenant secrets, one resource per registered source under the stage prefix', () => {
    const readers = [...rolesByFunction()].filter(
      ([fn, { statements }]) =>
        fn !== 'analytics-loader' &&
        fn !== 'api' &&
        allowing(statements, 'secretsmanager:GetSecretValue').length > 0,
    );
    expect(readers.map(([fn]) => fn).sort()).toEqual(['backfill-fetcher', 'chunk-planner', 'fetcher']);
    for (const [, { statements }] of readers) {
      for (const statement of allowing(statements, 'secretsmanager:GetSecretValue')) {
        const resources = (statement.Resource as Array<{ 'Fn::Sub': string }>).map(
          (resource) => resource['Fn::Sub'],
        );
        expect(resources).toEqual(
          SOURCE_NAMES.map((source) =>
            expect.stringMatching(new RegExp(`:secret:avesa/prod/\\*/${source}-\\?{6}$`)),
          ),
        );
      }
    }
  });

  it('then the analytics loader reads only its queue, its log group and the stage ClickHouse secret, and gets its ClickHouse settings from the stage params', () => {
    const { statements } = rolesByFunction().get('analytics-loader')!;
    expect(statements.map((statement) => statement.Sid).sort()).toEqual([
      'ClickHouseSecret',
      'OwnLogGroup',
      'OwnQueueEventSource',
    ]);
    const [secret] = allowing(statements, 'secretsmanager:GetSecretValue');
    expect(secret!.Action).toEqual(['secretsmanager:GetSecretValue']);
    expect((secret!.Resource as { 'Fn::Sub': string })['Fn::Sub']).toMatch(
      /:secret:avesa\/prod\/clickhouse-\?{6}$/,
    );
    const loader = ofType('AWS::Lambda::Function').find(
      ([, fn]) => fn.Properties.FunctionName === 'avesa-prod-analytics-loader',
    )![1];
    expect(loader.Properties.Environment.Variables).toMatchObject({
      CLICKHOUSE_URL: '',
      CLICKHOUSE_USER: 'avesa_loader',
      CLICKHOUSE_DATABASE: 'avesa',
      CLICKHOUSE_LAKE_COLLECTION: '',
      CLICKHOUSE_SECRET_ID: 'avesa/prod/clickhouse',
    });
    expect(EVENT_ROUTES.TableCompacted).toContain('analytics-loader');
  });

  it('then no bundle holds chdb (the in-process ClickHouse of the tests)', () => {
    const loaderZip = readFileSync(join(packageDir, 'analytics-loader.zip'));
    expect(loaderZip.length).toBeGreaterThan(0);
    expect(loaderZip.includes('chdb')).toBe(false);
    expect(bundleSizes(packageDir).find((size) => size.name === 'analytics-loader')!.unzipped).toBeLessThan(
      2 * 1024 * 1024,
    );
  });

  it('then lake access is by area: the fetcher writes raw parts only, the transform reads raw and writes canonical and quarantine', () => {
    const roles = rolesByFunction();
    const areas = (fn: string, action: string) =>
      allowing(roles.get(fn)!.statements, action)
        .flatMap((statement) => statement.Resource as Array<{ 'Fn::Sub': string }>)
        .map((resource) => resource['Fn::Sub'].replace('${LakeBucket.Arn}', ''))
        .sort();
    expect(areas('fetcher', 's3:PutObject')).toEqual(['/*/raw/*']);
    expect(areas('fetcher', 's3:GetObject')).toEqual([]);
    expect(areas('transform', 's3:GetObject')).toEqual(['/*/canonical/*', '/*/raw/*']);
    expect(areas('transform', 's3:PutObject')).toEqual(['/*/canonical/*', '/*/quarantine/*']);
    // Writers tag every object with its area (the raw lifecycle rule selects by tag), which needs PutObjectTagging.
    expect(areas('fetcher', 's3:PutObjectTagging')).toEqual(['/*/raw/*']);
    expect(areas('transform', 's3:PutObjectTagging')).toEqual(['/*/canonical/*', '/*/quarantine/*']);
    for (const fn of ['discovery', 'chunk-planner', 'progress', 'analytics-loader', 'api']) {
      for (const action of ['s3:GetObject', 's3:PutObject', 's3:ListBucket'])
        expect(allowing(roles.get(fn)!.statements, action)).toEqual([]);
    }
    for (const fn of ['fetcher', 'transform']) {
      for (const statement of allowing(roles.get(fn)!.statements, 's3:ListBucket'))
        expect(statement.Condition.StringLike['s3:prefix']).toBeDefined();
    }
  });

  it("then state table access is limited to each function's partitions, and only discovery scans tenants", () => {
    const roles = rolesByFunction();
    const partitions = (fn: string) =>
      allowing(roles.get(fn)!.statements, 'dynamodb:GetItem')
        .filter((statement) => statement.Resource['Fn::GetAtt'][0] === 'StateTable')
        .flatMap(
          (statement) => statement.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys'] as string[],
        );
    expect(partitions('discovery')).toEqual([]);
    expect(partitions('transform')).toEqual(['idempotency#*']);
    expect(partitions('fetcher').sort()).toEqual(['budget#*', 'idempotency#*']);
    expect(partitions('progress')).toContain('watermark#*');
    expect(partitions('chunk-planner')).toContain('watermark#*');
    const scanners = [...roles].filter(
      ([, { statements }]) => allowing(statements, 'dynamodb:Scan').length > 0,
    );
    expect(scanners.map(([fn]) => fn)).toEqual(['discovery']);
  });

  it('then the API is one function behind an HTTP API: its own secrets only, users and sessions written, progress only read', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
    expect(routes).toEqual(['$default']);
    const statements = rolesByFunction().get('api')!.statements;
    const secrets = allowing(statements, 'secretsmanager:GetSecretValue').flatMap((statement) =>
      (statement.Resource as Array<{ 'Fn::Sub': string }>).map((resource) => resource['Fn::Sub']),
    );
    expect(secrets.map((arn) => arn.replace(/^.*:secret:/, '')).sort()).toEqual([
      'avesa/prod/api-signing-key-??????',
      'avesa/prod/clickhouse-api-??????',
    ]);
    const writes = allowing(statements, 'dynamodb:PutItem').flatMap(
      (statement) => statement.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys'] as string[],
    );
    expect(writes.sort()).toEqual(['refresh#*', 'session#*', 'user#*']);
    const reads = allowing(statements, 'dynamodb:Query').flatMap(
      (statement) => statement.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys'] as string[],
    );
    expect(reads).toEqual(expect.arrayContaining(['jobs', 'job#*', 'progress#*', 'watermark#*']));
    expect(resources.ApiSigningKeySecret?.Properties).toMatchObject({
      Name: 'avesa/prod/api-signing-key',
      GenerateSecretString: { PasswordLength: 64 },
    });
    const api = ofType('AWS::Lambda::Function').find(
      ([, fn]) => fn.Properties.FunctionName === 'avesa-prod-api',
    )![1];
    expect(api.Properties.Environment.Variables).toMatchObject({
      API_SIGNING_KEY_SECRET_ID: { Ref: 'ApiSigningKeySecret' },
      CLICKHOUSE_USER: 'avesa_api',
      CLICKHOUSE_SECRET_ID: 'avesa/prod/clickhouse-api',
    });
  });

  it('then the lake denies plain HTTP and has lifecycle rules, and the state table expires items by TTL', () => {
    const policy = resources.LakeBucketPolicy!;
    expect(policy.Properties.Bucket).toEqual({ Ref: 'LakeBucket' });
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const rules = resources.LakeBucket!.Properties.LifecycleConfiguration.Rules as Array<
      Record<string, unknown>
    >;
    expect(rules).toContainEqual(
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ TagFilters: [{ Key: 'avesa-area', Value: 'raw' }], ExpirationInDays: 180 }),
    );
    expect(resources.StateTable!.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
  });

  it('then every function has an error-rate alarm (errors / invocations over 5 minutes, quiet periods ignored)', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const name = fn.Properties.FunctionName as string;
      const rate = ofType('AWS::CloudWatch::Alarm')
        .map(([, alarm]) => alarm.Properties)
        .find((alarm) => alarm.Metrics && JSON.stringify(alarm.Metrics).includes(`"${name}"`));
      expect(rate).toMatchObject({ Threshold: 5, AlarmActions: [{ Ref: 'AlarmTopic' }] });
      const expression = rate!.Metrics.find(
        (metric: { ReturnData: boolean }) => metric.ReturnData,
      ).Expression;
      expect(expression).toBe('IF(invocations >= 10, 100 * errors / invocations, 0)');
      for (const metric of rate!.Metrics.filter(
        (candidate: { MetricStat?: unknown }) => candidate.MetricStat,
      ))
        expect(metric.MetricStat.Period).toBe(300);
    }
    expect(resources.AlarmEmailSubscription).toBeUndefined();
  });
});

describe('serverless.yml per-stage parameters (sls package --stage dev)', () => {
  let dev: Record<string, Resource>;
  beforeAll(() => {
    ({ resources: dev } = packageStage('dev', ['--param', 'alarmEmail=ops@example.com']));
  }, 300_000);

  const first = (resources: Record<string, Resource>, type: string) =>
    Object.values(resources).filter((resource) => resource.Type === type);

  it('given the dev parameters, then schedule, log retention, lake and state retention, concurrency and alarms follow them', () => {
    expect(
      first(dev, 'AWS::Events::Rule')
        .map((rule) => rule.Properties.ScheduleExpression)
        .filter(Boolean),
    ).toEqual(['rate(1 day)']);
    for (const group of first(dev, 'AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(7);
    const rules = dev.LakeBucket!.Properties.LifecycleConfiguration.Rules as Array<Record<string, unknown>>;
    expect(rules).toContainEqual(expect.objectContaining({ ExpirationInDays: 15 }));
    expect(rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 3 } }),
    );
    expect(dev.FetcherLambdaFunction!.Properties.Environment.Variables.JOB_STATE_RETENTION_DAYS).toBe('15');
    const fetcherSource = first(dev, 'AWS::Lambda::EventSourceMapping').find((mapping) =>
      JSON.stringify(mapping.Properties.EventSourceArn).includes('"FetcherQueue"'),
    )!;
    expect(fetcherSource.Properties.ScalingConfig.MaximumConcurrency).toBe(2);
    for (const alarm of first(dev, 'AWS::CloudWatch::Alarm').filter(
      (candidate) => candidate.Properties.Metrics,
    ))
      expect(alarm.Properties.Threshold).toBe(25);
    expect(dev.AlarmEmailSubscription?.Properties).toEqual({
      TopicArn: { Ref: 'AlarmTopic' },
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('given job state kept shorter than the DLQ retention, then packaging is refused', () => {
    let output = '';
    try {
      packageStage('dev', ['--param', 'jobStateRetentionDays=7']);
    } catch (error) {
      const failed = error as { stdout?: Buffer; stderr?: Buffer };
      output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
    }
    expect(output).toMatch(/jobStateRetentionDays must be at least 15/);
  }, 120_000);
});
