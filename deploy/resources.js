// CloudFormation resources generated from the shared routing table: one queue + DLQ per consumer, one
// EventBridge rule per consumer forwarding exactly the detail-types EVENT_ROUTES gives it.
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
        Targets: [
          { Id: `${consumer}-queue`, Arn: { 'Fn::GetAtt': [`${name}Queue`, 'Arn'] }, InputPath: '$.detail' },
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
  return { Resources: resources };
};
