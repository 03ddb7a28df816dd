// CloudFormation resources generated from the shared routing table: one queue + DLQ per consumer, one
// EventBridge rule per consumer forwarding exactly the detail-types EVENT_ROUTES gives it; one IAM role per
// function from the permission table (deploy/permissions.js); the lake, the tables and the monitoring.
const { functionRoles } = require('./permissions');
// The retention rule's one source is TypeScript (shared/state/retention.ts).
require('tsx/cjs');
const { MIN_JOB_STATE_RETENTION_DAYS } = require('../shared/state/retention.ts');
const {
  CONSUMER_SERVICES,
  QUEUE_SETTINGS,
  logicalName,
  detailTypesFor,
  visibilityTimeoutFor,
} = require('./routing');

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const prefix = `${service}-${stage}`;
  const param = async (name) => resolveVariable(`param:${name}`);
  const days = async (name) => positiveInteger(name, await param(name));
  // The functions read it (JOB_STATE_RETENTION_DAYS) and refuse a value too short; refuse it here first.
  if ((await days('jobStateRetentionDays')) < MIN_JOB_STATE_RETENTION_DAYS) {
    throw new Error(
      `serverless.yml params: jobStateRetentionDays must be at least ${MIN_JOB_STATE_RETENTION_DAYS} (the DLQ retention plus a day)`,
    );
  }
  const resources = {
    EventBus: { Type: 'AWS::Events::EventBus', Properties: { Name: `${prefix}-bus` } },
    LakeBucket: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: lakeLifecycleRules(
            await days('lakeRawRetentionDays'),
            await days('lakeNoncurrentVersionDays'),
          ),
        },
      },
    },
    LakeBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: 'LakeBucket' },
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              // https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [{ 'Fn::GetAtt': ['LakeBucket', 'Arn'] }, { 'Fn::Sub': '${LakeBucket.Arn}/*' }],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
    StateTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: `${prefix}-state`,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // Idempotency records, request-budget items and old jobs' plans and progress carry `expiresAt` (epoch
        // seconds, written by DynamoDbStateStore from shared/state/retention.ts); watermarks never expire.
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    },
    TenantsTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: `${prefix}-tenants`,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'tenantId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'tenantId', KeyType: 'HASH' }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    },
  };
  for (const consumer of CONSUMER_SERVICES) {
    const name = logicalName(consumer);
    const settings = QUEUE_SETTINGS[consumer];
    resources[`${name}DeadLetterQueue`] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${prefix}-${consumer}-dlq`,
        MessageRetentionPeriod: 1209600,
        SqsManagedSseEnabled: true,
      },
    };
    resources[`${name}Queue`] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${prefix}-${consumer}`,
        VisibilityTimeout: visibilityTimeoutFor(consumer),
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [`${name}DeadLetterQueue`, 'Arn'] },
          maxReceiveCount: settings.maxReceiveCount,
        },
      },
    };
    resources[`${name}Rule`] = {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventBusName: { Ref: 'EventBus' },
        EventPattern: { source: ['avesa.pipeline'], 'detail-type': detailTypesFor(consumer) },
        // The queue receives the envelope itself, the same body the fetcher writes when it re-queues a chunk.
        // For a queue the routing table marks fairByTenant, MessageGroupId = tenant id (an EventBridge dynamic
        // path parameter) makes it a fair queue, as SqsWorkQueue does for continuations: a tenant with a
        // backlog cannot starve the others.
        // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-fair-queues.html
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html (dynamic path parameters)
        Targets: [
          {
            Id: `${consumer}-queue`,
            Arn: { 'Fn::GetAtt': [`${name}Queue`, 'Arn'] },
            InputPath: '$.detail',
            ...(settings.fairByTenant ? { SqsParameters: { MessageGroupId: '$.detail.tenantId' } } : {}),
          },
        ],
      },
    };
    resources[`${name}QueuePolicy`] = {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: `${name}Queue` }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': [`${name}Queue`, 'Arn'] },
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [`${name}Rule`, 'Arn'] } } },
            },
          ],
        },
      },
    };
  }
  Object.assign(resources, functionRoles({ prefix, secretsPrefix: `${service}/${stage}` }));
  Object.assign(
    resources,
    monitoring(prefix, {
      errorRateThresholdPercent: await positiveNumber(
        'errorRateThresholdPercent',
        await param('errorRateThresholdPercent'),
      ),
      errorRateMinInvocations: await positiveInteger(
        'errorRateMinInvocations',
        await param('errorRateMinInvocations'),
      ),
      alarmEmail: String((await param('alarmEmail')) ?? '').trim(),
    }),
  );
  return { Resources: resources };
};

function positiveNumber(name, value) {
  const number = Number(value);
  if (!(number > 0))
    throw new Error(`serverless.yml params: ${name} must be a positive number, got ${value}`);
  return number;
}

function positiveInteger(name, value) {
  const number = positiveNumber(name, value);
  if (!Number.isInteger(number))
    throw new Error(`serverless.yml params: ${name} must be an integer, got ${value}`);
  return number;
}

/**
 * Lake lifecycle. Keys start with the tenant id (`{tenant}/raw/…`, shared/lake/keys.ts), and lifecycle filters
 * match a key prefix or object tags only, so no prefix can select "raw data of every tenant". Raw parts are
 * therefore expired by the tag `avesa-area=raw`, which S3ObjectStore sets on every raw part. Re-prefixing
 * keys by area (`raw/{tenant}/…`) would also work but moves every existing object and the per-tenant IAM
 * scoping. Bucket-wide: old versions (history.parquet is rewritten by every compaction) expire, their
 * leftover delete markers go, and incomplete multipart uploads are aborted.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-filters.html
 */
function lakeLifecycleRules(rawRetentionDays, noncurrentVersionDays) {
  return [
    {
      Id: 'expire-raw-parts',
      Status: 'Enabled',
      TagFilters: [{ Key: 'avesa-area', Value: 'raw' }],
      ExpirationInDays: rawRetentionDays,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    },
    {
      Id: 'expire-noncurrent-versions',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: noncurrentVersionDays },
      ExpiredObjectDeleteMarker: true,
    },
    {
      Id: 'abort-incomplete-multipart-uploads',
      Status: 'Enabled',
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    },
  ];
}

/** Seconds a message may wait in a work queue before the age alarm fires. */
const OLDEST_MESSAGE_ALARM_SECONDS = 3600;

/**
 * Alarms to one SNS topic (any DLQ not empty, oldest message too old, function errors) and a dashboard over
 * the Powertools metrics (namespace Avesa, dimensions service and service/tenant) and the queues.
 */
function monitoring(prefix, { errorRateThresholdPercent, errorRateMinInvocations, alarmEmail }) {
  const resources = {
    // CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns (its key
    // policy cannot grant them kms:Decrypt / kms:GenerateDataKey), so the topic has a key of its own:
    // https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
    AlarmTopicKey: {
      Type: 'AWS::KMS::Key',
      Properties: {
        Description: `${prefix} alarm topic`,
        EnableKeyRotation: true,
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              // The default key policy: the account's IAM policies decide who administers the key.
              Sid: 'AccountAdministers',
              Effect: 'Allow',
              Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Sid: 'CloudWatchAlarmsPublish',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
      },
    },
    AlarmTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: `${prefix}-alarms`, KmsMasterKeyId: { Ref: 'AlarmTopicKey' } },
    },
  };
  if (alarmEmail !== '') {
    resources.AlarmEmailSubscription = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: alarmEmail },
    };
  }
  const alarm = (name, properties) => {
    resources[name] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmActions: [{ Ref: 'AlarmTopic' }],
        OKActions: [{ Ref: 'AlarmTopic' }],
        TreatMissingData: 'notBreaching',
        EvaluationPeriods: 1,
        Period: 60,
        ...properties,
      },
    };
  };
  for (const consumer of CONSUMER_SERVICES) {
    const name = logicalName(consumer);
    alarm(`${name}DeadLetterAlarm`, {
      AlarmDescription: `Messages in the ${consumer} dead-letter queue: inspect with \`avesa dlq list --stage\`, fix, then \`avesa dlq replay --stage\``,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [`${name}DeadLetterQueue`, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    alarm(`${name}OldestMessageAlarm`, {
      AlarmDescription: `A ${consumer} message has waited over ${OLDEST_MESSAGE_ALARM_SECONDS} s: the consumer is failing or starved`,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [`${name}Queue`, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: OLDEST_MESSAGE_ALARM_SECONDS,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
    });
  }
  for (const fn of ['discovery', ...CONSUMER_SERVICES]) {
    alarm(`${logicalName(fn)}ErrorsAlarm`, {
      AlarmDescription: `The ${fn} function failed invocations (errors are per record in the logs; this counts whole failures)`,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: `${prefix}-${fn}` }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Period: 300,
    });
    // The share of invocations that failed over 5 minutes; below errorRateMinInvocations the rate is taken as
    // 0, so one failure in a quiet period (2 of 3 invocations) does not page anyone. Metric math:
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
    const lambdaMetric = (id, metricName) => ({
      Id: id,
      ReturnData: false,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Lambda',
          MetricName: metricName,
          Dimensions: [{ Name: 'FunctionName', Value: `${prefix}-${fn}` }],
        },
        Period: 300,
        Stat: 'Sum',
      },
    });
    resources[`${logicalName(fn)}ErrorRateAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: `Over ${errorRateThresholdPercent}% of ${fn} invocations failed in 5 minutes (with at least ${errorRateMinInvocations} invocations)`,
        AlarmActions: [{ Ref: 'AlarmTopic' }],
        OKActions: [{ Ref: 'AlarmTopic' }],
        TreatMissingData: 'notBreaching',
        EvaluationPeriods: 1,
        Threshold: errorRateThresholdPercent,
        ComparisonOperator: 'GreaterThanThreshold',
        Metrics: [
          lambdaMetric('errors', 'Errors'),
          lambdaMetric('invocations', 'Invocations'),
          {
            Id: 'errorRate',
            Label: 'Error rate (%)',
            ReturnData: true,
            Expression: `IF(invocations >= ${errorRateMinInvocations}, 100 * errors / invocations, 0)`,
          },
        ],
      },
    };
  }
  const search = (metric, stat) => ({
    expression: `SEARCH('{Avesa,service,tenant} MetricName="${metric}"', '${stat}', 300)`,
    label: metric,
  });
  const metricWidget = (title, expressions, y) => ({
    type: 'metric',
    x: 0,
    y,
    width: 24,
    height: 6,
    properties: {
      title,
      region: '${AWS::Region}',
      stat: 'Sum',
      period: 300,
      metrics: expressions.map((expression) => [expression]),
    },
  });
  const dashboard = {
    widgets: [
      metricWidget(
        'Records fetched and canonical versions per tenant',
        [search('RecordsFetched', 'Sum'), search('CanonicalVersions', 'Sum')],
        0,
      ),
      metricWidget(
        'API calls and errors',
        [search('ApiCalls', 'Sum'), search('Errors', 'Sum'), search('RecordsQuarantined', 'Sum')],
        6,
      ),
      metricWidget(
        'Job duration per tenant',
        [
          {
            expression: `SEARCH('{Avesa,service,tenant} MetricName="JobDuration"', 'Maximum', 300)`,
            label: 'JobDuration',
          },
        ],
        12,
      ),
      {
        type: 'metric',
        x: 0,
        y: 18,
        width: 24,
        height: 6,
        properties: {
          title: 'Queue depth (work and dead-letter queues)',
          region: '${AWS::Region}',
          stat: 'Maximum',
          period: 60,
          metrics: [
            [
              {
                expression: `SEARCH('{AWS/SQS,QueueName} MetricName="ApproximateNumberOfMessagesVisible" ${prefix}', 'Maximum', 60)`,
                label: 'visible',
              },
            ],
          ],
        },
      },
    ],
  };
  resources.Dashboard = {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: {
      DashboardName: `${prefix}-pipeline`,
      DashboardBody: { 'Fn::Sub': JSON.stringify(dashboard) },
    },
  };
  return resources;
}
