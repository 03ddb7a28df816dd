import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { assertTenantId } from '../../config/tenantId';
import type { SourceCredentials, TenantConfig } from '../../config/tenantsFile';
import { ValidationError } from '../../errors';
import type { TenantAdmin, TenantListing } from '../../ports';
import { DynamoDbTenantRegistry } from './dynamoDbTenantRegistry';
import { SecretsManagerSecretStore } from './secretsManagerSecretStore';
import { accountsOf } from '../../../sources/accounts';

/** Stage names become table, function and secret names; keep them to what CloudFormation names allow. */
const STAGE_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,31}$/;

export function assertStage(stage: string): string {
  if (!STAGE_PATTERN.test(stage))
    throw new ValidationError(
      `Invalid stage ${JSON.stringify(stage)}: it must match ${STAGE_PATTERN.source} (e.g. dev, staging, prod)`,
    );
  return stage;
}

/** Where a deployed stage keeps its tenants (serverless.yml: TENANTS_TABLE and SECRETS_PREFIX). */
export function stageTenantStorage(stage: string): { tableName: string; secretsPrefix: string } {
  assertStage(stage);
  return { tableName: `avesa-${stage}-tenants`, secretsPrefix: `avesa/${stage}` };
}

/** DescribeSecret calls in flight while listing; far under the Secrets Manager request quota. */
const DESCRIBE_CONCURRENCY = 8;

export interface AwsTenantAdminOptions {
  registry: DynamoDbTenantRegistry;
  secrets: SecretsManagerSecretStore;
}

/** The operator's side of a deployed stage's tenants: settings in DynamoDB, credentials in Secrets Manager. */
export class AwsTenantAdmin implements TenantAdmin {
  constructor(private readonly options: AwsTenantAdminOptions) {}

  /** The admin of a deployed stage, with clients configured from the environment unless given. */
  static forStage(
    stage: string,
    clients: { dynamoDb?: DynamoDBDocumentClient; secretsManager?: SecretsManagerClient } = {},
  ): AwsTenantAdmin {
    const { tableName, secretsPrefix } = stageTenantStorage(stage);
    return new AwsTenantAdmin({
      registry: new DynamoDbTenantRegistry({
        tableName,
        ...(clients.dynamoDb ? { client: clients.dynamoDb } : {}),
      }),
      secrets: new SecretsManagerSecretStore({
        prefix: secretsPrefix,
        ...(clients.secretsManager ? { client: clients.secretsManager } : {}),
      }),
    });
  }

  /**
   * Credentials first, settings second: a discovery run in between sees either the old tenant or a tenant
   * whose secret already exists, never a registered tenant without credentials.
   */
  async putTenant(
    config: TenantConfig,
    credentials: Record<string, SourceCredentials>,
  ): Promise<{ created: boolean }> {
    assertTenantId(config.id);
    for (const [source, values] of Object.entries(credentials))
      await this.options.secrets.putSourceCredentials(config.id, source, values);
    const existing = await this.options.registry.getRegistration(config.id);
    await this.options.registry.putTenant(
      { ...config, services: { ...existing?.config.services, ...config.services } },
      { accounts: { ...existing?.accounts, ...accountsOf(credentials) } },
    );
    return { created: existing === undefined };
  }

  async setEnabled(tenantId: string, enabled: boolean): Promise<boolean> {
    return this.options.registry.setEnabled(tenantId, enabled);
  }

  async listRegistered(): Promise<TenantListing[]> {
    const registrations = await this.options.registry.listRegistrations();
    // DescribeSecret, never GetSecretValue: listing needs no permission to read a credential.
    const listings: TenantListing[] = [];
    for (let start = 0; start < registrations.length; start += DESCRIBE_CONCURRENCY) {
      const batch = registrations.slice(start, start + DESCRIBE_CONCURRENCY);
      const found = await Promise.all(
        batch.map(async ({ config }) => {
          const sources = Object.keys(config.services);
          const present = await Promise.all(
            sources.map((source) => this.options.secrets.hasSourceCredentials(config.id, source)),
          );
          return present.every(Boolean);
        }),
      );
      batch.forEach((registration, index) =>
        listings.push({ ...registration, hasCredentials: found[index]! }),
      );
    }
    return listings;
  }
}
