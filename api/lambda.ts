/**
 * The analytics API on AWS: the same Fastify app as `avesa serve`, behind an HTTP API (payload v2) through
 * @fastify/aws-lambda, over the ClickHouse engine; users and sessions in the state table; the signing key from
 * Secrets Manager. Composed once per cold start; a failed composition is tried again by the next request.
 */
import awsLambdaFastify from '@fastify/aws-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { awsFunction } from '../shared/adapters/awsComposition';
import { DynamoDbStateStore, DynamoDbTenantRegistry } from '../shared/adapters/aws';
import { readClickHouseSecret } from '../shared/adapters/aws/clickHouseSecret';
import { ClickHouseAnalyticsEngine } from '../shared/adapters/analytics/clickHouseEngine';
import { parseClickHouseEnvironment } from '../shared/config/clickHouseEnvironment';
import { ValidationError } from '../shared/errors';
import { openAwsAuthStores } from './auth/awsStores';
import { readPipelineStatus } from './pipeline';
import { buildApi } from './server/app';
import { unavailableEngine } from './store/unavailableEngine';
import type { AnalyticsEngine } from './store/port';

const environmentSchema = z.object({
  STATE_TABLE: z.string().min(1),
  TENANTS_TABLE: z.string().min(1),
  /** The secret holding the JWT signing key (the stack generates it: 64 random characters). */
  API_SIGNING_KEY_SECRET_ID: z.string().min(1),
  API_TENANT_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  API_CORS_ORIGINS: z.string().default(''),
});

const { log, entryPoint } = awsFunction('api');

async function secretString(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new ValidationError(`secret ${secretId} has no string value`);
  return SecretString;
}

async function compose() {
  const parsed = environmentSchema.safeParse(process.env);
  if (!parsed.success)
    throw new ValidationError(
      'Invalid API environment',
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  const env = parsed.data;
  const secrets = new SecretsManagerClient({});
  const clickHouse = parseClickHouseEnvironment(process.env);
  let engine: AnalyticsEngine;
  if (clickHouse.url) {
    const secret = await readClickHouseSecret({ secretId: clickHouse.secretId, client: secrets });
    engine = ClickHouseAnalyticsEngine.connect({
      url: clickHouse.url,
      username: clickHouse.username,
      password: secret.password,
      database: clickHouse.database,
      // Inside the HTTP API's 30-second limit.
      requestTimeoutMs: 25_000,
    });
  } else {
    engine = unavailableEngine(
      'this stage has no analytics store: deploy with --param="clickhouseUrl=https://…" (README, On AWS)',
    );
  }
  const auth = openAwsAuthStores({
    tableName: env.STATE_TABLE,
    env: { AVESA_JWT_SECRET: await secretString(secrets, env.API_SIGNING_KEY_SECRET_ID) },
    log,
  });
  const state = new DynamoDbStateStore({ tableName: env.STATE_TABLE });
  const registry = new DynamoDbTenantRegistry({ tableName: env.TENANTS_TABLE });
  const app = await buildApi({
    engine,
    // SQS cannot count one tenant's dead letters: the page says so (null) and the operator's `avesa dlq list` can.
    pipeline: {
      forTenant: (tenantId) =>
        readPipelineStatus(state, tenantId, { maxJobs: 20, deadLetters: async () => null }),
    },
    tenants: { nameOf: async (tenantId) => (await registry.getTenant(tenantId))?.name },
    auth: { users: auth.users, sessions: auth.sessions, log },
    log,
    options: {
      tenantRequestsPerMinute: env.API_TENANT_REQUESTS_PER_MINUTE,
      corsOrigins: env.API_CORS_ORIGINS.split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    },
  });
  const proxy = awsLambdaFastify(app, { payloadAsStream: false });
  await app.ready();
  return proxy;
}

let composed: ReturnType<typeof compose> | undefined;

export const handler = entryPoint(async (event: APIGatewayProxyEventV2, context: Context) => {
  composed ??= compose().catch((error: unknown) => {
    composed = undefined;
    throw error;
  });
  return (await composed)(event, context);
});
