import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { assertTenantId } from '../../config/tenantId';
import type { ConnectWiseCredentials } from '../../config/tenantsFile';
import { ValidationError } from '../../errors';
import type { SecretStore } from '../../ports';
import { MalformedSecretError, SecretNotFoundError } from './errors';

/** The JSON a tenant's ConnectWise secret holds. Extra fields are ignored. */
export const connectWiseSecretSchema = z.object({
  companyId: z.string().min(1),
  publicKey: z.string().min(1),
  privateKey: z.string().min(1),
  clientId: z.string().min(1),
});

export interface SecretsManagerSecretStoreOptions {
  /** Secret names are `${prefix}/${tenantId}/connectwise`, e.g. prefix `avesa/prod`. */
  prefix: string;
  /** Defaults to one client per cold start, shared by every instance. */
  client?: SecretsManagerClient;
}

let defaultClient: SecretsManagerClient | undefined;

/** Tenant credentials in AWS Secrets Manager, one secret per tenant and service. */
export class SecretsManagerSecretStore implements SecretStore {
  private readonly client: SecretsManagerClient;
  private readonly prefix: string;

  constructor(options: SecretsManagerSecretStoreOptions) {
    this.client = options.client ?? (defaultClient ??= new SecretsManagerClient({}));
    this.prefix = options.prefix.replace(/\/+$/, '');
  }

  /** The secret name that holds a tenant's ConnectWise credentials. */
  secretName(tenantId: string): string {
    return `${this.prefix}/${assertTenantId(tenantId)}/connectwise`;
  }

  /**
   * Reads and validates the tenant's ConnectWise credentials. Throws SecretNotFoundError or
   * MalformedSecretError naming the tenant; no error message or cause ever carries a secret value.
   */
  async connectWiseCredentials(tenantId: string): Promise<ConnectWiseCredentials> {
    const secretName = this.secretName(tenantId);
    let secretString: string | undefined;
    try {
      secretString = (await this.client.send(new GetSecretValueCommand({ SecretId: secretName })))
        .SecretString;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ResourceNotFoundException') {
        throw new SecretNotFoundError(tenantId, secretName);
      }
      throw error;
    }
    if (secretString === undefined)
      throw new MalformedSecretError(tenantId, secretName, 'is not a JSON string');
    let document: unknown;
    try {
      document = JSON.parse(secretString);
    } catch {
      // The SyntaxError is dropped on purpose: its message quotes the text around the error, i.e. the secret.
      throw new MalformedSecretError(tenantId, secretName, 'is not valid JSON');
    }
    const parsed = connectWiseSecretSchema.safeParse(document);
    if (!parsed.success) {
      // Only paths are reported: zod messages may describe the received value.
      const fields = [
        ...new Set(parsed.error.issues.map((issue) => issue.path.map(String).join('.') || '(document)')),
      ];
      throw new MalformedSecretError(
        tenantId,
        secretName,
        `must be a JSON object with non-empty string fields companyId, publicKey, privateKey, clientId; wrong or missing: ${fields.join(', ')}`,
      );
    }
    return parsed.data;
  }

  /**
   * Creates the tenant's ConnectWise secret, or stores the credentials as its new version when it exists
   * (the operator's `avesa tenants add`). Returns whether the secret is new. The credentials travel only in
   * the SecretString; nothing here puts them in a message.
   */
  async putConnectWiseCredentials(
    tenantId: string,
    credentials: ConnectWiseCredentials,
  ): Promise<{ created: boolean }> {
    const secretName = this.secretName(tenantId);
    const parsed = connectWiseSecretSchema.safeParse(credentials);
    if (!parsed.success)
      throw new ValidationError(
        `ConnectWise credentials of tenant "${tenantId}" are incomplete`,
        [...new Set(parsed.error.issues.map((issue) => issue.path.map(String).join('.')))].map(
          (field) => `${field}: must be a non-empty string`,
        ),
      );
    const { companyId, publicKey, privateKey, clientId } = parsed.data;
    const secretString = JSON.stringify({ companyId, publicKey, privateKey, clientId });
    try {
      await this.client.send(
        new CreateSecretCommand({
          Name: secretName,
          Description: `ConnectWise API credentials of tenant ${tenantId} (avesa tenants add)`,
          SecretString: secretString,
          Tags: [{ Key: 'avesa:tenant', Value: tenantId }],
        }),
      );
      return { created: true };
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'ResourceExistsException') throw error;
    }
    // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html: the new version
    // becomes AWSCURRENT. A secret scheduled for deletion rejects it with InvalidRequestException.
    await this.client.send(new PutSecretValueCommand({ SecretId: secretName, SecretString: secretString }));
    return { created: false };
  }

  /** Whether the tenant's ConnectWise secret exists (and is not scheduled for deletion), without reading it. */
  async hasConnectWiseCredentials(tenantId: string): Promise<boolean> {
    try {
      const description = await this.client.send(
        new DescribeSecretCommand({ SecretId: this.secretName(tenantId) }),
      );
      return description.DeletedDate === undefined;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return false;
      throw error;
    }
  }
}
