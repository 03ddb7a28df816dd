// What each function's code calls on AWS, and nothing more: the one table every function's IAM role is
// generated from (deploy/resources.js). Read from the entry points (services/*/lambda.ts) through the ports they
// are given (shared/adapters/awsComposition.ts) down to the SDK commands of shared/adapters/aws/*.
const { CONSUMER_SERVICES, logicalName } = require('./routing');
// The source registry (one TypeScript source): a function reads the secrets of registered sources only.
const { SOURCE_NAMES } = require('../sources/registry.ts');

/**
 * Per function:
 * - `publishes`: events:PutEvents on the pipeline bus (every stage emits its outcome event);
 * - `sendsTo`: queues it writes to directly (the fetcher re-queues a chunk's continuation on its own queue);
 * - `tenants`: DynamoDB actions on the tenants table (discovery lists, the source reader factory gets one);
 * - `state`: DynamoDB actions on the state table and the partition-key patterns they may touch
 *   (`dynamodb:LeadingKeys`): idempotency#… (Powertools records, shared/runtime), budget#… (the shared
 *   request budget), plan#… (chunk plans), jobs / job#… / progress#… (progress), watermark#…, compaction#…
 *   (progress: the histories whose compaction is owed);
 * - `secrets`: secretsmanager:GetSecretValue on tenants' credentials under the stage prefix, one resource per
 *   registered source (`{prefix}/{tenant}/{source}`: never another secret of the account);
 * - `lake`: S3 object actions by lake area (keys are `{tenant}/{area}/…`, shared/lake/keys.ts) and the areas
 *   it may list;
 * - `clickHouseSecret`: secretsmanager:GetSecretValue on the stage's ClickHouse secret (`{prefix}/clickhouse`)
 *   only.
 * - `stageSecrets`: secretsmanager:GetSecretValue on these secrets of the stage (`{prefix}/{name}`) and no other;
 * - `state` may also be a list of such grants, each its own statement (the API writes users and sessions but
 *   only reads the pipeline's progress). The analytics loader needs nothing else: ClickHouse reads the lake from S3 itself, with credentials
 *   of its own (a named collection), so the function has no lake access at all.
 * A consumer also reads its own queue (the event source mapping polls with the function's role) and every
 * function writes its own log group; both are added to every role, not listed here.
 */
const FUNCTION_PERMISSIONS = {
  discovery: {
    publishes: true,
    tenants: ['dynamodb:Scan'],
  },
  'chunk-planner': {
    publishes: true,
    tenants: ['dynamodb:GetItem'],
    state: {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      // Watermarks, how far deletes are known, paused chunks to resume, and backfills (started here).
      partitions: [
        'idempotency#*',
        'budget#*',
        'plan#*',
        'watermark#*',
        'deletes#*',
        'paused#*',
        'backfill#*',
      ],
    },
    secrets: true,
  },
  fetcher: {
    publishes: true,
    sendsTo: ['fetcher'],
    tenants: ['dynamodb:GetItem'],
    state: {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      partitions: ['idempotency#*', 'budget#*'],
    },
    secrets: true,
    lake: { put: ['raw'], list: ['raw'] },
  },
  // The backfill lane: the fetcher over backfill slices, which also checkpoints every page it writes.
  'backfill-fetcher': {
    publishes: true,
    sendsTo: ['backfill-fetcher'],
    tenants: ['dynamodb:GetItem'],
    state: {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      partitions: ['idempotency#*', 'budget#*', 'checkpoint#*'],
    },
    secrets: true,
    lake: { put: ['raw'], list: ['raw'] },
  },
  transform: {
    publishes: true,
    // The tenant's source settings: a tableMap chooses the mapping.
    tenants: ['dynamodb:GetItem'],
    state: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], partitions: ['idempotency#*'] },
    // delete: a compaction that merges the history's deltas into its base removes them (shared/lake/historyLayers.ts).
    lake: {
      get: ['raw', 'canonical'],
      put: ['canonical', 'quarantine'],
      delete: ['canonical'],
      list: ['canonical'],
    },
  },
  progress: {
    publishes: true,
    state: {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      partitions: [
        'idempotency#*',
        'jobs',
        'job#*',
        'progress#*',
        'watermark#*',
        'deletes#*',
        'paused#*',
        'backfill#*',
        'compaction#*',
      ],
    },
  },
  // The analytics API: users and sessions (user#…, session#…, refresh#…) read and written; the pipeline page reads
  // jobs, progress and watermarks; tenants' names; its signing key and its ClickHouse password.
  api: {
    tenants: ['dynamodb:GetItem'],
    state: [
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        partitions: ['user#*', 'session#*', 'refresh#*'],
      },
      {
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        partitions: ['jobs', 'job#*', 'progress#*', 'watermark#*'],
      },
    ],
    stageSecrets: ['api-signing-key', 'clickhouse-api'],
  },
  // Publishes nothing and keeps no idempotency records: a load is idempotent by itself.
  'analytics-loader': {
    clickHouseSecret: true,
  },
};

// What the SQS event source mapping does with the function's role:
// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#events-sqs-permissions
const SQS_EVENT_SOURCE_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:ChangeMessageVisibility',
];

const getAtt = (logicalId, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });
const sub = (text) => ({ 'Fn::Sub': text });
const lakeObjects = (areas) => areas.map((area) => ({ 'Fn::Sub': `\${LakeBucket.Arn}/*/${area}/*` }));

/** The IAM statements of one function, from its FUNCTION_PERMISSIONS row. */
function statementsFor(fn, { prefix, secretsPrefix }) {
  const permissions = FUNCTION_PERMISSIONS[fn];
  if (!permissions) throw new Error(`deploy/permissions.js: no permissions for function ${fn}`);
  const statements = [
    {
      Sid: 'OwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: sub(
        `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${prefix}-${fn}:*`,
      ),
    },
  ];
  if (CONSUMER_SERVICES.includes(fn)) {
    statements.push({
      Sid: 'OwnQueueEventSource',
      Effect: 'Allow',
      Action: SQS_EVENT_SOURCE_ACTIONS,
      Resource: getAtt(`${logicalName(fn)}Queue`),
    });
  }
  if (permissions.publishes) {
    statements.push({
      Sid: 'PublishToBus',
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: getAtt('EventBus'),
    });
  }
  for (const queue of permissions.sendsTo ?? []) {
    statements.push({
      Sid: `SendTo${logicalName(queue)}Queue`,
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: getAtt(`${logicalName(queue)}Queue`),
    });
  }
  if (permissions.tenants) {
    statements.push({
      Sid: 'TenantsTable',
      Effect: 'Allow',
      Action: permissions.tenants,
      Resource: getAtt('TenantsTable'),
    });
  }
  const stateGrants = [permissions.state ?? []].flat();
  for (const [index, grant] of stateGrants.entries()) {
    statements.push({
      Sid: index === 0 ? 'StateTable' : `StateTable${index + 1}`,
      Effect: 'Allow',
      Action: grant.actions,
      Resource: getAtt('StateTable'),
      // Only the partitions this function's code writes or reads; DynamoDB checks every key of the request.
      // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': grant.partitions } },
    });
  }
  if (permissions.stageSecrets?.length) {
    statements.push({
      Sid: 'StageSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: permissions.stageSecrets.map((name) =>
        sub(
          `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretsPrefix}/${name}-??????`,
        ),
      ),
    });
  }
  if (permissions.secrets) {
    statements.push({
      Sid: 'TenantCredentials',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      // Secrets Manager appends a hyphen and six random characters to a secret's ARN.
      Resource: SOURCE_NAMES.map((source) =>
        sub(
          `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretsPrefix}/*/${source}-??????`,
        ),
      ),
    });
  }
  if (permissions.clickHouseSecret) {
    statements.push({
      Sid: 'ClickHouseSecret',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: sub(
        `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretsPrefix}/clickhouse-??????`,
      ),
    });
  }
  const lake = permissions.lake ?? {};
  if (lake.get?.length) {
    statements.push({
      Sid: 'LakeRead',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: lakeObjects(lake.get),
    });
  }
  if (lake.put?.length) {
    statements.push({
      Sid: 'LakeWrite',
      Effect: 'Allow',
      // PutObject with a Tagging header (S3ObjectStore tags every object with its area) also needs PutObjectTagging.
      Action: ['s3:PutObject', 's3:PutObjectTagging'],
      Resource: lakeObjects(lake.put),
    });
  }
  if (lake.delete?.length) {
    statements.push({
      Sid: 'LakeDelete',
      Effect: 'Allow',
      Action: ['s3:DeleteObject'],
      Resource: lakeObjects(lake.delete),
    });
  }
  if (lake.list?.length) {
    statements.push({
      Sid: 'LakeList',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: getAtt('LakeBucket'),
      // Listing is a bucket action; the prefix condition keeps it to the areas the code lists. Without a broader
      // s3:ListBucket, S3 answers GetObject on a missing key with AccessDenied instead of NoSuchKey, which
      // S3ObjectStore.get rethrows (the transform treats both as a failed record, so nothing is mistaken).
      Condition: { StringLike: { 's3:prefix': lake.list.map((area) => `*/${area}/*`) } },
    });
  }
  return statements;
}

/** `fetcher` → `FetcherRole`: the logical id serverless.yml names in the function's `role:`. */
const roleLogicalName = (fn) => `${logicalName(fn)}Role`;

/** One IAM role per function in FUNCTION_PERMISSIONS, assumable by Lambda only. CloudFormation names them. */
function functionRoles({ prefix, secretsPrefix }) {
  const resources = {};
  for (const fn of Object.keys(FUNCTION_PERMISSIONS)) {
    resources[roleLogicalName(fn)] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        Policies: [
          {
            PolicyName: `${prefix}-${fn}`,
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: statementsFor(fn, { prefix, secretsPrefix }),
            },
          },
        ],
      },
    };
  }
  return resources;
}

module.exports = {
  FUNCTION_PERMISSIONS,
  SQS_EVENT_SOURCE_ACTIONS,
  statementsFor,
  functionRoles,
  roleLogicalName,
};
