/**
 * The auth stores of a deployed stage: users and sessions in the stage's state table (serverless.yml
 * STATE_TABLE, `avesa-{stage}-state`), beside the pipeline's items under prefixes of their own. Sessions and
 * refresh tokens carry the table's TTL (`expiresAt`), so DynamoDB deletes them a day after they expire;
 * users are kept.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { assertStage } from '../../shared/adapters/aws/awsTenantAdmin';
import { DynamoDbStateStore } from '../../shared/adapters/aws/dynamoDbStateStore';
import { systemClock, type Clock, type Log } from '../../shared/ports';
import type { StateRetentionPolicy } from '../../shared/state/retention';
import type { AuthStores } from './types';
import {
  REFRESH_PARTITION_PREFIX,
  REFRESH_TOKEN_SECONDS,
  resolveSigningKey,
  SESSION_PARTITION_PREFIX,
  SESSION_SECONDS,
  SessionService,
} from './sessions';
import { UserStore } from './users';

/** The state table of a deployed stage (serverless.yml: `${self:service}-${sls:stage}-state`). */
export function stageStateTable(stage: string): string {
  return `avesa-${assertStage(stage)}-state`;
}

const DAY_SECONDS = 24 * 3600;

/**
 * A refresh token is rewritten when used, a session when revoked; each is worth keeping a day past the longest
 * it can live from that write. Nothing depends on the deletion (an expired item still reads as expired).
 */
export const authRetentionPolicy: StateRetentionPolicy = (pk) => {
  if (pk.startsWith(REFRESH_PARTITION_PREFIX)) return REFRESH_TOKEN_SECONDS + DAY_SECONDS;
  if (pk.startsWith(SESSION_PARTITION_PREFIX)) return SESSION_SECONDS + DAY_SECONDS;
  return undefined;
};

export interface AwsAuthStoreOptions {
  tableName: string;
  /** Default: the document client configured from the environment. */
  client?: DynamoDBDocumentClient;
  clock?: Clock;
}

/** A deployed stage's users (what `avesa users --stage S` manages). */
export function awsUserStore(options: AwsAuthStoreOptions): UserStore {
  return new UserStore(stateStore(options), options.clock ?? systemClock);
}

/** Users and sessions in DynamoDB; the signing key must come from AVESA_JWT_SECRET (a Lambda keeps no files). */
export function openAwsAuthStores(
  options: AwsAuthStoreOptions & { env: Record<string, string | undefined>; log: Log },
): AuthStores {
  const clock = options.clock ?? systemClock;
  const { key } = resolveSigningKey({ env: options.env });
  const users = awsUserStore(options);
  const sessions = new SessionService({
    state: stateStore(options),
    users,
    signingKey: key,
    log: options.log,
    clock,
  });
  return { users, sessions, close: () => {} };
}

function stateStore(options: AwsAuthStoreOptions): DynamoDbStateStore {
  const clock = options.clock ?? systemClock;
  return new DynamoDbStateStore({
    tableName: options.tableName,
    retention: authRetentionPolicy,
    now: () => clock.now().getTime(),
    ...(options.client ? { client: options.client } : {}),
  });
}
