import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSUMER_SERVICES, EVENT_ROUTES, QUEUE_SETTINGS } from '../../shared/events/routing';

const { logicalName } = require('../../deploy/routing.js') as { logicalName: (service: string) => string };

// CloudFormation properties are free-form JSON; the assertions below say which shape they expect.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = { Type: string; Properties: Record<string, any> };

/** Packages the real serverless.yml offline once and reads the CloudFormation it would deploy. */
function packageProd(): { resources: Record<string, Resource>; artifact: string } {
  const output = mkdtempSync(join(tmpdir(), 'avesa-sls-'));
  execFileSync('npx', ['sls', 'package', '--stage', 'prod', '--package', output], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, CI: 'true', SLS_TELEMETRY_DISABLED: '1' },
    stdio: 'pipe',
  });
  const template = JSON.parse(
    readFileSync(join(output, 'cloudformation-template-update-stack.json'), 'utf8'),
  );
  return { resources: template.Resources, artifact: join(output, 'avesa.zip') };
}

describe('serverless.yml (sls package --stage prod)', () => {
  let resources: Record<string, Resource>;
  let artifact: string;
  beforeAll(() => {
    ({ resources, artifact } = packageProd());
  }, 120_000);

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

  it('then functions run nodejs22.x on arm64, discovery has a schedule, and the bundle stays small', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
    expect(
      ofType('AWS::Events::Rule').some(([, rule]) => rule.Properties.ScheduleExpression === 'rate(1 hour)'),
    ).toBe(true);
    expect(statSync(artifact).size).toBeLessThan(5 * 1024 * 1024);
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
    const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, Resource]];
    const body = dashboard.Properties.DashboardBody['Fn::Sub'] as string;
    for (const metric of ['RecordsFetched', 'ApiCalls', 'Errors', 'JobDuration'])
      expect(body).toContain(`MetricName=\\"${metric}\\"`);
  });
});
