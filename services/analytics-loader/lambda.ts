import { createClient } from '@clickhouse/client';
import type { Context, SQSEvent } from 'aws-lambda';
import { awsFunction } from '../../shared/adapters/awsComposition';
import { readClickHouseSecret } from '../../shared/adapters/aws/clickHouseSecret';
import { clickHouseEnvironment } from '../../shared/config/clickHouseEnvironment';
import type { SqsHandler } from '../../shared/runtime/sqsConsumer';
import { makeDisabledHandler, makeHandler } from './handler';
import type { LakeLocation } from './loadTable';

const { log, entryPoint } = awsFunction('analytics-loader');
const config = clickHouseEnvironment();

/** The handler over a client built once per cold start, with the password read from Secrets Manager. */
async function compose(): Promise<SqsHandler> {
  if (!config.url) return makeDisabledHandler(log);
  const secret = await readClickHouseSecret({ secretId: config.secretId });
  const clickHouse = createClient({
    url: config.url,
    username: config.username,
    password: secret.password,
    // No `database`: the schema's first statement creates it, and every name is qualified.
    request_timeout: 120_000,
  });
  const lake: LakeLocation = config.lakeCollection
    ? { kind: 'named-collection', name: config.lakeCollection }
    : secret.lakeAccessKeyId && secret.lakeSecretAccessKey
      ? {
          kind: 's3',
          url: config.lakeUrl,
          accessKeyId: secret.lakeAccessKeyId,
          secretAccessKey: secret.lakeSecretAccessKey,
        }
      : { kind: 's3', url: config.lakeUrl };
  return makeHandler({ clickHouse, lake, database: config.database, log });
}

let composed: Promise<SqsHandler> | undefined;

export const handler = entryPoint(async (event: SQSEvent, context: Context) => {
  // A failed composition (the secret unreadable) is tried again by the next invocation.
  composed ??= compose().catch((error: unknown) => {
    composed = undefined;
    throw error;
  });
  return (await composed)(event, context);
});
