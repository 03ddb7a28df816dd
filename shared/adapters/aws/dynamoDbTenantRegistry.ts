import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { SOURCE_NAMES, findSource } from '../../../sources/registry';
import { assertTenantId, TENANT_ID_PATTERN } from '../../config/tenantId';
import type { SourceConfig, SourceCredentials, TenantConfig } from '../../config/tenantsFile';
import { ValidationError } from '../../errors';
import type { TenantRegistry } from '../../ports';

/**
 * One registry item: the tenant's non-secret settings, keyed by `tenantId`; each source's settings are
 * checked by that source's settings schema (the tenants file's), which fills the same defaults. Unknown
 * attributes (audit fields and the like) are ignored.
 */
export const tenantRegistryItemSchema = z.object({
  tenantId: z.string().regex(TENANT_ID_PATTERN, 'must match ^[a-z0-9][a-z0-9-]{0,62}$'),
  name: z.string().min(1).optional(),
  /**
   * Per source, the non-secret credentials recorded for operators (`avesa tenants list`); the pipeline reads
   * the secret's.
   */
  accounts: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  enabled: z.boolean().optional(),
  services: z.record(z.string(), z.record(z.string(), z.unknown())),
});
export type TenantRegistryItem = z.infer<typeof tenantRegistryItemSchema>;

/** The item that stores `config`: what an operator script writes to register a tenant. */
export function toTenantRegistryItem(
  config: TenantConfig,
  accounts: Record<string, SourceCredentials> = {},
): TenantRegistryItem {
  return {
    tenantId: assertTenantId(config.id),
    name: config.name,
    ...(Object.keys(accounts).length > 0 ? { accounts } : {}),
    enabled: config.enabled,
    services: config.services,
  };
}

/** A tenant's settings as stored, with the non-secret attributes only operators look at. */
export interface TenantRegistration {
  config: TenantConfig;
  accounts: Record<string, SourceCredentials>;
}

export interface DynamoDbTenantRegistryOptions {
  tableName: string;
  /** Defaults to one document client per cold start, shared by every instance. */
  client?: DynamoDBDocumentClient;
}

let defaultClient: DynamoDBDocumentClient | undefined;

/** The tenants to sync, one DynamoDB item per tenant. Credentials live in the SecretStore, never here. */
export class DynamoDbTenantRegistry implements TenantRegistry {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbTenantRegistryOptions) {
    this.client = options.client ?? (defaultClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({})));
    this.tableName = options.tableName;
  }

  /**
   * Every registered tenant, sorted by id. Like the tenants file, a malformed item fails the whole listing
   * with a ValidationError naming every bad tenant, rather than silently dropping a tenant from the sync.
   */
  async listTenants(): Promise<TenantConfig[]> {
    return (await this.listRegistrations()).map((registration) => registration.config);
  }

  /** Like listTenants, with the attributes operators see (`avesa tenants list`). */
  async listRegistrations(): Promise<TenantRegistration[]> {
    const tenants: TenantRegistration[] = [];
    const problems: string[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      // A Scan page stops at 1 MB. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.Pagination
      const page = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: exclusiveStartKey }),
      );
      for (const item of page.Items ?? []) {
        const parsed = parseItem(item);
        if (parsed.ok) tenants.push({ config: parsed.config, accounts: parsed.accounts });
        else problems.push(...parsed.problems);
      }
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
    if (problems.length > 0)
      throw new ValidationError(`Invalid tenant registry table ${this.tableName}`, problems);
    return tenants.sort((a, b) => (a.config.id < b.config.id ? -1 : a.config.id > b.config.id ? 1 : 0));
  }

  /** The tenant's settings, or undefined when it is not registered. Throws InvalidTenantIdError for a non-slug id. */
  async getTenant(tenantId: string): Promise<TenantConfig | undefined> {
    return (await this.getRegistration(tenantId))?.config;
  }

  /** Like getTenant, with the attributes operators see. */
  async getRegistration(tenantId: string): Promise<TenantRegistration | undefined> {
    const response = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { tenantId: assertTenantId(tenantId) } }),
    );
    if (!response.Item) return undefined;
    const parsed = parseItem(response.Item);
    if (!parsed.ok)
      throw new ValidationError(`Invalid tenant registry table ${this.tableName}`, parsed.problems);
    return { config: parsed.config, accounts: parsed.accounts };
  }

  /**
   * Creates or replaces the tenant's item (the operator's `avesa tenants add`). Returns whether it is new.
   * Attributes other writers added are replaced too: the item holds only what the registry defines.
   */
  async putTenant(
    config: TenantConfig,
    options: { accounts?: Record<string, SourceCredentials> } = {},
  ): Promise<{ created: boolean }> {
    const item = { ...toTenantRegistryItem(config, options.accounts), updatedAt: new Date().toISOString() };
    const response = await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: item, ReturnValues: 'ALL_OLD' }),
    );
    return { created: response.Attributes === undefined };
  }

  /** Enables or disables a registered tenant; returns false (and writes nothing) when it is not registered. */
  async setEnabled(tenantId: string, enabled: boolean): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { tenantId: assertTenantId(tenantId) },
          UpdateExpression: 'SET #enabled = :enabled, #updatedAt = :updatedAt',
          // Without the condition, an update of a missing key would create a half item the registry rejects.
          ConditionExpression: 'attribute_exists(#tenantId)',
          ExpressionAttributeNames: {
            '#enabled': 'enabled',
            '#updatedAt': 'updatedAt',
            '#tenantId': 'tenantId',
          },
          ExpressionAttributeValues: { ':enabled': enabled, ':updatedAt': new Date().toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

type ParsedItem =
  | { ok: true; config: TenantConfig; accounts: Record<string, SourceCredentials> }
  | { ok: false; problems: string[] };

function parseItem(item: Record<string, unknown>): ParsedItem {
  const parsed = tenantRegistryItemSchema.safeParse(item);
  if (!parsed.success) {
    const label =
      typeof item.tenantId === 'string' ? `tenant "${item.tenantId}"` : 'an item without a tenantId';
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (issue) => `${label}: ${issue.path.map(String).join('.') || '(item)'}: ${issue.message}`,
      ),
    };
  }
  const { tenantId, name, accounts, enabled, services } = parsed.data;
  const config: TenantConfig = {
    id: tenantId,
    name: name ?? tenantId,
    enabled: enabled ?? true,
    services: {},
  };
  const problems: string[] = [];
  for (const [source, part] of Object.entries(services)) {
    const connector = findSource(source);
    if (!connector) {
      problems.push(
        `tenant "${tenantId}": services.${source}: unknown source (the sources are ${SOURCE_NAMES.join(', ')})`,
      );
      continue;
    }
    const settings = connector.settingsSchema.safeParse(part);
    if (settings.success) config.services[source] = settings.data as SourceConfig;
    else
      problems.push(
        ...settings.error.issues.map(
          (issue) =>
            `tenant "${tenantId}": services.${source}.${issue.path.map(String).join('.')}: ${issue.message}`,
        ),
      );
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config, accounts: accounts ?? {} };
}
