import type { Context } from 'aws-lambda';
import { powertoolsLogger } from '../observability/powertoolsLog';
import { lambdaHandler } from '../runtime/lambdaHandler';
import { lambdaEnvironment } from '../config/lambdaEnvironment';
import { configuredSources, sourceReaderFactory } from '../sources/readers';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../sources/sourceHttp';
import { SharedRequestBudget } from '../budget/sharedRequestBudget';
import { stateRetentionPolicy } from '../state/retention';
import {
  DynamoDbStateStore,
  DynamoDbTenantRegistry,
  EventBridgeBus,
  S3ObjectStore,
  SecretsManagerSecretStore,
  SqsWorkQueue,
} from './aws';

/**
 * What every Lambda entry point has, and a function outside the pipeline's ports (the analytics loader) takes
 * alone: its logger and its entry point, the handler wrapped in the middy chain of the Powertools middlewares.
 */
export function awsFunction(serviceName: string) {
  const { logger, log } = powertoolsLogger(serviceName);
  return {
    log,
    entryPoint: <Event, Result>(handler: (event: Event, context: Context) => Promise<Result>) =>
      lambdaHandler(handler, { serviceName, logger }),
  };
}

/**
 * The production composition root shared by the Lambda entry points: AWS adapters built once per cold start.
 * Each function takes only what it uses.
 */
export function awsPorts(serviceName: string) {
  const env = lambdaEnvironment();
  const registry = new DynamoDbTenantRegistry({ tableName: env.TENANTS_TABLE });
  const secrets = new SecretsManagerSecretStore({ prefix: env.SECRETS_PREFIX });
  const state = new DynamoDbStateStore({
    tableName: env.STATE_TABLE,
    // Idempotency, request-budget and old jobs' items expire by the table's TTL; watermarks never do.
    retention: stateRetentionPolicy({ jobStateDays: env.JOB_STATE_RETENTION_DAYS }),
  });
  const { log, entryPoint } = awsFunction(serviceName);
  return {
    env,
    log,
    /** The function's entry point: the handler wrapped in the middy chain of the Powertools middlewares. */
    entryPoint,
    registry,
    bus: new EventBridgeBus({ eventBusName: env.EVENT_BUS_NAME }),
    state,
    lake: new S3ObjectStore({ bucket: env.LAKE_BUCKET }),
    fetcherQueue: () => {
      if (!env.FETCHER_QUEUE_URL) throw new Error('FETCHER_QUEUE_URL is not set for this function');
      return new SqsWorkQueue({ queueUrl: env.FETCHER_QUEUE_URL });
    },
    sourceFor: configuredSources(registry),
    // Every Lambda instance of every function draws on the same per-tenant budget, kept in the state table.
    readerFor: sourceReaderFactory({
      registry,
      secrets,
      budget: new SharedRequestBudget(state, { leaseMs: DEFAULT_REQUEST_TIMEOUT_MS + 5_000 }),
    }),
  };
}
